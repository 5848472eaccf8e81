"""Writes for supplies: items, stores, and the stock moves of a store (receive, issue,
transfer, write off, correct).

Every write takes the actor and checks the permission at the store's unit; the moves go
through ``supplies.ledger.post`` in the same transaction as their audit entry.
Donations are in ``services_donations``, requests in ``services_requests``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import OrgUnit
from fangkong.supplies import ledger
from fangkong.supplies.ledger import Move, check_quantity
from fangkong.supplies.models import Item, MoveKind, Stock, StockMove, Store

ITEM_FIELDS = ("name", "measure", "category", "low_threshold", "active")
STORE_FIELDS = ("name", "keeper", "address", "active")


def require(actor: User, perm: Perm, path: str | None) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


def moment(at: datetime | None) -> datetime:
    """When a move happened: now, or earlier (a delivery typed in afterwards); never later."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationError({"at": _("A move cannot be in the future.")})
    return at


# Items: one catalogue for the installation.


@transaction.atomic
def item_create(*, actor: User, **values: Any) -> Item:
    require(actor, Perm.MANAGE_SUPPLIES, None)
    item = Item(**{k: values[k] for k in ITEM_FIELDS if k in values})
    item.name, item.measure = item.name.strip(), item.measure.strip()
    item.full_clean()
    item.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=item, changes={"name": item.name})
    return item


@transaction.atomic
def item_update(*, actor: User, item: Item, **values: Any) -> Item:
    require(actor, Perm.MANAGE_SUPPLIES, None)
    item = Item.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item, ITEM_FIELDS)
    for key in ITEM_FIELDS:
        if key in values:
            setattr(item, key, values[key].strip() if isinstance(values[key], str) else values[key])
    item.full_clean()
    item.save()
    changes = audit.changed_fields(before, audit.snapshot(item, ITEM_FIELDS))
    audit.record(actor=actor, action=audit.Action.UPDATE, target=item, changes=changes)
    return item


# Stores.


@transaction.atomic
def store_create(*, actor: User, unit: OrgUnit, **values: Any) -> Store:
    require(actor, Perm.MANAGE_SUPPLIES, unit.path)
    store = Store(
        unit=unit, org_path=unit.path, **{k: values[k] for k in STORE_FIELDS if k in values}
    )
    store.name = store.name.strip()
    store.full_clean()
    store.save()
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=store, changes={"name": store.name}
    )
    return store


@transaction.atomic
def store_update(*, actor: User, store: Store, **values: Any) -> Store:
    store = Store.objects.select_for_update().get(pk=store.pk)
    require(actor, Perm.MANAGE_SUPPLIES, store.org_path)
    before = audit.snapshot(store, STORE_FIELDS)
    for key in STORE_FIELDS:
        if key in values:
            setattr(store, key, values[key])
    store.full_clean()
    store.save()
    changes = audit.changed_fields(before, audit.snapshot(store, STORE_FIELDS))
    audit.record(actor=actor, action=audit.Action.UPDATE, target=store, changes=changes)
    return store


def _may_receive(store: Store, item: Item) -> None:
    if not store.active:
        raise ValidationError(_("Store %(store)s is not in use.") % {"store": store.name})
    if not item.active:
        raise ValidationError({"item": _("%(item)s is no longer in use.") % {"item": item.name}})


def _audit(actor: User, move: StockMove, **more: Any) -> None:
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=move,
        changes={"kind": move.kind, "item": move.item.name, "quantity": move.quantity,
                 "store": move.store_id, **more},
    )  # fmt: skip


@transaction.atomic
def stock_receive(
    *, actor: User, store: Store, item: Item, quantity: int, note: str = "",
    at: datetime | None = None,
) -> StockMove:  # fmt: skip
    """A purchase delivered to the store (donations: ``services_donations``)."""
    require(actor, Perm.MANAGE_SUPPLIES, store.org_path)
    quantity = check_quantity(quantity)
    _may_receive(store, item)
    (move,) = ledger.post(
        [Move(store, item, MoveKind.PURCHASE, quantity, note=note)], actor=actor, at=moment(at)
    )
    _audit(actor, move)
    return move


def _to_unit(store: Store, unit: OrgUnit | None) -> OrgUnit | None:
    if unit is not None and not unit.path.startswith(store.org_path):
        raise ValidationError(
            {"to_unit": _("A store issues to its own unit and the units under it.")}
        )
    return unit


@transaction.atomic
def stock_issue(
    *, actor: User, store: Store, item: Item, quantity: int, to_unit: OrgUnit | None = None,
    recipient: str = "", note: str = "", at: datetime | None = None,
) -> StockMove:  # fmt: skip
    """Handed out (发放) to staff, volunteers or residents of the store's area."""
    require(actor, Perm.ISSUE_SUPPLIES, store.org_path)
    quantity = check_quantity(quantity)
    to_unit = _to_unit(store, to_unit)
    (move,) = ledger.post(
        [Move(store, item, MoveKind.ISSUE, -quantity, to_unit=to_unit, recipient=recipient,
              note=note)],
        actor=actor, at=moment(at),
    )  # fmt: skip
    _audit(actor, move)
    return move


def transfer_moves(
    source: Store, target: Store, item: Item, quantity: int, **extra: Any
) -> list[Move]:
    """The two halves of a transfer, for ``ledger.post``."""
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another store to send to.")})
    _may_receive(target, item)
    return [
        Move(source, item, MoveKind.TRANSFER_OUT, -quantity, counterpart=target, **extra),
        Move(target, item, MoveKind.TRANSFER_IN, quantity, counterpart=source, **extra),
    ]


@transaction.atomic
def stock_transfer(
    *, actor: User, source: Store, target: Store, item: Item, quantity: int, note: str = "",
    at: datetime | None = None,
) -> tuple[StockMove, StockMove]:  # fmt: skip
    """From one store to another the actor may see, as two moves in one transaction."""
    require(actor, Perm.MANAGE_SUPPLIES, source.org_path)
    require(actor, Perm.VIEW_SUPPLIES, target.org_path)
    quantity = check_quantity(quantity)
    out, into = ledger.post(
        transfer_moves(source, target, item, quantity, note=note), actor=actor, at=moment(at)
    )
    _audit(actor, out, to_store=target.pk)
    return out, into


@transaction.atomic
def stock_expire(
    *, actor: User, store: Store, item: Item, quantity: int, note: str = "",
    at: datetime | None = None,
) -> StockMove:  # fmt: skip
    """Past its date or spoilt: written off."""
    require(actor, Perm.MANAGE_SUPPLIES, store.org_path)
    quantity = check_quantity(quantity)
    (move,) = ledger.post(
        [Move(store, item, MoveKind.EXPIRED, -quantity, note=note)], actor=actor, at=moment(at)
    )
    _audit(actor, move)
    return move


@transaction.atomic
def stock_correct(
    *, actor: User, store: Store, item: Item, quantity: int, note: str,
    at: datetime | None = None,
) -> StockMove:  # fmt: skip
    """A stocktake (盘点) found more (positive) or less (negative) than the ledger: the
    difference is booked, with why."""
    require(actor, Perm.MANAGE_SUPPLIES, store.org_path)
    quantity = check_quantity(quantity, signed=True)
    if not note.strip():
        raise ValidationError({"note": _("Say why the stock is corrected.")})
    (move,) = ledger.post(
        [Move(store, item, MoveKind.CORRECTION, quantity, note=note)], actor=actor, at=moment(at)
    )
    _audit(actor, move)
    return move


@transaction.atomic
def threshold_set(*, actor: User, store: Store, item: Item, threshold: int | None) -> Stock:
    """The store's own low-stock threshold for the item (None: the item's)."""
    require(actor, Perm.MANAGE_SUPPLIES, store.org_path)
    if threshold is not None and not 0 <= threshold <= ledger.MAX_QUANTITY:
        raise ValidationError({"threshold": _("Give a whole number of zero or more.")})
    row, _created = Stock.objects.get_or_create(
        store=store, item=item, defaults={"org_path": store.org_path}
    )
    before = row.threshold
    Stock.objects.filter(pk=row.pk).update(threshold=threshold)
    row.threshold = threshold
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=store,
        changes={"item": item.name, "threshold": [before, threshold]},
    )  # fmt: skip
    return row
