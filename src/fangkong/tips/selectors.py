"""Scoped reads for tips: the triage queue, a unit's tips, one tip, the dashboard's counts
and response times per unit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone

from fangkong.core.paths import minimal_roots, subtree_q
from fangkong.core.roles import Perm
from fangkong.core.scoping import paths_q, scope_roots
from fangkong.orgunits.models import OrgUnit
from fangkong.tips import services
from fangkong.tips.models import OPEN_STATES, WORKING_STATES, State, Tip

TABS = ("open", "new", "overdue", "closed")


def tip_list(*, actor: Any) -> QuerySet[Tip]:
    """Every tip the actor may open: where it triages tips, or handles them."""
    triage = scope_roots(actor, Perm.TRIAGE_TIPS)
    handle = scope_roots(actor, Perm.HANDLE_TIPS)
    rows = Tip.objects.select_related("unit", "desk")
    if triage is None or handle is None:
        return rows
    return rows.filter(paths_q("org_path", minimal_roots(triage + handle)))


def _tab(rows: QuerySet[Tip], tab: str, now: datetime) -> QuerySet[Tip]:
    if tab == "new":
        return rows.filter(state=State.NEW)
    if tab == "overdue":
        return rows.filter(state__in=WORKING_STATES, due_at__lte=now)
    if tab == "closed":
        return rows.exclude(state__in=OPEN_STATES)
    return rows.filter(state__in=OPEN_STATES)


def _search(rows: QuerySet[Tip], query: str) -> QuerySet[Tip]:
    code = services.normalize_code(query)
    if code:
        return rows.filter(code=code)
    return rows.filter(place__icontains=query) if query else rows


def triage_queue(
    *, actor: Any, tab: str = "open", query: str = "", now: datetime | None = None
) -> QuerySet[Tip]:
    """Tips where the actor triages: the new ones first, then the oldest."""
    now = now or timezone.now()
    rows: QuerySet[Tip] = Tip.objects.visible_to(actor, Perm.TRIAGE_TIPS).select_related(
        "unit", "desk"
    )
    rows = _search(_tab(rows, tab, now), query)
    if tab == "closed":
        return rows.order_by("-closed_at", "-id")
    first = Case(When(state=State.NEW, then=Value(0)), default=Value(1))
    return rows.order_by(first, "received_at", "id")


def unit_tips(
    *, actor: Any, tab: str = "open", query: str = "", now: datetime | None = None
) -> QuerySet[Tip]:
    """Tips assigned to the actor's units or below, the first due first."""
    now = now or timezone.now()
    rows: QuerySet[Tip] = Tip.objects.visible_to(actor, Perm.HANDLE_TIPS).select_related(
        "unit", "desk"
    )
    working = rows.filter(state__in=WORKING_STATES)
    rows = _search(working if tab in ("open", "new") else _tab(rows, tab, now), query)
    if tab == "closed":
        return rows.order_by("-closed_at", "-id")
    return rows.order_by("due_at", "id")


def same_phone(*, actor: Any, tip: Tip) -> int:
    """How many other tips the actor may open came from the same phone number."""
    if not tip.phone_key:
        return 0
    return tip_list(actor=actor).filter(phone_key=tip.phone_key).exclude(pk=tip.pk).count()


def alert_counts(unit: OrgUnit, now: datetime | None = None) -> dict[str, int]:
    """For the command dashboard, in the unit's subtree: tips not yet triaged, and tips
    past their due time and not done. One query."""
    now = now or timezone.now()
    got = Tip.objects.filter(subtree_q("org_path", unit.path)).aggregate(
        new=Count("id", filter=Q(state=State.NEW)),
        overdue=Count("id", filter=Q(state__in=WORKING_STATES, due_at__lte=now)),
    )
    return {"new": got["new"], "overdue": got["overdue"]}


# --- response times ------------------------------------------------------------------


@dataclass(frozen=True)
class TimesRow:
    unit: OrgUnit
    itself: bool  # the tips that hang at the unit itself, not below it
    received: int = 0
    open: int = 0
    overdue: int = 0
    resolved: int = 0
    to_triage: timedelta | None = None
    to_resolve: timedelta | None = None


def _medians(rows: QuerySet[Tip], start: str, end: str, width: int | None) -> dict[str, timedelta]:
    """The median of ``end - start`` per child unit (the whole set if ``width`` is None),
    in one query: each partition numbered by duration, only its middle row or two read."""
    took = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    child = Substr("org_path", 1, width) if width else Value("")
    part = [child] if width else None
    middle = (
        rows.filter(**{f"{end}__isnull": False})
        .annotate(
            child=child,
            took=took,
            rank=Window(RowNumber(), partition_by=part, order_by=[took.asc(), F("id").asc()]),
            n=Window(Count("id"), partition_by=part),
        )
        .filter(rank__gte=F("n") / 2.0, rank__lte=F("n") / 2.0 + 1)
        .order_by()
        .values_list("child", "took")
    )
    found: dict[str, list[timedelta]] = defaultdict(list)
    for key, value in middle:
        found[key].append(value)
    return {key: sum(values, timedelta()) / len(values) for key, values in found.items()}


def response_times(
    unit: OrgUnit, *, days: int = 30, now: datetime | None = None
) -> tuple[TimesRow, list[TimesRow]]:
    """Per child unit, for the tips received in the last ``days``: how many, how many
    resolved, the median time from receipt to triage and to resolution; and how many are
    open and overdue now. One grouped query per figure, five in all (with the totals)."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    width = len(unit.path) + 4
    subtree = Tip.objects.filter(subtree_q("org_path", unit.path))
    recent = subtree.filter(received_at__gte=since)
    counts: dict[str, dict[str, int]] = {}
    for r in (
        subtree.filter(Q(received_at__gte=since) | Q(state__in=OPEN_STATES))
        .annotate(child=Substr("org_path", 1, width))
        .values("child")
        .annotate(
            received=Count("id", filter=Q(received_at__gte=since)),
            open=Count("id", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("id", filter=Q(state__in=WORKING_STATES, due_at__lte=now)),
            resolved=Count("id", filter=Q(received_at__gte=since, state=State.RESOLVED)),
        )
        .order_by()
    ):
        counts[r.pop("child")] = r
    resolved = recent.filter(state=State.RESOLVED)
    triage = _medians(recent, "received_at", "triaged_at", width)
    resolve = _medians(resolved, "received_at", "closed_at", width)
    totals = (_medians(recent, "received_at", "triaged_at", None).get(""),
              _medians(resolved, "received_at", "closed_at", None).get(""))  # fmt: skip

    def row(target: OrgUnit, key: str, itself: bool = False) -> TimesRow:
        return TimesRow(target, itself, **counts.get(key, {}), to_triage=triage.get(key),
                        to_resolve=resolve.get(key))  # fmt: skip

    rows = [row(child, child.path) for child in OrgUnit.objects.filter(parent=unit)]
    if unit.path in counts:
        rows.append(row(unit, unit.path, itself=True))
    rows.sort(key=lambda r: (-r.overdue, -r.open, r.unit.path))
    sums = {k: sum(c[k] for c in counts.values()) for k in ("received", "open", "overdue",
                                                            "resolved")}  # fmt: skip
    total = TimesRow(unit, False, **sums, to_triage=totals[0], to_resolve=totals[1])
    return total, rows
