"""The period and the slots, across policy versions, midnight and time zones."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.observation import rules, services
from fangkong.observation.tests.helpers import observe, person
from fangkong.people.models import Policy, parse_times, spread_times

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZONES = [SHANGHAI, ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Europe/London")]
minutes_st = st.integers(min_value=0, max_value=24 * 60 - 1).map(lambda m: time(m // 60, m % 60))
times_st = st.lists(minutes_st, min_size=1, max_size=6, unique=True).map(sorted)


def test_fourteen_days_from_the_24th_end_on_the_7th():
    assert rules.planned_end(date(2020, 1, 24), 14) == date(2020, 2, 7)


@given(
    exposure=st.dates(min_value=date(2019, 12, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=1, max_value=60),
)
def test_the_period_is_whole_days_after_the_exposure(exposure, days):
    end = rules.planned_end(exposure, days)
    assert (end - exposure).days == days
    assert end > exposure


@settings(max_examples=60, deadline=None)
@given(
    first=st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31)),
    length=st.integers(min_value=0, max_value=20),
    times=times_st,
    zone=st.sampled_from(ZONES),
)
def test_every_day_has_each_slot_once_and_slots_tile_the_day_up_to_midnight(
    first, length, times, zone
):
    last = first + timedelta(days=length)
    start = datetime.combine(first, time(0), tzinfo=zone) - timedelta(days=1)
    got = list(rules.slots(first=first, last=last, times=times, zone=zone, not_before=start))
    assert len(got) == (length + 1) * len(times)
    assert len({(s.day, s.index) for s in got}) == len(got)
    for s in got:
        assert s.opens_at < s.closes_at
        assert s.opens_at.astimezone(zone).date() == s.day
        if s.index + 1 < len(times):
            assert s.closes_at.astimezone(zone).time() == times[s.index + 1]
        else:
            # The last slot of a day stays due until the district's midnight.
            local = s.closes_at.astimezone(zone)
            assert (local.date(), local.time()) == (s.day + timedelta(days=1), time(0))


def test_a_slot_already_closed_when_observation_began_is_not_owed():
    times = [time(8), time(14)]
    began = datetime(2020, 2, 1, 15, 30, tzinfo=SHANGHAI)
    got = list(rules.slots(first=date(2020, 2, 1), last=date(2020, 2, 2), times=times,
                           zone=SHANGHAI, not_before=began))  # fmt: skip
    # The morning slot closed at 14:00; the afternoon one is still due until midnight.
    assert [(s.day.day, s.index) for s in got] == [(1, 1), (2, 0), (2, 1)]


def test_the_afternoon_slot_is_due_until_midnight_local_not_utc():
    times = [time(8), time(14)]
    # 23:59 in Shanghai is 15:59 UTC, still 1 February locally: the slot is open.
    at = datetime(2020, 2, 1, 15, 59, tzinfo=ZoneInfo("UTC"))
    slot = rules.current_slot(at, times, SHANGHAI)
    assert slot is not None and (slot.day, slot.index) == (date(2020, 2, 1), 1)
    # One minute later it is 2 February in Shanghai, before 08:00: nothing open yet.
    assert rules.current_slot(at + timedelta(minutes=1), times, SHANGHAI) is None


def test_slots_follow_the_wall_clock_across_a_daylight_saving_change():
    zone, utc = ZoneInfo("America/New_York"), ZoneInfo("UTC")
    got = list(rules.slots(first=date(2020, 3, 7), last=date(2020, 3, 8), times=[time(0), time(8)],
                           zone=zone, not_before=datetime(2020, 3, 1, tzinfo=zone)))  # fmt: skip
    assert [s.opens_at.astimezone(zone).time() for s in got] == [time(0), time(8)] * 2

    def hours(s: rules.Slot) -> float:
        return (s.closes_at.astimezone(utc) - s.opens_at.astimezone(utc)).total_seconds() / 3600

    # The clocks go forward at 02:00 on 8 March: that night's slot is an hour shorter.
    assert [hours(s) for s in got] == [8, 16, 7, 16]


@given(st.integers(min_value=1, max_value=6))
def test_spread_times_are_increasing_and_within_the_day(count):
    got = spread_times(count)
    assert len(got) == count and got == sorted(set(got)) and got[0] == time(8)


def test_policy_times_must_match_the_count_and_be_in_order():
    from django.core.exceptions import ValidationError

    assert parse_times("08:00，14:30") == [time(8), time(14, 30)]
    for bad in ("14:00,08:00", "8点", "08:00,08:00"):
        with pytest.raises(ValueError):
            parse_times(bad)
    policy = Policy(effective_from=date(2020, 2, 1), followups_per_day=2, followup_times="07:00")
    with pytest.raises(ValidationError) as caught:
        policy.clean()
    assert "followup_times" in caught.value.message_dict


pytestmark = pytest.mark.django_db


def _version(world, on: date, days: int) -> Policy:
    return Policy.objects.create(
        unit=world.a.district, org_path=world.a.district.path, effective_from=on,
        observation_days=days,
    )  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.integers(min_value=1, max_value=21),
    corrected=st.integers(min_value=0, max_value=25),
    change=st.integers(min_value=1, max_value=20),
)
def test_the_end_follows_the_policy_in_force_on_the_exposure_day_also_when_corrected(
    world, first, corrected, change
):
    """Two versions (14 days, then 21 from ``change`` days ago); the exposure is
    entered, then corrected: the end always comes from the version in force on the
    exposure day, and the slots end with it."""
    today = timezone.localdate()
    Policy.objects.all().delete()
    _version(world, today - timedelta(days=400), 14)
    _version(world, today - timedelta(days=change), 21)

    def days_on(exposure: date) -> int:
        return 21 if exposure >= today - timedelta(days=change) else 14

    exposure = today - timedelta(days=first)
    if exposure + timedelta(days=days_on(exposure)) < today:
        return  # already over: refused, tested elsewhere
    o = observe(world, person(world, f"p{first}-{corrected}-{change}"), exposure_days_ago=first)
    assert o.planned_end == exposure + timedelta(days=days_on(exposure))
    new = today - timedelta(days=corrected)
    if new != exposure:
        o = services.observation_correct_exposure(
            actor=world.a.commander, observation=o, last_exposure=new, note="流调更正"
        )
        assert o.planned_end == new + timedelta(days=days_on(new))
        assert o.log.filter(kind="exposure").count() == 1
    last_day = o.followups.order_by("-day").values_list("day", flat=True).first()
    # Slots run to the planned end (today's last one is open until midnight), never past it.
    assert last_day == (o.planned_end if o.planned_end >= today else None)
    assert not o.followups.filter(day__gt=o.planned_end).exists()
    o.delete()
