"""The disinfection rule (places.schedule): windows, missed and overdue at their minute
boundaries, against a reference written straight from the docstring; and the mask kept on
the place equal to what its logs say."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.core.testing import World
from fangkong.places import schedule, selectors, services
from fangkong.places.schedule import Plan
from fangkong.places.tests.helpers import local, logged, place

DAY = date(2020, 2, 3)
TWICE = Plan(2, time(7), time(19))  # windows 07:00–13:00 and 13:00–19:00


def _state(plan: Plan, logs: list[datetime], now: datetime) -> tuple[int, bool]:
    """(missed, overdue) by the fast path: the mask of today's logs up to now."""
    mask = 0
    for at in logs:
        day, k = plan.slot(at)
        if at <= now and day == DAY and k >= 0:
            mask |= 1 << k
    return schedule.missed(plan, mask, now), schedule.overdue(plan, mask, now)


def _reference(plan: Plan, logs: list[datetime], now: datetime) -> tuple[int, bool]:
    """The rule as the docstring says it, on the windows themselves."""
    seen = [at for at in logs if at <= now]
    ended = [(s, e) for s, e in plan.windows(DAY) if e <= now]
    missed = sum(1 for s, e in ended if not any(s <= at < e for at in seen))
    if not ended:
        return missed, False
    last_start = ended[-1][0]
    day_end = local(DAY, 0) + timedelta(days=1)
    return missed, not any(last_start <= at < day_end for at in seen)


def test_the_windows_split_the_active_hours_evenly():
    assert [(s.time(), e.time()) for s, e in TWICE.windows(DAY)] == [
        (time(7), time(13)),
        (time(13), time(19)),
    ]
    three = Plan(3, time(7), time(8))  # 20 minutes each
    assert [s.time() for s, _e in three.windows(DAY)] == [time(7), time(7, 20), time(7, 40)]


@pytest.mark.parametrize(
    ("now", "missed", "overdue"),
    [
        (local(DAY, 6, 59), 0, False),  # before the day: nothing due yet
        (local(DAY, 12, 59, 59), 0, False),  # the morning window still open
        (local(DAY, 13, 0), 1, True),  # it ended at 13:00 exactly, with no log: missed
        (local(DAY, 18, 59), 1, True),
        (local(DAY, 19, 0), 2, True),
        (local(DAY, 23, 59), 2, True),
    ],
)
def test_a_window_is_missed_at_its_end_minute_not_before(now, missed, overdue):
    assert _state(TWICE, [], now) == (missed, overdue)


def test_a_log_at_a_windows_end_belongs_to_the_next_window():
    at = local(DAY, 13, 0)
    assert TWICE.slot(at) == (DAY, 1)
    assert TWICE.slot(at - timedelta(seconds=1)) == (DAY, 0)
    # So the morning is missed, but the place is not overdue: a log came since.
    assert _state(TWICE, [at], local(DAY, 13, 1)) == (1, False)


def test_a_late_log_ends_overdue_but_not_the_miss():
    now = local(DAY, 15, 0)
    assert _state(TWICE, [], now) == (1, True)
    assert _state(TWICE, [local(DAY, 14, 30)], now) == (1, False)


def test_a_log_before_the_day_starts_counts_for_no_window():
    assert TWICE.slot(local(DAY, 6, 59)) == (DAY, -1)
    assert _state(TWICE, [local(DAY, 6, 59)], local(DAY, 13, 0)) == (1, True)


def test_a_log_after_hours_ends_overdue_and_misses_stay():
    assert TWICE.slot(local(DAY, 19, 0)) == (DAY, 2)
    assert _state(TWICE, [local(DAY, 20, 0)], local(DAY, 21, 0)) == (2, False)


def test_the_morning_log_is_done_in_its_window_and_the_afternoon_is_due_later():
    logs = [local(DAY, 8, 15)]
    assert _state(TWICE, logs, local(DAY, 13, 0)) == (0, False)
    assert _state(TWICE, logs, local(DAY, 18, 59)) == (0, False)
    assert _state(TWICE, logs, local(DAY, 19, 0)) == (1, True)


plans = st.builds(
    lambda times, start, length: Plan(
        times, time(start // 60, start % 60), time((start + length) // 60, (start + length) % 60)
    ),
    st.integers(1, schedule.MAX_TIMES),
    st.integers(0, 12 * 60),
    st.integers(1, 11 * 60 + 59),
)
minutes = st.integers(0, 24 * 60 - 1)


@settings(max_examples=300)
@given(plan=plans, log_minutes=st.lists(minutes, max_size=8), now_minute=minutes)
def test_the_fast_rule_agrees_with_the_windows_at_every_minute(plan, log_minutes, now_minute):
    logs = [local(DAY, m // 60, m % 60) for m in log_minutes]
    now = local(DAY, now_minute // 60, now_minute % 60)
    assert _state(plan, logs, now) == _reference(plan, logs, now)
    # And at a window's edges: the minute before and the minute it ends.
    for _s, end in plan.windows(DAY):
        for t in (end - timedelta(minutes=1), end):
            if t.date() == DAY:
                assert _state(plan, logs, t) == _reference(plan, logs, t)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    times=st.integers(1, 4),
    offsets=st.lists(st.integers(-3 * 24 * 60, 0), max_size=6),
    now_minute=minutes,
)
def test_the_mask_kept_on_the_place_matches_its_logs(world: World, times, offsets, now_minute):
    today = timezone.localdate()
    now = local(today, now_minute // 60, now_minute % 60)
    with transaction.atomic():
        where = place(world, name="属性测试公厕", times_per_day=times)
        logs = [now + timedelta(minutes=m) for m in offsets]
        for at in logs:
            logged(world, where, at, now=now)
        where.refresh_from_db()
        assert services.recount([where]) == []
        state = selectors.state_of(where, now)
        plan = where.plan
        today_logs = [at for at in logs if plan.slot(at)[0] == plan.slot(now)[0]]
        mask = 0
        for at in today_logs:
            k = plan.slot(at)[1]
            if k >= 0:
                mask |= 1 << k
        assert (state.missed, state.overdue) == (
            schedule.missed(plan, mask, now),
            schedule.overdue(plan, mask, now),
        )
        transaction.set_rollback(True)
