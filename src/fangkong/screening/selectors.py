"""Scoped reads for screening: campaigns, a worker's households, and coverage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm
from fangkong.core.scoping import scope_roots
from fangkong.orgunits.models import OrgUnit
from fangkong.people import risk
from fangkong.people import tallies as people_tallies
from fangkong.people.models import Household, Person
from fangkong.screening import tallies as campaign_tallies
from fangkong.screening.models import COVERED_RESULTS, Campaign, Visit


def campaign_list(*, actor: Any, perm: Perm = Perm.VIEW_UNITS) -> QuerySet[Campaign]:
    return campaigns_visible_from_below(actor=actor, perm=perm).select_related("unit")


def campaigns_visible_from_below(*, actor: Any, perm: Perm = Perm.VIEW_UNITS) -> QuerySet[Campaign]:
    """Campaigns inside the actor's scope, and those declared above it that cover it.

    A campaign declared by the district covers a grid worker's grid: the worker
    sees it (and its figures from the grid down), though not the district.
    """
    roots = scope_roots(actor, perm)
    if roots is None:
        return Campaign.objects.all()
    match = Q(pk__in=[])
    for root in roots:
        match |= Q(org_path__in=risk.prefixes(root)) | subtree_q("org_path", root)
    return Campaign.objects.filter(match)


def campaigns_running(*, actor: Any, perm: Perm = Perm.RECORD_VISITS) -> QuerySet[Campaign]:
    today = timezone.localdate()
    return (
        campaigns_visible_from_below(actor=actor, perm=perm)
        .filter(starts_on__lte=today, ends_on__gte=today)
        .select_related("unit")
    )


def worker_households(
    *, actor: Any, campaign: Campaign, unit: OrgUnit | None = None, query: str = ""
) -> QuerySet[Household]:
    """Households to visit: in the campaign's area and the actor's, the unsettled first."""
    households = Household.objects.visible_to(actor, Perm.RECORD_VISITS).in_subtree(
        campaign.org_path
    )
    if unit is not None:
        households = households.in_subtree(unit.path)
    if query:
        households = households.filter(address__contains=query.strip())
    visits = Visit.objects.filter(campaign=campaign, household=OuterRef("pk"))
    return (
        households.annotate(
            covered=Exists(visits.filter(result__in=COVERED_RESULTS)),
            last_result=Subquery(visits.order_by("-visited_at", "-id").values("result")[:1]),
            state=Case(
                When(covered=True, then=Value(2)),
                When(last_result__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Person.objects.current().order_by("id"),
                to_attr="current_members",
            )
        )
        .order_by("state", "org_path", "address_key")
    )


@dataclass
class CoverageRow:
    unit: OrgUnit
    declared: int  # households the unit declared (orgunits.OrgUnit.households)
    registered: int  # households in the registry
    covered: int  # registered households settled by a visit in this campaign
    persons: int
    arrivals: int
    fevers: int

    @property
    def denominator(self) -> int:
        # An incomplete registry must not make a unit look finished: count against
        # the larger of what it declared and what it registered.
        return max(self.declared, self.registered)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.denominator if self.denominator else 0.0

    @property
    def registry_short(self) -> bool:
        return self.registered < self.declared


def coverage(*, campaign: Campaign, unit: OrgUnit) -> tuple[CoverageRow, list[CoverageRow]]:
    """The unit's total and one row per child unit, the lagging first.

    Read from the counts kept on write (people.tallies, screening.tallies): two grouped
    queries over one row per unit, whatever the number of households below.
    """
    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    registry = people_tallies.by_child(unit.path)
    found = campaign_tallies.by_child(campaign.pk, unit.path)

    def row(target: OrgUnit, keys: list[str]) -> CoverageRow:
        households = persons = covered = arrivals = fevers = 0
        for key in keys:
            h, p = registry.get(key, (0, 0))
            c, a, f = found.get(key, (0, 0, 0))
            households, persons = households + h, persons + p
            covered, arrivals, fevers = covered + c, arrivals + a, fevers + f
        return CoverageRow(
            unit=target, declared=target.households, registered=households, covered=covered,
            persons=persons, arrivals=arrivals, fevers=fevers,
        )  # fmt: skip

    rows = [row(child, [child.path]) for child in children]
    total = row(unit, list(registry.keys() | found.keys()))
    rows.sort(key=lambda r: (r.percent, -r.denominator, r.unit.path))
    return total, rows
