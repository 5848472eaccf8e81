"""Totals kept on write equal the totals recomputed from the reports, whatever happens:
submissions in any order, zero reports, amendments, late reports, a unit moved; and the
figures read from them (completeness, by child, series) equal the unit-by-unit answers."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.core.testing import make_unit
from fangkong.orgunits import services as unit_services
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people.models import Policy
from fangkong.reports import selectors, services, totals
from fangkong.reports.deadlines import deadline
from fangkong.reports.models import DailyReport, ReportTotal

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _rows(unit: OrgUnit) -> list[tuple]:  # type: ignore[type-arg]
    def key(t: ReportTotal) -> tuple:  # type: ignore[type-arg]
        kept = {c: n for c, n in t.values.items() if n}
        return (t.day, t.level, t.reports, t.late, t.zero, kept)

    stored = ReportTotal.objects.filter(unit=unit).order_by("day", "level")
    return sorted(key(t) for t in stored if t.reports or any(t.values.values()))


def _expected(unit: OrgUnit) -> list[tuple]:  # type: ignore[type-arg]
    return sorted(
        (t.day, t.level, t.reports, t.late, t.zero, {c: n for c, n in t.values.items() if n})
        for t in totals.computed_rows(unit)
    )


def _tree(shape: list[int]) -> list[OrgUnit]:
    """A district, streets, communities with ``shape[i]`` grids each; every unit returned."""
    district = make_unit(None, "990000", "生成区", Level.DISTRICT)
    units = [district]
    for s in range(2):
        street = make_unit(district, f"99{s + 1:02d}00", f"街道{s}", Level.STREET)
        units.append(street)
        for c, grids in enumerate(shape):
            community = make_unit(street, f"99{s + 1:02d}{c + 1:02d}", f"社区{c}", Level.COMMUNITY)
            units.append(community)
            for g in range(grids):
                units.append(
                    make_unit(
                        community, f"99{s + 1:02d}{c + 1:02d}{g + 1:02d}", f"网格{g}", Level.GRID
                    )
                )
    return units


# Each step: (index of the unit, which day back, action, masks, minutes after the deadline)
steps = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.integers(1, 2),
        st.sampled_from(["submit", "zero", "amend"]),
        st.integers(0, 900),
        st.integers(-90, 90),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=st.lists(st.integers(1, 3), min_size=1, max_size=3), plan=steps, move=st.booleans())
def test_totals_kept_on_write_equal_the_totals_recomputed(world, shape, plan, move):
    actor = world.superuser
    today = timezone.localdate()
    try:
        with transaction.atomic():
            units = _tree(shape)
            for index, back, action, masks, late_by in plan:
                unit = units[index % len(units)]
                day = today - timedelta(days=back)
                due = deadline(unit, day)
                now = min(due + timedelta(minutes=late_by), timezone.now())
                report = DailyReport.objects.filter(unit=unit, day=day, state="submitted").first()
                typed = {
                    "masks_distributed": masks,
                    "volunteers_on_duty": masks % 7,
                    "places_disinfected": 0,
                }
                if report is None and action == "zero":
                    services.report_zero(actor=actor, unit=unit, day=day, now=now)
                elif report is None:
                    services.report_submit(actor=actor, unit=unit, day=day, values=typed, now=now)
                elif action == "amend" and report.values.get("masks_distributed") != masks:
                    services.report_amend(
                        actor=actor, report=report, values={"masks_distributed": masks},
                        reason="核对后更正",
                    )  # fmt: skip
            if move:
                grid = next(u for u in reversed(units) if u.level == Level.GRID)
                other = next(
                    u for u in units
                    if u.level == Level.COMMUNITY and not grid.path.startswith(u.path)
                )  # fmt: skip
                unit_services.unit_move(actor=actor, unit=grid, new_parent=other)
            for unit in OrgUnit.objects.filter(pk__in=[u.pk for u in units]):
                assert _rows(unit) == _expected(unit), unit.name
            raise _Rollback
    except _Rollback:
        pass


def _submit_all(units: list[OrgUnit], day, actor, skip: set[int], late: set[int]) -> None:  # type: ignore[no-untyped-def]
    for i, unit in enumerate(units):
        if i in skip:
            continue
        due = deadline(unit, day)
        now = due + timedelta(minutes=5) if i in late else due - timedelta(hours=1)
        services.report_submit(
            actor=actor, unit=unit, day=day, now=now,
            values={"masks_distributed": i, "volunteers_on_duty": 1, "places_disinfected": 0},
        )  # fmt: skip


def _unit_by_unit(unit: OrgUnit, day, now):  # type: ignore[no-untyped-def]
    return selectors._completeness_unit_by_unit(unit, day, now, limit=10**6)


def _counts(c):  # type: ignore[no-untyped-def]
    return [(x.level, x.expected, x.on_time, x.late, x.missing, x.pending) for x in c.levels]


@pytest.mark.parametrize("hour", [9, 11, 13, 15])
def test_completeness_from_totals_equals_the_unit_by_unit_count(world, hour):
    units = _tree([2, 3])
    day = timezone.localdate() - timedelta(days=1)
    _submit_all(units, day, world.superuser, skip={1, 4, 7}, late={3, 8})
    now = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(hour)))
    for unit in units[:3]:
        fast = selectors.completeness(unit, day, now)
        slow = _unit_by_unit(unit, day, now)
        assert _counts(fast) == _counts(slow)
        assert [m.unit.pk for m in fast.missing] == [m.unit.pk for m in slow.missing]


def test_a_unit_with_its_own_deadline_is_judged_by_it(world):
    units = _tree([2])
    day = timezone.localdate() - timedelta(days=1)
    street = units[1]
    Policy.objects.create(
        unit=street, org_path=street.path, effective_from=day - timedelta(days=30),
        report_by_grid=time(9),
    )  # fmt: skip
    assert selectors.uniform_deadlines(units[0].path, day) is None
    assert selectors.uniform_deadlines(street.path, day) is not None
    _submit_all(units, day, world.superuser, skip={3, 7}, late=set())
    now = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(9, 30)))
    c = selectors.completeness(units[0], day, now)
    # The street's grid is overdue at 09:30; the other street's grid is not due till 10:00.
    assert [m.unit.pk for m in c.missing] == [units[3].pk]
    grid = next(x for x in c.levels if x.level == Level.GRID)
    assert (grid.missing, grid.pending) == (1, 1)
    rows = {r.unit.pk: r for r in selectors.by_child(units[0], day, now)}
    assert rows[street.pk].missing == 1 and rows[units[5].pk].missing == 0


def test_by_child_adds_up_each_subtree(world):
    units = _tree([2, 1])
    day = timezone.localdate() - timedelta(days=1)
    _submit_all(units, day, world.superuser, skip={2, 5}, late={4})
    now = timezone.make_aware(datetime.combine(day + timedelta(days=2), time(0)))
    district = units[0]
    rows = selectors.by_child(district, day, now)
    assert [r.unit.pk for r in rows] == [u.pk for u in units if u.parent_id == district.pk]
    for row in rows:
        below = [i for i, u in enumerate(units) if u.path.startswith(row.unit.path)]
        assert row.expected == len(below)
        assert row.missing == len([i for i in below if i in {2, 5}])
        assert row.reported == row.expected - row.missing
        assert row.late == len([i for i in below if i == 4])
        grids = [i for i in below if units[i].level == Level.GRID and i not in {2, 5}]
        assert row.values["masks_distributed"] == sum(grids)


def test_series_reads_each_day_from_the_totals(world):
    units = _tree([1])
    today = timezone.localdate()
    for back in (1, 3):
        _submit_all(units, today - timedelta(days=back), world.superuser, skip=set(), late=set())
    got = selectors.series(units[0], today - timedelta(days=3), today - timedelta(days=1))
    masks = sum(i for i, u in enumerate(units) if u.level == Level.GRID)
    assert got["masks_distributed"] == [masks, 0, masks]


def test_the_recount_command_finds_and_repairs_totals_written_past_the_services(world):
    from django.core.management import call_command

    units = _tree([1])
    day = timezone.localdate() - timedelta(days=1)
    _submit_all(units, day, world.superuser, skip=set(), late={2})
    call_command("recount", "--check")  # all agree
    ReportTotal.objects.filter(unit=units[0]).update(reports=0, values={})
    with pytest.raises(SystemExit):
        call_command("recount", "--check")
    call_command("recount")
    call_command("recount", "--check")
    assert _rows(units[0]) == _expected(units[0])
