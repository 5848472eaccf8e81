"""Report totals kept current on write: every submitted report is added to a
:class:`~fangkong.reports.models.ReportTotal` row of each unit above it, in the same
transaction, so that reading a subtree's figures costs a few rows at any size.

Writers lock the rows root first (ordered by path), so two submissions never wait on each
other in opposite orders. :func:`rebuild` recomputes rows from the reports themselves: after
a unit moves in the tree, for a new installation's history, and in the tests as the check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from fangkong.core.paths import SEGMENT_WIDTH, minimal_roots, subtree_q
from fangkong.orgunits.models import OrgUnit
from fangkong.reports.models import DailyReport, ReportState, ReportTotal


def ancestor_paths(path: str) -> list[str]:
    """The paths strictly above ``path``, root first."""
    return [path[:end] for end in range(SEGMENT_WIDTH, len(path), SEGMENT_WIDTH)]


def add(
    report: DailyReport, *, level: str, values: dict[str, int], reports: int, late: int, zero: int
) -> None:
    """Add a change of ``report`` (a new submission, or an amendment's differences) to the
    totals of every unit above it. Call inside the writer's transaction."""
    paths = ancestor_paths(report.org_path)
    if not paths:
        return
    ids = list(OrgUnit.objects.filter(path__in=paths).order_by("path").values_list("id", flat=True))
    ReportTotal.objects.bulk_create(
        [ReportTotal(unit_id=i, day=report.day, level=level) for i in ids], ignore_conflicts=True
    )
    rows = (
        ReportTotal.objects.select_for_update(of=("self",))
        .filter(unit_id__in=ids, day=report.day, level=level)
        .order_by("unit__path")
    )
    for row in rows:
        for code, n in values.items():
            row.values[code] = int(row.values.get(code, 0)) + int(n)
        row.reports += reports
        row.late += late
        row.zero += zero
        row.save(update_fields=["values", "reports", "late", "zero"])


def difference(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        code: int(after.get(code, 0)) - int(before.get(code, 0))
        for code in set(before) | set(after)
        if int(after.get(code, 0)) != int(before.get(code, 0))
    }


def _late_judge() -> Callable[[DailyReport], bool]:
    """``is_late`` for many reports, loading each (subtree root, day)'s policies once."""
    from fangkong.reports.deadlines import deadline_at, policies_under

    lookups: dict[date, Callable[[str], Any]] = {}

    def late(r: DailyReport) -> bool:
        if r.day not in lookups:
            lookups[r.day] = policies_under(r.org_path[:SEGMENT_WIDTH], r.day)
        assert r.submitted_at is not None
        return r.submitted_at > deadline_at(r.unit.level, r.day, lookups[r.day](r.org_path))

    return late


def _computed(units: list[OrgUnit], days: Iterable[date] | None) -> dict[int, list[ReportTotal]]:
    """What each of ``units``' rows should hold, from one pass over the reports below them."""
    wanted = {u.path: u for u in units}
    rows: dict[tuple[int, date, str], ReportTotal] = {}
    late = _late_judge()
    q = Q()
    for root in minimal_roots(list(wanted)):
        q |= subtree_q("org_path", root)
    reports = (
        DailyReport.objects.filter(q, state=ReportState.SUBMITTED)
        .select_related("unit")
        .only("day", "values", "zero", "submitted_at", "org_path", "unit__level", "unit__path")
        .order_by("day", "org_path")
    )
    if days is not None:
        reports = reports.filter(day__in=list(days))
    for r in reports.iterator(chunk_size=2000):
        above = [wanted[p] for p in ancestor_paths(r.org_path) if p in wanted]
        if not above:
            continue
        is_late = int(late(r))
        for unit in above:
            row = rows.get((unit.pk, r.day, r.unit.level))
            if row is None:
                row = ReportTotal(unit=unit, day=r.day, level=r.unit.level)
                rows[(unit.pk, r.day, r.unit.level)] = row
            for code, n in r.values.items():
                row.values[code] = int(row.values.get(code, 0)) + int(n)
            row.reports += 1
            row.zero += int(r.zero)
            row.late += is_late
    out: dict[int, list[ReportTotal]] = {u.pk: [] for u in units}
    for (unit_id, _day, _level), row in sorted(rows.items(), key=lambda kv: kv[0][1:]):
        out[unit_id].append(row)
    return out


def computed_rows(unit: OrgUnit, days: Iterable[date] | None = None) -> list[ReportTotal]:
    """What ``unit``'s rows should hold, added up from the reports below it."""
    return _computed([unit], days)[unit.pk]


@transaction.atomic
def rebuild(units: Iterable[OrgUnit]) -> int:
    """Recompute every row of ``units`` from the reports; returns how many rows were written."""
    units = list(units)
    computed = _computed(units, None)
    ReportTotal.objects.filter(unit__in=units).delete()
    rows = [row for unit_rows in computed.values() for row in unit_rows]
    ReportTotal.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def rebuild_above(paths: Iterable[str]) -> int:
    """Rebuild the rows of every unit above any of ``paths`` (after a move)."""
    above = {p for path in paths for p in ancestor_paths(path)}
    return rebuild(OrgUnit.objects.filter(path__in=above).order_by("path"))


def _key(t: ReportTotal) -> tuple[Any, ...]:
    values = sorted((c, int(n)) for c, n in t.values.items() if n)
    return (t.day, t.level, t.reports, t.late, t.zero, values)


def _parents() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(last_child__gt=0).order_by("path"))


def differences() -> list[str]:
    """The units whose kept totals differ from the reports (``fangkong recount --check``)."""
    units = _parents()
    computed = _computed(units, None)
    kept: dict[int, list[ReportTotal]] = {u.pk: [] for u in units}
    for t in ReportTotal.objects.filter(unit__in=units):
        if t.reports or any(t.values.values()):
            kept[t.unit_id].append(t)
    return [
        u.code for u in units
        if sorted(map(_key, kept[u.pk])) != sorted(map(_key, computed[u.pk]))
    ]  # fmt: skip


def recount() -> int:
    """Rebuild every unit's totals (``fangkong recount``); returns the rows written."""
    return rebuild(_parents())


def per_level(unit: OrgUnit, day: date) -> dict[str, ReportTotal]:
    """The reports of each level in ``unit``'s subtree for ``day``, ``unit``'s own included."""
    found = {t.level: t for t in ReportTotal.objects.filter(unit=unit, day=day)}
    own = (
        DailyReport.objects.filter(unit=unit, day=day, state=ReportState.SUBMITTED)
        .only("values", "zero", "submitted_at", "day", "unit_id")
        .first()
    )
    if own is not None:
        from fangkong.reports.deadlines import is_late

        assert own.submitted_at is not None
        found[unit.level] = ReportTotal(
            unit=unit, day=day, level=unit.level, reports=1, zero=int(own.zero),
            late=int(is_late(unit, day, own.submitted_at)), values=dict(own.values),
        )  # fmt: skip
    return found


def per_level_of(units: list[OrgUnit], day: date) -> dict[int, dict[str, ReportTotal]]:
    """``per_level`` for several units (the children of one unit), in three queries."""
    from fangkong.reports.deadlines import deadline_at, policies_under

    found: dict[int, dict[str, ReportTotal]] = {u.pk: {} for u in units}
    if not units:
        return found
    by_id = {u.pk: u for u in units}
    for t in ReportTotal.objects.filter(unit__in=units, day=day):
        found[t.unit_id][t.level] = t
    own = DailyReport.objects.filter(unit__in=units, day=day, state=ReportState.SUBMITTED).only(
        "unit_id", "values", "zero", "submitted_at", "org_path"
    )
    policy_of = policies_under(min(u.path for u in units)[:SEGMENT_WIDTH], day)
    for r in own:
        unit = by_id[r.unit_id]
        assert r.submitted_at is not None
        due = deadline_at(unit.level, day, policy_of(unit.path))
        found[unit.pk][unit.level] = ReportTotal(
            unit=unit, day=day, level=unit.level, reports=1, zero=int(r.zero),
            late=int(r.submitted_at > due), values=dict(r.values),
        )  # fmt: skip
    return found


def totals_by_day(unit: OrgUnit, start: date, end: date) -> dict[date, dict[str, ReportTotal]]:
    """``per_level`` for every day from ``start`` to ``end`` inclusive, in two queries."""
    out: dict[date, dict[str, ReportTotal]] = defaultdict(dict)
    for t in ReportTotal.objects.filter(unit=unit, day__gte=start, day__lte=end):
        out[t.day][t.level] = t
    for r in DailyReport.objects.filter(
        unit=unit, day__gte=start, day__lte=end, state=ReportState.SUBMITTED
    ).only("day", "values", "zero"):
        out[r.day][unit.level] = ReportTotal(
            unit=unit, day=r.day, level=unit.level, reports=1, zero=int(r.zero),
            values=dict(r.values),
        )  # fmt: skip
    return out
