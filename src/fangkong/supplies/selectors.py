"""Scoped reads for supplies: stores and their stock with days of cover, low-stock
alerts, the ledger, donations and requests; and the counts the command dashboard and
the daily report take from here (``alert_counts``, ``issued_on``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm
from fangkong.orgunits.models import OrgUnit
from fangkong.supplies.models import (
    USE,
    Category,
    Donation,
    Item,
    MoveKind,
    RequestState,
    Stock,
    StockMove,
    Store,
    SupplyRequest,
)

# Days of cover are measured against what the store used in the last week.
USE_WINDOW_DAYS = 7


def stores(*, actor: Any, perm: Perm = Perm.VIEW_SUPPLIES) -> QuerySet[Store]:
    return Store.objects.visible_to(actor, perm).select_related("unit").order_by("org_path", "name")


def items(*, active_only: bool = False) -> QuerySet[Item]:
    rows = Item.objects.all()
    return rows.filter(active=True) if active_only else rows


def _low() -> Q:
    return Q(low_limit__gt=0, quantity__lt=F("low_limit"))


def with_limit(rows: QuerySet[Stock]) -> QuerySet[Stock]:
    """Each balance row with its effective threshold (the store's, else the item's)."""
    return rows.annotate(low_limit=Coalesce("threshold", "item__low_threshold"))


def days_of_cover(balance: int, used: int, days: int = USE_WINDOW_DAYS) -> Decimal | None:
    """How long the balance lasts at the recent rate of use; None when nothing was used."""
    if used <= 0:
        return None
    return (Decimal(balance) * days / Decimal(used)).quantize(Decimal("0.1"), ROUND_DOWN)


def usage(store_ids: list[int], now: datetime | None = None) -> dict[tuple[int, int], int]:
    """(store, item) -> how much left the store as issues and transfers out in the window."""
    now = now or timezone.now()
    rows = (
        StockMove.objects.filter(
            store__in=store_ids,
            kind__in=USE,
            at__gt=now - timedelta(days=USE_WINDOW_DAYS),
            at__lte=now,
        )
        .values("store", "item")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    return {(r["store"], r["item"]): -r["n"] for r in rows}


@dataclass(frozen=True)
class StockLine:
    stock: Stock
    used: int  # in the last USE_WINDOW_DAYS days
    days: Decimal | None

    @property
    def item(self) -> Item:
        return self.stock.item

    @property
    def store(self) -> Store:
        return self.stock.store

    @property
    def quantity(self) -> int:
        return self.stock.quantity

    @property
    def limit(self) -> int:
        return self.stock.limit

    @property
    def low(self) -> bool:
        return self.stock.low

    @property
    def out(self) -> bool:
        return self.stock.quantity == 0


def _lines(rows: QuerySet[Stock], now: datetime | None) -> list[StockLine]:
    found = list(rows.select_related("item", "store__unit"))
    used = usage(sorted({s.store_id for s in found}), now)
    out = []
    for stock in found:
        n = used.get((stock.store_id, stock.item_id), 0)
        out.append(StockLine(stock, n, days_of_cover(stock.quantity, n)))
    return out


def stock_lines(store: Store, now: datetime | None = None) -> list[StockLine]:
    """The store's items (those it ever held), low ones first."""
    lines = _lines(Stock.objects.filter(store=store), now)
    return sorted(lines, key=lambda s: (not s.low, s.item.category, s.item.name))


def store_summaries(*, actor: Any) -> list[dict[str, Any]]:
    """The stores in the actor's scope, each with how many items it holds and how many are low."""
    rows = with_limit(Stock.objects.visible_to(actor, Perm.VIEW_SUPPLIES))
    counts = {
        r["store"]: r
        for r in rows.values("store")
        .annotate(held=Count("id", filter=Q(quantity__gt=0)), n_low=Count("id", filter=_low()))
        .order_by()
    }
    return [
        {"store": s, "held": counts.get(s.pk, {}).get("held", 0),
         "low": counts.get(s.pk, {}).get("n_low", 0)}
        for s in stores(actor=actor)
    ]  # fmt: skip


def low_stock(*, actor: Any, now: datetime | None = None) -> list[StockLine]:
    """Balances under their threshold in the actor's scope, those that run out soonest first."""
    rows = with_limit(Stock.objects.visible_to(actor, Perm.VIEW_SUPPLIES)).filter(
        _low(), store__active=True
    )
    lines = _lines(rows, now)
    return sorted(
        lines, key=lambda s: (s.days is None and s.quantity > 0, s.days or 0, s.store.org_path)
    )


def ledger(store: Store, item: Item) -> QuerySet[StockMove]:
    return (
        StockMove.objects.filter(store=store, item=item)
        .select_related("counterpart", "to_unit", "by", "donation", "request")
        .order_by("-at", "-id")
    )


def donation_list(*, actor: Any) -> QuerySet[Donation]:
    return (
        Donation.objects.visible_to(actor, Perm.VIEW_SUPPLIES)
        .select_related("unit", "store")
        .order_by("-received_on", "-id")
    )


def request_list(*, actor: Any, state: str = "open") -> QuerySet[SupplyRequest]:
    rows = SupplyRequest.objects.visible_to(actor, Perm.VIEW_SUPPLIES).select_related(
        "unit", "to_unit"
    )
    if state == "open":
        rows = rows.filter(state__in=[RequestState.SUBMITTED, RequestState.APPROVED])
    elif state in RequestState.values:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-id")


def alert_counts(unit: OrgUnit) -> dict[str, int]:
    """For the command dashboard: in ``unit``'s subtree, the stores in use holding an item
    under its threshold, and the requests waiting for a decision or for delivery."""
    low = with_limit(Stock.objects.in_subtree(unit.path).filter(store__active=True)).filter(_low())
    requests = SupplyRequest.objects.filter(subtree_q("to_unit__path", unit.path)).aggregate(
        waiting=Count("id", filter=Q(state=RequestState.SUBMITTED)),
        approved=Count("id", filter=Q(state=RequestState.APPROVED)),
    )
    return {
        "low_stock_stores": low.values("store").distinct().count(),
        "low_stock_items": low.count(),
        "requests_awaiting_approval": requests["waiting"],
        "requests_awaiting_delivery": requests["approved"],
    }


def issued_on(unit_path: str, day: date, item_category: str = Category.MASK) -> int:
    """How many of a category were handed out on ``day`` (local calendar day) in the
    subtree at ``unit_path``: an issue counts where it went (its ``to_unit``) when it says,
    else where the store is. Transfers between stores are not handed out."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
    where = (Q(to_unit__isnull=True) & subtree_q("org_path", unit_path)) | subtree_q(
        "to_unit__path", unit_path
    )
    total = StockMove.objects.filter(
        where, kind=MoveKind.ISSUE, at__gte=start, at__lt=end, item__category=item_category
    ).aggregate(n=Sum("quantity"))["n"]
    return -(total or 0)
