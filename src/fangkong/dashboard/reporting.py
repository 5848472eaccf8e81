"""A day's daily reports for the dashboard: completeness by level for the unit's subtree,
the figures added up, and the same for each unit directly below.

``reports.selectors.completeness`` and ``by_child`` give these, but ``by_child`` reads the
totals of each child with two queries of its own (200 for a street of 100 communities), and
both count the units of the subtree again. Here one grouped count of the units
(:func:`reporting_units`, kept with the dashboard's other counts) and one read of the
totals kept on write (``reports.totals``) serve the unit and all its children: four
queries besides, whatever the size of the tree. When units below keep deadlines of their
own, the reports app's functions judge them unit by unit instead (correct, and no longer
constant). The dashboard's tests hold the two ways equal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import Substr

from fangkong.core.paths import SEGMENT_WIDTH, subtree_q
from fangkong.orgunits.models import LEVEL_RANK, OrgUnit
from fangkong.reports import selectors as reports
from fangkong.reports.deadlines import REPORTING_LEVELS
from fangkong.reports.models import DailyReport, Indicator, ReportState, ReportTotal
from fangkong.reports.selectors import ChildRow, Completeness, LevelCount


@dataclass
class Sum:
    """The reports of one level for one unit and day, added up (a ``ReportTotal``'s
    figures, or a unit's own report)."""

    reports: int
    late: int
    values: dict[str, int]


Got = dict[str, Sum]  # level: the reports of that level (added up) for one unit


@dataclass
class Reporting:
    day: date  # the reported day
    indicators: list[Indicator]  # active ones that apply to the unit, in their order
    completeness: Completeness  # its ``missing`` list is left to the reports' page
    values: dict[str, int]  # indicator code: the submitted reports of ``day`` added up
    before: dict[str, int]  # the same for the day before
    below: list[OrgUnit]  # the units directly below, in the tree's order
    children: dict[int, ChildRow]  # by unit id

    @property
    def share(self) -> int:
        t = self.completeness.total
        return round(100 * (t.on_time + t.late) / t.expected) if t.expected else 100


def _sums(level: str, got: Got, indicators: list[Indicator]) -> dict[str, int]:
    return {
        i.code: int(t.values.get(i.code, 0))
        for i in indicators
        if i.applies_to(level) and (t := got.get(i.level))
    }


def _totals(
    units: list[OrgUnit], days: list[date], due: dict[str, datetime] | None
) -> dict[tuple[int, date], Got]:
    """``reports.totals.per_level`` for each of ``units`` and ``days``, in two queries;
    own reports are late against ``due`` (judged for the first day only)."""
    got: dict[tuple[int, date], Got] = defaultdict(dict)
    ids = [u.pk for u in units]
    for unit_id, day, level, n, late, values in ReportTotal.objects.filter(
        unit_id__in=ids, day__in=days
    ).values_list("unit_id", "day", "level", "reports", "late", "values"):
        got[(unit_id, day)][level] = Sum(n, late, values)
    level_of = {u.pk: u.level for u in units}
    for unit_id, day, values, at in DailyReport.objects.filter(
        unit_id__in=ids, day__in=days, state=ReportState.SUBMITTED
    ).values_list("unit_id", "day", "values", "submitted_at"):
        level = level_of[unit_id]
        late = bool(due and day == days[0] and at and at > due[level])
        got[(unit_id, day)][level] = Sum(1, int(late), values)
    return got


def reporting_units(unit: OrgUnit) -> dict[str, dict[str, int]]:
    """Reporting units by child path (the unit's own path for itself), then by level."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for child, level, n in (
        OrgUnit.objects.filter(subtree_q("path", unit.path), level__in=REPORTING_LEVELS)
        .annotate(child=Substr("path", 1, len(unit.path) + SEGMENT_WIDTH))
        .values("child", "level")
        .annotate(n=Count("id"))
        .values_list("child", "level", "n")
    ):
        out[child][level] = n
    return out


def _count(level: str, expected: int, got: Got, due: datetime, now: datetime) -> LevelCount:
    t = got.get(level)
    reports, late = (t.reports, t.late) if t else (0, 0)
    c = LevelCount(level, expected=expected, on_time=reports - late, late=late)
    if now > due:
        c.missing = max(0, expected - reports)
    else:
        c.pending = max(0, expected - reports)
    return c


def reporting(
    unit: OrgUnit, day: date, children: list[OrgUnit], now: datetime,
    expected: dict[str, dict[str, int]] | None = None,
) -> Reporting:  # fmt: skip
    """The reports of ``day`` (and the figures of the day before) for ``unit`` and for
    each of ``children`` (the units directly below it); ``expected``: what
    :func:`reporting_units` says, when the caller has it already."""
    indicators = [i for i in Indicator.objects.filter(active=True) if i.applies_to(unit.level)]
    before = day - timedelta(days=1)
    due = reports.uniform_deadlines(unit.path, day)
    got = _totals([unit, *children], [day, before], due)
    values = _sums(unit.level, got[(unit.pk, day)], indicators)
    earlier = _sums(unit.level, got[(unit.pk, before)], indicators)
    if due is None:
        # Units below with deadlines of their own: judged one by one by the reports app.
        figures = reports.completeness(unit, day, now, limit=0)
        rows = {r.unit.pk: r for r in reports.by_child(unit, day, now)}
        return Reporting(day, indicators, figures, values, earlier, children, rows)
    expected = reporting_units(unit) if expected is None else expected
    per_level: dict[str, int] = defaultdict(int)
    for levels in expected.values():
        for level, n in levels.items():
            per_level[level] += n
    own = got[(unit.pk, day)]
    counts = [_count(level, n, own, due[level], now) for level, n in per_level.items()]
    counts.sort(key=lambda c: (LEVEL_RANK[c.level], c.level))
    out: dict[int, ChildRow] = {}
    for child in children:
        g = got[(child.pk, day)]
        mine = expected.get(child.path, {})
        out[child.pk] = ChildRow(
            unit=child, expected=sum(mine.values()),
            reported=sum(t.reports for t in g.values()), late=sum(t.late for t in g.values()),
            missing=sum(_count(lv, n, g, due[lv], now).missing for lv, n in mine.items()),
            values=_sums(child.level, g, indicators),
        )  # fmt: skip
    figures = Completeness(day, counts, [])
    return Reporting(day, indicators, figures, values, earlier, children, out)
