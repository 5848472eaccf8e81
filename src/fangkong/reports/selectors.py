"""Reading daily reports: scoped lists, completeness and timeliness, roll-up.

``completeness`` and ``rollup`` take a unit the caller has already fetched through
``OrgUnit.objects.visible_to(actor, Perm.VIEW_UNITS)`` (out of scope is a 404 there).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from fangkong.accounts.models import Assignment, User
from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm, Role
from fangkong.core.scoping import ScopedQuerySet
from fangkong.orgunits.models import LEVEL_RANK, OrgUnit
from fangkong.reports import prefill
from fangkong.reports.deadlines import REPORTING_LEVELS, deadline_at, policies_under
from fangkong.reports.models import DailyReport, Indicator, ReportState
from fangkong.reports.services import SUBMIT_PERM


def report_list(*, actor: User) -> ScopedQuerySet:
    return DailyReport.objects.visible_to(actor, Perm.VIEW_UNITS).select_related("unit")


@dataclass
class LevelCount:
    level: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0  # not in yet, deadline not passed

    @property
    def label(self) -> str:
        from fangkong.orgunits.models import Level

        return str(Level(self.level).label) if self.level else ""


@dataclass
class MissingUnit:
    unit: OrgUnit
    deadline: datetime
    to_call: list[str] = field(default_factory=list)  # names only, never phones


@dataclass
class Completeness:
    day: date
    levels: list[LevelCount]
    missing: list[MissingUnit]

    @property
    def total(self) -> LevelCount:
        t = LevelCount("")
        for c in self.levels:
            t.expected += c.expected
            t.on_time += c.on_time
            t.late += c.late
            t.missing += c.missing
            t.pending += c.pending
        return t


def _to_call(unit_ids: list[int]) -> dict[int, list[str]]:
    """Who answers for each unit: users assigned there with a role that may submit it."""
    may = {level: {r for r in Role if perm in r.perms} for level, perm in SUBMIT_PERM.items()}
    names: dict[int, list[str]] = defaultdict(list)
    rows = (
        Assignment.objects.filter(unit_id__in=unit_ids, user__is_active=True)
        .values_list("unit_id", "unit__level", "role", "user__full_name", "user__username")
        .order_by("unit_id", "user__full_name")
    )
    for unit_id, level, role, full_name, username in rows:
        if Role(role) in may[level]:
            name = full_name or username
            if name not in names[unit_id]:
                names[unit_id].append(name)
    return names


def completeness(unit: OrgUnit, day: date, now: datetime | None = None) -> Completeness:
    """Per level of ``unit``'s subtree (itself included): who reported ``day`` on time, late,
    not at all, and whom to call about the missing."""
    now = now or timezone.now()
    units = list(
        OrgUnit.objects.filter(subtree_q("path", unit.path), level__in=REPORTING_LEVELS).only(
            "id", "name", "level", "path", "code"
        )
    )
    submitted = dict(
        DailyReport.objects.filter(
            subtree_q("org_path", unit.path), day=day, state=ReportState.SUBMITTED
        ).values_list("unit_id", "submitted_at")
    )
    policy_of = policies_under(unit.path, day)
    counts: dict[str, LevelCount] = {}
    missing: list[MissingUnit] = []
    for u in units:
        c = counts.setdefault(u.level, LevelCount(u.level))
        c.expected += 1
        due = deadline_at(u.level, day, policy_of(u.path))
        at = submitted.get(u.id)
        if at is not None:
            if at > due:
                c.late += 1
            else:
                c.on_time += 1
        elif now > due:
            c.missing += 1
            missing.append(MissingUnit(u, due))
        else:
            c.pending += 1
    names = _to_call([m.unit.id for m in missing])
    for m in missing:
        m.to_call = names.get(m.unit.id, [])
    levels = sorted(counts.values(), key=lambda c: (LEVEL_RANK[c.level], c.level))
    missing.sort(key=lambda m: (LEVEL_RANK[m.unit.level], m.unit.path))
    return Completeness(day, levels, missing)


@dataclass
class RollupRow:
    indicator: Indicator
    reported: int  # sum over the submitted reports of the indicator's level in the subtree
    reports: int  # how many reports that sum is over
    own: int | None  # the unit's own submitted report, if any
    line_list: int | None  # computed indicators: the line lists for the subtree, now
    difference: int | None  # reported - line_list, shown even when zero

    @property
    def disagrees(self) -> bool:
        return bool(self.difference)


def rollup(unit: OrgUnit, day: date) -> list[RollupRow]:
    """Every indicator of ``unit``'s report, added up from the reports of the level that
    reports it, and for computed ones set against the line lists of the same subtree."""
    indicators = [i for i in Indicator.objects.filter(active=True) if i.applies_to(unit.level)]
    reports = list(
        DailyReport.objects.filter(
            subtree_q("org_path", unit.path), day=day, state=ReportState.SUBMITTED
        ).values_list("unit_id", "unit__level", "values")
    )
    rows: list[RollupRow] = []
    for i in indicators:
        carrying = [(uid, values) for uid, level, values in reports if LEVEL_RANK[level] == i.rank]
        reported = sum(int(values.get(i.code, 0)) for _, values in carrying)
        own = next(
            (int(v.get(i.code, 0)) for uid, _, v in reports if uid == unit.id and i.code in v),
            None,
        )
        line_list = prefill.compute(i.source, unit.path, day) if i.computed else None
        rows.append(
            RollupRow(
                indicator=i,
                reported=reported,
                reports=len(carrying),
                own=own,
                line_list=line_list,
                difference=None if line_list is None else reported - line_list,
            )
        )
    return rows
