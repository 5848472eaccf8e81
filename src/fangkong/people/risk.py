"""The risk rule: from a person's journeys, the affected-area list and the policy, what now?

The rule is pure (no queries in :func:`assess`) so that it can be tested across
every edge; :func:`policy_on` and :func:`areas_for` load its inputs.

Two readings of the policy are possible when it changes; fangkong takes the
policy in force on the day the person arrived, as the 2020 notices did ("自抵达
之日起居家医学观察14天"): a later change applies to later arrivals. An area
counts when the person left it on a day it was on the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from fangkong.people import divisions
from fangkong.people.models import (
    RISK_RANK,
    Measure,
    Policy,
    RiskArea,
    RiskLevel,
    RiskStatus,
    TravelRecord,
)

MEASURE_STATUS: dict[str, RiskStatus] = {
    Measure.CENTRALIZED: RiskStatus.CENTRALIZED,
    Measure.HOME: RiskStatus.HOME,
    Measure.MONITORING: RiskStatus.MONITORING,
}

LEVEL_RANK: dict[str, int] = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


def prefixes(path: str) -> list[str]:
    """The path of every unit from the root down to the unit with ``path``."""
    return [path[:end] for end in range(4, len(path) + 1, 4)]


def default_policy() -> Policy:
    """The built-in policy when no unit has recorded one (the 2020 defaults)."""
    return Policy(effective_from=date(2020, 1, 1), org_path="")


def policy_on(path: str, day: date) -> Policy:
    """The policy for the unit at ``path`` on ``day``.

    The nearest unit (the unit itself, then its parent, up to the root) that
    has a version in force on ``day`` decides, with its latest such version.
    """
    found = (
        Policy.objects.filter(org_path__in=prefixes(path), effective_from__lte=day)
        .order_by("-org_path", "-effective_from")
        .first()
    )
    return found or default_policy()


def policies_for(path: str) -> Callable[[date], Policy]:
    """``policy_on`` for one unit, loading its versions once."""
    versions = list(
        Policy.objects.filter(org_path__in=prefixes(path)).order_by("-org_path", "-effective_from")
    )

    fallback: list[Policy] = []  # built once, when first needed

    def lookup(day: date) -> Policy:
        for version in versions:
            if version.effective_from <= day:
                return version
        if not fallback:
            fallback.append(default_policy())
        return fallback[0]

    return lookup


def areas_for(path: str) -> list[RiskArea]:
    """Affected areas declared by the unit at ``path`` or any unit above it."""
    return list(RiskArea.objects.filter(org_path__in=prefixes(path)))


@dataclass(frozen=True)
class Finding:
    travel: TravelRecord
    area: RiskArea
    status: RiskStatus
    until: date
    text: str


@dataclass(frozen=True)
class Assessment:
    status: RiskStatus
    until: date | None
    reasons: list[str] = field(default_factory=list)

    @property
    def rank(self) -> int:
        return RISK_RANK[self.status]


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _matching_area(travel: TravelRecord, areas: Iterable[RiskArea]) -> RiskArea | None:
    """The most severe area that covered the origin on the day the person left it."""
    left_on = travel.departed_on or travel.arrived_on
    hits = [
        area
        for area in areas
        if travel.origin_code
        and divisions.covers(area.division_code, travel.origin_code)
        and area.active_on(left_on)
    ]
    if not hits:
        return None
    return max(hits, key=lambda area: (LEVEL_RANK[area.level], len(area.division_code.rstrip("0"))))


def _finding(travel: TravelRecord, area: RiskArea, policy: Policy, today: date) -> Finding | None:
    measure = policy.measure_for(area.level)
    status = MEASURE_STATUS.get(measure)
    if status is None:
        return None
    # Day 1 is the day after arrival: arriving on the 24th with 14 days ends on the 7th.
    until = travel.arrived_on + timedelta(days=policy.observation_days)
    values = {
        "arrived": _day(travel.arrived_on),
        "origin": travel.origin_name,
        "area": area.name,
        "level": area.get_level_display(),
        "policy": _day(policy.effective_from) if policy.pk else _("default"),
        "days": policy.observation_days,
        "measure": Measure(measure).label,
        "until": _day(until),
    }
    if until < today:
        text = (
            _(
                "Arrived on %(arrived)s from %(origin)s (%(area)s: %(level)s). The policy of "
                "%(policy)s asked for %(measure)s for %(days)s days; that ended on %(until)s."
            )
            % values
        )
        return Finding(travel, area, RiskStatus.CLEAR, until, text)
    text = (
        _(
            "Arrived on %(arrived)s from %(origin)s (%(area)s: %(level)s). The policy of "
            "%(policy)s asks for %(measure)s for %(days)s days: until %(until)s."
        )
        % values
    )
    return Finding(travel, area, status, until, text)


def assess(
    *,
    travels: Iterable[TravelRecord],
    areas: Iterable[RiskArea],
    policy_for: Callable[[date], Policy],
    today: date,
) -> Assessment:
    """What the rule asks for this person today, and why, in words."""
    areas = list(areas)
    findings: list[Finding] = []
    travels = sorted(travels, key=lambda t: t.arrived_on, reverse=True)
    for travel in travels:
        area = _matching_area(travel, areas)
        if area is None:
            continue
        found = _finding(travel, area, policy_for(travel.arrived_on), today)
        if found is not None:
            findings.append(found)
    if not findings:
        if travels:
            return Assessment(
                RiskStatus.CLEAR, None, [_("No recorded journey starts in an affected area.")]
            )
        return Assessment(RiskStatus.CLEAR, None, [_("No journey is recorded.")])
    active = [f for f in findings if f.status != RiskStatus.CLEAR]
    if not active:
        return Assessment(RiskStatus.CLEAR, None, [f.text for f in findings])
    top = max(RISK_RANK[f.status] for f in active)
    status = next(f.status for f in active if RISK_RANK[f.status] == top)
    until = max(f.until for f in active if f.status == status)
    return Assessment(status, until, [f.text for f in findings])
