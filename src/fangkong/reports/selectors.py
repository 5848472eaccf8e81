"""Reading daily reports: scoped lists, completeness and timeliness, roll-up.

``completeness`` and ``rollup`` take a unit the caller has already fetched through
``OrgUnit.objects.visible_to(actor, Perm.VIEW_UNITS)`` (out of scope is a 404 there).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Substr
from django.utils import timezone

from fangkong.accounts.models import Assignment, User
from fangkong.core import planner, stamps
from fangkong.core.paths import SEGMENT_WIDTH, subtree_q
from fangkong.core.roles import Perm, Role
from fangkong.core.scoping import ScopedQuerySet
from fangkong.orgunits.models import LEVEL_RANK, OrgUnit
from fangkong.reports import prefill, totals
from fangkong.reports.deadlines import (
    REPORTING_LEVELS,
    deadline_at,
    latest_policies,
    policies_under,
)
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
    missing: list[MissingUnit]  # the missing from the ``start``-th on (0: the first)
    start: int = 0

    @property
    def unlisted(self) -> int:
        """Missing units past the end of the list (a city has too many for one page)."""
        return max(0, sum(c.missing for c in self.levels) - self.start - len(self.missing))

    @property
    def end(self) -> int:
        """Where the list after this one starts."""
        return self.start + len(self.missing)

    @property
    def after(self) -> str:
        """The last unit listed, as ``completeness(after=...)`` takes it: "level:path"."""
        last = self.missing[-1].unit if self.missing else None
        return f"{last.level}:{last.path}" if last else ""

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


def parse_after(value: str) -> tuple[str, str] | None:
    """("level", "path") from "level:path", or None when it is not one."""
    level, _, path = value.partition(":")
    if level in LEVEL_RANK and path.isdigit() and path.isascii():
        return level, path
    return None


def who_answers(unit_ids: list[int]) -> dict[int, list[User]]:
    """Who answers for each unit's report: active users assigned to the unit itself with a
    role that may submit it, in name order, each once."""
    may = {level: {r for r in Role if perm in r.perms} for level, perm in SUBMIT_PERM.items()}
    users: dict[int, list[User]] = defaultdict(list)
    rows = (
        Assignment.objects.filter(unit_id__in=unit_ids, user__is_active=True)
        .select_related("user", "unit")
        .only("unit_id", "unit__level", "role", "user__full_name", "user__username")
        .order_by("unit_id", "user__full_name", "user_id")
    )
    for a in rows:
        if Role(a.role) in may[a.unit.level] and a.user not in users[a.unit_id]:
            users[a.unit_id].append(a.user)
    return users


def _to_call(unit_ids: list[int]) -> dict[int, list[str]]:
    return {
        unit_id: [u.full_name or u.username for u in users]
        for unit_id, users in who_answers(unit_ids).items()
    }


def units_below(unit: OrgUnit) -> dict[tuple[str, str], int]:
    """How many units of each reporting level the subtree of each child of ``unit`` holds:
    {(the child's path, level): n}. One grouped scan of the subtree (a city: 100,000 units,
    15 ms), kept in the process while the units stand (core.stamps: every change to a unit
    sets the stamp)."""

    def load() -> dict[tuple[str, str], int]:
        width = len(unit.path) + SEGMENT_WIDTH
        return {
            (child, level): n
            for child, level, n in OrgUnit.objects.filter(
                subtree_q("path", unit.path), level__in=REPORTING_LEVELS
            )
            .exclude(pk=unit.pk)
            .annotate(child=Substr("path", 1, width))
            .values("child", "level")
            .annotate(n=Count("id"))
            .values_list("child", "level", "n")
        }

    return stamps.memo(stamps.read(), ("reports.units_below", unit.pk, unit.path), load)


def _expected(unit: OrgUnit) -> dict[str, int]:
    """How many units of each reporting level the subtree holds (``unit`` included)."""
    out: dict[str, int] = defaultdict(int)
    if unit.level in REPORTING_LEVELS:
        out[unit.level] += 1
    for (_child, level), n in units_below(unit).items():
        out[level] += n
    return dict(out)


def completeness(
    unit: OrgUnit, day: date, now: datetime | None = None, limit: int = 200, start: int = 0,
    after: tuple[str, str] | None = None,
) -> Completeness:  # fmt: skip
    """Per level of ``unit``'s subtree (itself included): who reported ``day`` on time, late,
    not at all, and whom to call about ``limit`` of the missing from the ``start``-th on,
    nearest levels first, each level in the tree's order. With ``after`` (the level and
    path of the unit listed last before), the list goes on from there down the index, and
    ``start`` only numbers it: a page far down costs what the first one does.

    Counts come from the totals kept on write (reports.totals) and one grouped count of the
    units; only the list of the missing looks at units one by one, and stops at ``limit``.
    """
    now = now or timezone.now()
    start = max(0, start)
    due = uniform_deadlines(unit.path, day)
    if due is None:
        return _completeness_unit_by_unit(unit, day, now, limit, start, after)
    got = totals.per_level(unit, day)
    counts: list[LevelCount] = []
    overdue: list[str] = []
    for level, expected in _expected(unit).items():
        t = got.get(level)
        reports, late = (t.reports, t.late) if t else (0, 0)
        c = LevelCount(level, expected=expected, on_time=reports - late, late=late)
        if now > due[level]:
            c.missing = expected - reports
            if c.missing:
                overdue.append(level)
        else:
            c.pending = expected - reports
        counts.append(c)
    missing: list[MissingUnit] = []
    submitted = DailyReport.objects.filter(
        unit_id=OuterRef("pk"), day=day, state=ReportState.SUBMITTED
    )
    # Level by level, nearest first, each in path order: the (level, path) index is walked
    # and the anti-join stops at the limit, instead of sorting the whole tree first. Whole
    # levels before ``start`` are skipped by their count.
    skip = 0 if after else start
    by_level = {c.level: c.missing for c in counts}
    for level in sorted(overdue, key=lambda lv: (LEVEL_RANK[lv], lv)):
        if len(missing) >= limit:
            break
        if after and _order(level, "") < _order(after[0], ""):
            continue  # listed on the pages before
        if skip >= by_level[level]:
            skip -= by_level[level]
            continue
        found = OrgUnit.objects.filter(subtree_q("path", unit.path), level=level)
        if after and level == after[0]:
            found = found.filter(path__gt=after[1])
        rows = (
            found.filter(~Exists(submitted))
            .select_related("parent")
            .only("id", "name", "level", "path", "code", "depth", "parent__name")
            .order_by("path")[skip : skip + limit - len(missing)]
        )
        skip = 0
        with planner.serial():  # parallel workers would each run past the limit
            missing += [MissingUnit(u, due[u.level]) for u in rows]
    _add_names(missing)
    levels = sorted(counts, key=lambda c: (LEVEL_RANK[c.level], c.level))
    return Completeness(day, levels, missing, start)


def uniform_deadlines(root: str, day: date) -> dict[str, datetime] | None:
    """Each level's deadline for ``day`` if one policy time holds for the whole subtree of
    ``root``, else None (units below with their own times: judged unit by unit)."""
    versions = latest_policies(root, day)
    out: dict[str, datetime] = {}
    for level in REPORTING_LEVELS:
        moments = {deadline_at(level, day, v) for v in versions}
        if len(moments) != 1:
            return None
        out[level] = moments.pop()
    return out


def _add_names(missing: list[MissingUnit]) -> None:
    names = _to_call([m.unit.id for m in missing])
    for m in missing:
        m.to_call = names.get(m.unit.id, [])


def _order(level: str, path: str) -> tuple[int, str, str]:
    """Where a unit comes in the list of the missing: nearest level first, then the tree."""
    return (LEVEL_RANK[level], level, path)


def _completeness_unit_by_unit(
    unit: OrgUnit, day: date, now: datetime, limit: int, start: int = 0,
    after: tuple[str, str] | None = None,
) -> Completeness:  # fmt: skip
    units = list(
        OrgUnit.objects.filter(subtree_q("path", unit.path), level__in=REPORTING_LEVELS)
        .select_related("parent")
        .only("id", "name", "level", "path", "code", "depth", "parent__name")
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
    missing.sort(key=lambda m: _order(m.unit.level, m.unit.path))
    if after:
        missing = [m for m in missing if _order(m.unit.level, m.unit.path) > _order(*after)]
        missing = missing[:limit]
    else:
        missing = missing[start : start + limit]
    _add_names(missing)
    levels = sorted(counts.values(), key=lambda c: (LEVEL_RANK[c.level], c.level))
    return Completeness(day, levels, missing, start)


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


def rollup(
    unit: OrgUnit, day: date, *, line_lists: bool | dict[str, int] = True
) -> list[RollupRow]:
    """Every indicator of ``unit``'s report, added up from the reports of the level that
    reports it (the totals kept on write), and for computed ones set against the line lists
    of the same subtree: counted now, or as given (``prefill.line_lists``, perhaps kept),
    or skipped with ``line_lists=False``."""
    indicators = [i for i in Indicator.objects.filter(active=True) if i.applies_to(unit.level)]
    got = totals.per_level(unit, day)
    own = got.get(unit.level) if unit.level in REPORTING_LEVELS else None
    counts = line_lists if isinstance(line_lists, dict) else None
    rows: list[RollupRow] = []
    for i in indicators:
        t = got.get(i.level)
        line_list = None
        if i.computed and counts is not None:
            line_list = counts.get(i.source)
        elif i.computed and line_lists:
            line_list = prefill.compute(i.source, unit.path, day)
        reported = int(t.values.get(i.code, 0)) if t else 0
        rows.append(
            RollupRow(
                indicator=i,
                reported=reported,
                reports=t.reports if t else 0,
                own=int(own.values[i.code]) if own and i.code in own.values else None,
                line_list=line_list,
                difference=None if line_list is None else reported - line_list,
            )
        )
    return rows


def series(unit: OrgUnit, start: date, end: date) -> dict[str, list[int]]:
    """Each active indicator's reported sum for ``unit``'s subtree, day by day from ``start``
    to ``end`` inclusive (0 where nothing was reported)."""
    indicators = [i for i in Indicator.objects.filter(active=True) if i.applies_to(unit.level)]
    by_day = totals.totals_by_day(unit, start, end)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    out: dict[str, list[int]] = {}
    for i in indicators:
        out[i.code] = [
            int(t.values.get(i.code, 0)) if (t := by_day.get(d, {}).get(i.level)) else 0
            for d in days
        ]
    return out


@dataclass
class ChildRow:
    unit: OrgUnit
    expected: int
    reported: int
    late: int
    missing: int  # past the deadline without a report
    values: dict[str, int]  # indicator code: reported sum (each at its own level)

    @property
    def share(self) -> int:
        """Percent of the subtree's units that have reported."""
        return round(100 * self.reported / self.expected) if self.expected else 100


def by_child(unit: OrgUnit, day: date, now: datetime | None = None) -> list[ChildRow]:
    """For each unit directly below ``unit``: its subtree's reports for ``day`` and their
    sums, for drilling down. A few grouped queries, whatever the size of the tree."""
    now = now or timezone.now()
    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    if not children:
        return []
    width = len(unit.path) + SEGMENT_WIDTH
    expected: dict[str, int] = defaultdict(int)
    expected_at = units_below(unit)
    for (prefix, _level), n in expected_at.items():
        expected[prefix] += n
    kept = totals.per_level_of(children, day)
    missing: dict[str, int] = defaultdict(int)
    due = uniform_deadlines(unit.path, day)
    if due is None:
        every = _completeness_unit_by_unit(unit, day, now, limit=10**9).missing
        for m in every:
            if m.unit.pk != unit.pk:
                missing[m.unit.path[:width]] += 1
    else:
        # Past the deadline, whatever has not reported is missing: the units expected less
        # the reports the totals counted, level by level.
        by_path = {c.path: c.pk for c in children}
        for (prefix, level), n in expected_at.items():
            if now > due[level] and prefix in by_path:
                counted = kept[by_path[prefix]].get(level)
                missing[prefix] += n - (counted.reports if counted else 0)
    indicators = list(Indicator.objects.filter(active=True))
    rows: list[ChildRow] = []
    for child in children:
        if not expected.get(child.path):
            continue  # nothing below it reports (buildings)
        got = kept[child.pk]
        values = {
            i.code: int(t.values.get(i.code, 0))
            for i in indicators
            if i.applies_to(child.level) and (t := got.get(i.level))
        }
        rows.append(
            ChildRow(
                unit=child,
                expected=expected.get(child.path, 0),
                reported=sum(t.reports for t in got.values()),
                late=sum(t.late for t in got.values()),
                missing=missing.get(child.path, 0),
                values=values,
            )
        )
    return rows
