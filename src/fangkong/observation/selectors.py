"""Scoped reads for observation: lists, today's follow-ups, figures per unit, sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm
from fangkong.core.scoping import paths_q, scope_roots
from fangkong.observation.models import (
    OPEN_STATES,
    FollowUp,
    Kind,
    Observation,
    Referral,
    Room,
    Site,
    State,
    SupportRequest,
    SupportState,
)
from fangkong.orgunits.models import OrgUnit
from fangkong.people.risk import prefixes


def observation_list(
    *, actor: Any, state: str = "open", kind: str = "", query: str = ""
) -> QuerySet[Observation]:
    rows = Observation.objects.visible_to(actor, Perm.VIEW_PEOPLE).select_related(
        "person", "unit", "site", "room"
    )
    if state == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    elif state == "due":
        rows = rows.filter(state=State.ACTIVE, planned_end__lte=timezone.localdate())
    elif state in State.values:
        rows = rows.filter(state=state)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if query:
        rows = rows.filter(person__full_name__icontains=query)
    return rows.order_by("planned_end", "id")


def followups_due(
    *, actor: Any, day: date | None = None, now: datetime | None = None
) -> QuerySet[FollowUp]:
    """The day's slots of open observations the actor follows up, and any older slot
    still missing, the most urgent first."""
    now = now or timezone.now()
    day = day or timezone.localtime(now).date()
    return (
        FollowUp.objects.visible_to(actor, Perm.RECORD_FOLLOWUPS)
        .filter(observation__state__in=OPEN_STATES)
        .filter(Q(day=day) | Q(recorded_at__isnull=True, closes_at__lte=now))
        .select_related("observation__person", "observation__unit", "observation__room")
        .order_by("recorded_at", "closes_at", "observation__person__full_name", "id")
    )


def followups_counts(*, actor: Any, now: datetime | None = None) -> dict[str, int]:
    """How many of the actor's follow-ups are open now and how many were missed."""
    now = now or timezone.now()
    got = (
        FollowUp.objects.visible_to(actor, Perm.RECORD_FOLLOWUPS)
        .filter(observation__state__in=OPEN_STATES, recorded_at__isnull=True, opens_at__lte=now)
        .aggregate(due=Count("id", filter=Q(closes_at__gt=now)), missed=Count("id"))
    )
    return {"due": got["due"], "missed": got["missed"] - got["due"]}


def referrals_open(*, actor: Any) -> QuerySet[Referral]:
    return (
        Referral.objects.visible_to(actor, Perm.RECORD_REFERRALS)
        .visible_to(actor, Perm.VIEW_PEOPLE)
        .filter(closed_at__isnull=True)
        .select_related("observation__person", "observation__unit")
        .order_by("opened_at")
    )


def support_list(*, actor: Any, open_only: bool = True) -> QuerySet[SupportRequest]:
    rows = SupportRequest.objects.visible_to(actor, Perm.RECORD_FOLLOWUPS).select_related(
        "observation__person", "observation__unit", "assigned_to"
    )
    if open_only:
        rows = rows.filter(state__in=[SupportState.OPEN, SupportState.ASSIGNED])
    return rows.order_by("created_at", "id")


def sites_serving(actor: Any) -> QuerySet[Site]:
    """Sites the actor may see: those run in their subtree, and those run by a unit above
    it (a district's hotel takes the communities' close contacts)."""
    roots = scope_roots(actor, Perm.MANAGE_OBSERVATION)
    sites_roots = scope_roots(actor, Perm.MANAGE_SITES)
    if roots is None or sites_roots is None:
        return Site.objects.all()
    wanted = set(roots) | set(sites_roots)
    if not wanted:
        return Site.objects.none()
    above = {p for root in wanted for p in prefixes(root)}
    return Site.objects.filter(paths_q("org_path", wanted) | Q(org_path__in=above))


def rooms_free(site: Site) -> QuerySet[Room]:
    return site.rooms.filter(active=True, occupied__lt=F("beds")).order_by("number")


@dataclass(frozen=True)
class SiteFigures:
    rooms: int
    beds: int
    occupied: int

    @property
    def free(self) -> int:
        return max(0, self.beds - self.occupied)


def site_figures(site: Site) -> SiteFigures:
    got = site.rooms.filter(active=True).aggregate(
        rooms=Count("id"), beds=Sum("beds"), occupied=Sum("occupied")
    )
    return SiteFigures(got["rooms"] or 0, got["beds"] or 0, got["occupied"] or 0)


@dataclass(frozen=True)
class UnitRow:
    unit: OrgUnit
    home: int
    centralized: int
    escalated: int
    due_release: int
    overdue_followups: int
    open_referrals: int

    @property
    def open(self) -> int:
        return self.home + self.centralized


def figures(unit: OrgUnit, now: datetime | None = None) -> tuple[UnitRow, list[UnitRow]]:
    """Open observations by kind and state, and what is overdue, per child unit."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    width = len(unit.path) + 4
    rows: dict[str, dict[str, int]] = {}
    for r in (
        Observation.objects.filter(subtree_q("org_path", unit.path), state__in=OPEN_STATES)
        .annotate(child=Substr("org_path", 1, width))
        .values("child")
        .annotate(
            home=Count("id", filter=Q(kind=Kind.HOME)),
            centralized=Count("id", filter=Q(kind=Kind.CENTRALIZED)),
            escalated=Count("id", filter=Q(state=State.ESCALATED)),
            due_release=Count("id", filter=Q(state=State.ACTIVE, planned_end__lte=today)),
        )
    ):
        rows.setdefault(r["child"], {}).update(r)
    for r in (
        FollowUp.objects.filter(
            subtree_q("org_path", unit.path),
            recorded_at__isnull=True,
            closes_at__lte=now,
            observation__state__in=OPEN_STATES,
        )
        .annotate(child=Substr("org_path", 1, width))
        .values("child")
        .annotate(n=Count("id"))
    ):
        rows.setdefault(r["child"], {})["overdue_followups"] = r["n"]
    for r in (
        Referral.objects.filter(subtree_q("org_path", unit.path), closed_at__isnull=True)
        .annotate(child=Substr("org_path", 1, width))
        .values("child")
        .annotate(n=Count("id"))
    ):
        rows.setdefault(r["child"], {})["open_referrals"] = r["n"]

    keys = (
        "home",
        "centralized",
        "escalated",
        "due_release",
        "overdue_followups",
        "open_referrals",
    )

    def row(target: OrgUnit, children: list[str]) -> UnitRow:
        sums = [sum(rows.get(c, {}).get(k, 0) for c in children) for k in keys]
        return UnitRow(target, *sums)

    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    out = [row(child, [child.path]) for child in children]
    out.sort(key=lambda r: (-r.overdue_followups, -r.open, r.unit.path))
    return row(unit, list(rows)), out
