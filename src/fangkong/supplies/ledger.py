"""The stock ledger: every change of stock is a set of moves posted here, in the caller's
transaction, with the balance rows locked.

Each (store, item) balance row is created at 0 if it is missing, then locked with
``SELECT … FOR UPDATE`` one at a time in (store, item) order, so that two writers
touching the same rows (a transfer each way between two stores) take the locks in the
same order and never deadlock. Under the locks the balances are read, every move is
checked against them, and the moves and new balances are written; an issue larger
than the balance is refused with the quantity left, and nothing is written. On
SQLite, whose writers take the database lock at the start of the transaction
(``transaction_mode="IMMEDIATE"``), the locks are no-ops and the order is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.orgunits.models import OrgUnit
from fangkong.supplies.models import (
    INCOMING,
    OUTGOING,
    Donation,
    Item,
    MoveKind,
    Stock,
    StockMove,
    Store,
    SupplyRequest,
)

# Per move: far above any real delivery, far below what the columns hold.
MAX_QUANTITY = 10_000_000


@dataclass(frozen=True)
class Move:
    store: Store
    item: Item
    kind: str
    quantity: int  # signed: into the store > 0, out of it < 0
    counterpart: Store | None = None
    to_unit: OrgUnit | None = None
    recipient: str = ""
    donation: Donation | None = None
    request: SupplyRequest | None = None
    note: str = ""


def _on_quantity(message: str, code: str) -> ValidationError:
    return ValidationError({"quantity": ValidationError(message, code=code)})


def check_quantity(quantity: object, *, signed: bool = False) -> int:
    """A whole number of the item's unit, not zero (and positive unless ``signed``)."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise _on_quantity(_("Give a whole number."), "not_whole")
    if quantity == 0 or (quantity < 0 and not signed):
        raise _on_quantity(_("Give a quantity above zero."), "not_positive")
    if abs(quantity) > MAX_QUANTITY:
        raise _on_quantity(_("At most %(max)d at once.") % {"max": MAX_QUANTITY}, "too_many")
    return quantity


def short_message(item: Item, left: int) -> str:
    return _("Not enough stock: %(item)s has only %(left)d %(measure)s left.") % {
        "item": item.name,
        "left": left,
        "measure": item.measure,
    }


def _lock(keys: list[tuple[int, int]], paths: dict[int, str]) -> dict[tuple[int, int], Stock]:
    """The balance rows of ``keys``, locked in the order given (created at 0 if missing)."""
    locked = {}
    for store, item in keys:
        rows = Stock.objects.select_for_update().filter(store_id=store, item_id=item)
        row = rows.first()
        if row is None:
            # A row another writer creates at the same moment is waited for and kept.
            Stock.objects.bulk_create(
                [Stock(store_id=store, item_id=item, org_path=paths[store], quantity=0)],
                ignore_conflicts=True,
            )
            row = rows.get()
        locked[(store, item)] = row
    return locked


def post(moves: list[Move], *, actor: User | None, at: datetime) -> list[StockMove]:
    """Write ``moves`` and the balances they change, or nothing (a ValidationError)."""
    if not connection.in_atomic_block:
        raise RuntimeError("supplies.ledger.post runs inside the writer's transaction")
    for move in moves:
        wrong_sign = (move.kind in INCOMING and move.quantity <= 0) or (
            move.kind in OUTGOING and move.quantity >= 0
        )
        if wrong_sign or move.quantity == 0:
            raise ValueError(f"{move.kind} with quantity {move.quantity}")
    paths = {m.store.pk: m.store.org_path for m in moves}
    keys = sorted({(m.store.pk, m.item.pk) for m in moves})
    stock = _lock(keys, paths)
    rows = []
    for move in moves:
        row = stock[(move.store.pk, move.item.pk)]
        after = row.quantity + move.quantity
        if after < 0:
            raise _on_quantity(short_message(move.item, row.quantity), "short")
        row.quantity = after
        rows.append(
            StockMove(
                store=move.store, item=move.item, kind=move.kind, quantity=move.quantity,
                balance=after, counterpart=move.counterpart, to_unit=move.to_unit,
                recipient=move.recipient.strip()[:100], donation=move.donation,
                request=move.request, note=move.note.strip()[:200], at=at,
                by=actor if actor is not None and actor.pk else None, org_path=move.store.org_path,
            )
        )  # fmt: skip
    try:
        with transaction.atomic():
            for key in keys:
                Stock.objects.filter(pk=stock[key].pk).update(
                    quantity=stock[key].quantity, updated_at=at
                )
    except IntegrityError:
        # Only reached if a balance changed past the locks (a write outside this module).
        raise ValidationError(_("Stock cannot fall below zero."), code="negative") from None
    return StockMove.objects.bulk_create(rows)


def recount(stores: list[int] | None = None) -> list[tuple[int, int, int, int]]:
    """(store, item, kept, counted) for each balance that differs from its ledger."""
    kept = Stock.objects.all()
    moves = StockMove.objects.all()
    if stores is not None:
        kept, moves = kept.filter(store__in=stores), moves.filter(store__in=stores)
    counted = {
        (r["store"], r["item"]): r["n"]
        for r in moves.values("store", "item").annotate(n=Sum("quantity")).order_by()
    }
    out = []
    for store, item, quantity in kept.values_list("store", "item", "quantity"):
        n = counted.pop((store, item), 0)
        if n != quantity:
            out.append((store, item, quantity, n))
    out += [(store, item, 0, n) for (store, item), n in counted.items()]
    return out


__all__ = ["MAX_QUANTITY", "Move", "MoveKind", "check_quantity", "post", "recount"]
