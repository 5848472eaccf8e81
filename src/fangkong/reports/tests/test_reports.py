"""Daily reports: prefill, zero report, deadlines, locking, amendments, completeness, scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.cases.tests.helpers import case, contact
from fangkong.observation.tests.helpers import observe
from fangkong.reports import selectors, services
from fangkong.reports.deadlines import deadline, deadline_at
from fangkong.reports.models import Amendment, DailyReport, Indicator

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TYPED = {"masks_distributed": 120, "volunteers_on_duty": 4, "places_disinfected": 6}


def _zero_typed() -> dict[str, int]:
    return {"masks_distributed": 0, "volunteers_on_duty": 0, "places_disinfected": 0}


def test_the_default_data_set_is_seeded_with_computed_and_typed_indicators(db):
    codes = dict(Indicator.objects.values_list("code", "computed"))
    assert codes["confirmed"] is True and codes["masks_distributed"] is False
    assert codes["places_disinfected"] is False  # added by a later migration
    assert len(codes) == 15


def test_prefill_counts_the_line_lists_of_the_subtree(world):
    today = timezone.localdate()
    observe(world, exposure_days_ago=2)
    case(world, classification="confirmed")
    at_grid = services.report_prefill(world.a.grid, today)
    at_district = services.report_prefill(world.a.district, today)
    for figures in (at_grid, at_district):
        assert figures["home_observation"] == 1
        assert figures["centralized_observation"] == 0
        assert figures["confirmed"] == 1
        assert figures["suspected"] == 0
    assert services.report_prefill(world.a.grid2, today)["home_observation"] == 0
    assert services.report_prefill(world.b.district, today)["confirmed"] == 0
    # Yesterday's figures do not include what began today.
    yesterday = services.report_prefill(world.a.grid, today - timedelta(days=1))
    assert yesterday["confirmed"] == 0


def test_a_contact_traced_today_is_counted(world):
    c = case(world)
    before = services.report_prefill(world.a.district, timezone.localdate())["contacts_traced"]
    contact(world, c)
    after = services.report_prefill(world.a.district, timezone.localdate())["contacts_traced"]
    assert after == before + 1


def test_a_zero_report_is_one_action_when_everything_is_zero(world):
    day = timezone.localdate() - timedelta(days=1)
    report = services.report_zero(actor=world.a.grid_worker_local, unit=world.a.grid, day=day)
    assert report.zero and report.is_submitted
    assert set(report.values.values()) == {0}
    assert set(report.values) == set(Indicator.objects.values_list("code", flat=True))


def test_a_zero_report_is_refused_naming_the_indicator_that_is_not_zero(world):
    case(world, classification="confirmed")
    with pytest.raises(ValidationError) as refused:
        services.report_zero(
            actor=world.a.grid_worker_local, unit=world.a.grid, day=timezone.localdate()
        )
    assert "确诊" in str(refused.value) or "Confirmed cases" in str(refused.value)
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize(
    ("level_unit", "hour"),
    [("grid", 10), ("community", 11), ("street", 12), ("district", 14)],
)
def test_the_deadline_is_the_next_morning_by_level(world, level_unit, hour):
    day = datetime(2026, 2, 3).date()
    assert deadline(getattr(world.a, level_unit), day) == datetime(
        2026, 2, 4, hour, tzinfo=SHANGHAI
    )


def test_submitted_at_the_deadline_minute_is_on_time_and_a_second_later_is_late(world):
    day = timezone.localdate() - timedelta(days=2)
    due = datetime.combine(day + timedelta(days=1), datetime.min.time().replace(hour=10))
    due = due.replace(tzinfo=SHANGHAI)
    assert deadline_at("grid", day) == due
    on_time = services.report_submit(
        actor=world.a.grid_worker_local, unit=world.a.grid, day=day, values=TYPED, now=due
    )
    assert not on_time.late
    late = services.report_submit(
        actor=world.a.community_officer, unit=world.a.grid2, day=day, values=TYPED,
        now=due + timedelta(seconds=1),
    )  # fmt: skip
    assert late.late


def test_typed_values_must_be_whole_numbers_not_below_zero(world):
    day = timezone.localdate()
    for bad in (-1, "x", 1.5, None):
        with pytest.raises(ValidationError) as refused:
            services.report_submit(
                actor=world.a.grid_worker_local, unit=world.a.grid, day=day,
                values={"masks_distributed": bad, "volunteers_on_duty": 1, "places_disinfected": 0},
            )  # fmt: skip
        assert "masks_distributed" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.report_submit(
            actor=world.a.grid_worker_local, unit=world.a.grid, day=day,
            values=TYPED | {"confirmed": 5},
        )  # fmt: skip


def test_computed_values_are_taken_from_the_line_lists_at_submission(world):
    case(world, classification="confirmed")
    report = services.report_submit(
        actor=world.a.grid_worker_local, unit=world.a.grid, day=timezone.localdate(), values=TYPED
    )
    assert report.values["confirmed"] == 1
    assert report.values["masks_distributed"] == 120


def test_a_submitted_report_is_locked(world):
    day = timezone.localdate()
    services.report_submit(
        actor=world.a.grid_worker_local, unit=world.a.grid, day=day, values=TYPED
    )
    with pytest.raises(ValidationError) as refused:
        services.report_submit(
            actor=world.a.grid_worker_local, unit=world.a.grid, day=day, values=_zero_typed()
        )
    assert refused.value.code == "locked"
    with pytest.raises(ValidationError):
        services.report_zero(actor=world.a.grid_worker_local, unit=world.a.grid, day=day)
    assert DailyReport.objects.get().values["masks_distributed"] == 120


def test_an_amendment_keeps_the_previous_values_who_and_why(world):
    day = timezone.localdate()
    report = services.report_submit(
        actor=world.a.grid_worker_local, unit=world.a.grid, day=day, values=TYPED
    )
    services.report_amend(
        actor=world.a.community_officer, report=report, values={"masks_distributed": 150},
        reason="漏报一批",
    )  # fmt: skip
    report.refresh_from_db()
    assert report.values["masks_distributed"] == 150
    amendment = Amendment.objects.get(report=report)
    assert amendment.before["masks_distributed"] == 120
    assert amendment.after["masks_distributed"] == 150
    assert amendment.by == world.a.community_officer
    assert amendment.reason == "漏报一批"
    with pytest.raises(ValidationError):
        services.report_amend(actor=world.a.community_officer, report=report,
                              values={"masks_distributed": 160}, reason=" ")  # fmt: skip


def test_completeness_counts_on_time_late_and_missing_with_whom_to_call(world):
    day = timezone.localdate() - timedelta(days=3)
    services.report_submit(
        actor=world.a.grid_worker_local, unit=world.a.grid, day=day, values=TYPED,
        now=deadline(world.a.grid, day) - timedelta(hours=1),
    )  # fmt: skip
    services.report_submit(
        actor=world.a.community_officer, unit=world.a.grid2, day=day, values=TYPED,
        now=deadline(world.a.grid2, day) + timedelta(minutes=5),
    )  # fmt: skip
    result = selectors.completeness(world.a.district, day, timezone.now())
    by_level = {c.level: c for c in result.levels}
    assert (by_level["grid"].expected, by_level["grid"].on_time, by_level["grid"].late) == (2, 1, 1)
    assert by_level["grid"].missing == 0
    assert (by_level["community"].expected, by_level["community"].missing) == (1, 1)
    assert (by_level["street"].expected, by_level["street"].missing) == (2, 2)
    assert (by_level["district"].expected, by_level["district"].missing) == (1, 1)
    assert result.total.missing == 4
    missing = {m.unit: m.to_call for m in result.missing}
    assert set(missing) == {world.a.district, world.a.street, world.a.street2, world.a.community}
    assert world.a.community_officer.full_name in missing[world.a.community]
    assert world.a.street2_officer.full_name in missing[world.a.street2]
    # A viewer cannot submit, so is not the one to call.
    assert world.a.viewer.full_name not in missing[world.a.district]
    # Nothing of district b is counted.
    assert all(m.unit.path.startswith(world.a.district.path) for m in result.missing)


def test_before_the_deadline_a_unit_is_pending_not_missing(world):
    day = timezone.localdate() - timedelta(days=1)
    before = deadline(world.a.grid, day) - timedelta(minutes=1)
    result = selectors.completeness(world.a.community, day, before)
    grid = next(c for c in result.levels if c.level == "grid")
    assert (grid.pending, grid.missing) == (2, 0)


def test_the_other_districts_officer_can_neither_submit_nor_read(world):
    day = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=world.b.officer, unit=world.a.grid, day=day, values=TYPED)
    with pytest.raises(PermissionDenied):
        services.report_zero(actor=world.b.officer, unit=world.a.community, day=day)
    report = services.report_submit(
        actor=world.a.grid_worker_local, unit=world.a.grid, day=day, values=TYPED
    )
    with pytest.raises(PermissionDenied):
        services.report_amend(actor=world.b.officer, report=report, values={"masks_distributed": 1},
                              reason="x")  # fmt: skip
    assert not selectors.report_list(actor=world.b.officer).filter(pk=report.pk).exists()
    assert selectors.report_list(actor=world.a.viewer).filter(pk=report.pk).exists()
    assert not selectors.report_list(actor=world.nobody).exists()


def test_a_grid_worker_cannot_submit_the_communitys_report_nor_a_viewer_any(world):
    day = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.report_zero(actor=world.a.grid_worker_local, unit=world.a.community, day=day)
    with pytest.raises(PermissionDenied):
        services.report_zero(actor=world.a.viewer, unit=world.a.grid, day=day)


def test_a_day_not_yet_begun_cannot_be_reported(world):
    with pytest.raises(ValidationError):
        services.report_zero(
            actor=world.a.grid_worker_local, unit=world.a.grid,
            day=timezone.localdate() + timedelta(days=1),
        )  # fmt: skip


def test_the_rollup_shows_where_reports_and_line_lists_disagree(world):
    day = timezone.localdate()
    services.report_zero(actor=world.a.grid_worker_local, unit=world.a.grid, day=day)
    case(world, classification="confirmed")  # reported after the grid's zero report
    rows = {r.indicator.code: r for r in selectors.rollup(world.a.community, day)}
    assert rows["confirmed"].reported == 0
    assert rows["confirmed"].line_list == 1
    assert rows["confirmed"].difference == -1 and rows["confirmed"].disagrees
    assert rows["masks_distributed"].line_list is None
    assert rows["home_observation"].difference == 0


def test_the_deadline_follows_the_policy_in_force_for_the_unit(world):
    from datetime import time as clock

    from fangkong.people.models import Policy
    from fangkong.reports.selectors import completeness

    day = timezone.localdate() - timedelta(days=3)
    Policy.objects.create(
        unit=world.a.street, org_path=world.a.street.path, effective_from=day - timedelta(days=9),
        report_by_grid=clock(9, 30),
    )  # fmt: skip
    due = deadline(world.a.grid, day)
    assert (timezone.localtime(due).hour, timezone.localtime(due).minute) == (9, 30)
    assert timezone.localtime(deadline(world.b.grid, day)).hour == 10  # elsewhere: default
    later = completeness(world.a.district, day, due + timedelta(minutes=1))
    assert any(m.deadline == due for m in later.missing)
