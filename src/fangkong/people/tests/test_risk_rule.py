"""The risk rule (people.risk): journeys × affected areas × policy versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.core.testing import World
from fangkong.people import risk
from fangkong.people.models import Policy, RiskArea, RiskStatus, TravelRecord

TODAY = date(2020, 2, 1)


def _area(code: str = "420000", level: str = "high", since: date = date(2020, 1, 10),
          until: date | None = None) -> RiskArea:  # fmt: skip
    return RiskArea(division_code=code, name=code, level=level, valid_from=since, valid_to=until)


def _trip(arrived: date, origin: str = "420100", departed: date | None = None) -> TravelRecord:
    return TravelRecord(
        origin_code=origin, origin_name="湖北省武汉市", arrived_on=arrived, departed_on=departed
    )


def _policy(days: int = 14, **measures: str) -> Policy:
    return Policy(effective_from=date(2020, 1, 1), observation_days=days, **measures)


def _assess(trips, areas, policy=None, today=TODAY) -> risk.Assessment:  # type: ignore[no-untyped-def]
    chosen = policy or risk.default_policy()
    return risk.assess(travels=trips, areas=areas, policy_for=lambda day: chosen, today=today)


def test_an_arrival_from_a_listed_area_needs_home_observation_for_the_policys_days():
    result = _assess([_trip(date(2020, 1, 24))], [_area()])
    assert result.status == RiskStatus.HOME
    assert result.until == date(2020, 2, 7)
    assert "湖北省武汉市" in result.reasons[0] and "14" in result.reasons[0]


def test_leaving_before_the_area_was_listed_does_not_count():
    result = _assess([_trip(date(2020, 1, 9))], [_area(since=date(2020, 1, 10))])
    assert result.status == RiskStatus.CLEAR


def test_leaving_after_the_area_came_off_the_list_does_not_count():
    area = _area(since=date(2020, 1, 10), until=date(2020, 1, 20))
    assert _assess([_trip(date(2020, 1, 21))], [area]).status == RiskStatus.CLEAR
    assert _assess([_trip(date(2020, 1, 25), departed=date(2020, 1, 19))], [area]).status == (
        RiskStatus.HOME
    )


@pytest.mark.parametrize(
    ("area", "origin", "counts"),
    [("420000", "420103", True), ("420100", "420103", True), ("420103", "420103", True),
     ("420100", "420500", False), ("420103", "420102", False), ("330000", "420103", False)],
)  # fmt: skip
def test_a_province_city_or_county_covers_the_places_inside_it(area, origin, counts):
    result = _assess([_trip(date(2020, 1, 24), origin=origin)], [_area(area)])
    assert (result.status != RiskStatus.CLEAR) is counts


def test_the_most_severe_matching_area_decides():
    policy = _policy(high_risk_measure="centralized", medium_risk_measure="home")
    result = _assess(
        [_trip(date(2020, 1, 24))], [_area("420000", "medium"), _area("420100", "high")], policy
    )
    assert result.status == RiskStatus.CENTRALIZED


def test_an_ended_period_is_clear_and_says_when_it_ended():
    result = _assess([_trip(date(2020, 1, 10))], [_area(since=date(2020, 1, 1))])
    assert result.status == RiskStatus.CLEAR and result.until is None
    assert "2020" in result.reasons[0]


def test_with_several_journeys_the_latest_end_counts():
    trips = [_trip(date(2020, 1, 20)), _trip(date(2020, 1, 28))]
    assert _assess(trips, [_area()]).until == date(2020, 2, 11)


def test_a_measure_of_none_asks_nothing():
    result = _assess(
        [_trip(date(2020, 1, 24))], [_area(level="low")], _policy(low_risk_measure="none")
    )
    assert result.status == RiskStatus.CLEAR


def test_no_journey_or_an_unknown_origin_is_clear_with_a_reason():
    assert _assess([], [_area()]).reasons
    assert _assess([_trip(date(2020, 1, 24), origin="")], [_area()]).status == RiskStatus.CLEAR


@given(
    arrived=st.dates(min_value=date(2020, 1, 10), max_value=date(2020, 3, 1)),
    days=st.integers(1, 60),
    today=st.dates(min_value=date(2020, 1, 10), max_value=date(2020, 6, 1)),
)
def test_observation_ends_exactly_the_policys_days_after_arrival(arrived, days, today):
    result = _assess([_trip(arrived)], [_area()], _policy(days), today=today)
    end = arrived + timedelta(days=days)
    if end >= today:
        assert (result.status, result.until) == (RiskStatus.HOME, end)
    else:
        assert result.status == RiskStatus.CLEAR


@given(
    extra=st.lists(
        st.tuples(st.sampled_from(["420000", "420100", "330300", "110000"]),
                  st.sampled_from(["high", "medium", "low"])),
        max_size=4,
    )
)  # fmt: skip
def test_adding_an_area_never_makes_the_status_milder(extra):
    trips = [_trip(date(2020, 1, 24)), _trip(date(2020, 1, 26), origin="330302")]
    base = [_area("420100", "medium")]
    before = _assess(trips, base)
    after = _assess(trips, base + [_area(code, level) for code, level in extra])
    assert after.rank >= before.rank


@pytest.mark.django_db
def test_the_policy_in_force_on_the_arrival_day_applies_and_the_nearest_unit_wins(world: World):
    district, street = world.a.district, world.a.street
    Policy.objects.create(unit=district, org_path=district.path, effective_from=date(2020, 1, 1))
    Policy.objects.create(
        unit=district, org_path=district.path, effective_from=date(2020, 2, 10),
        observation_days=21,
    )  # fmt: skip
    path = world.a.grid.path
    lookup = risk.policies_for(path)
    assert lookup(date(2020, 2, 9)).observation_days == 14
    assert lookup(date(2020, 2, 10)).observation_days == 21
    assert risk.policy_on(path, date(2020, 2, 10)).observation_days == 21
    Policy.objects.create(
        unit=street, org_path=street.path, effective_from=date(2020, 2, 1), observation_days=28
    )
    assert risk.policy_on(path, date(2020, 2, 10)).observation_days == 28
    assert risk.policy_on(path, date(2020, 1, 20)).observation_days == 14
    assert risk.policy_on(world.a.street2.path, date(2020, 2, 10)).observation_days == 21
    assert risk.policy_on(world.b.grid.path, date(2020, 2, 10)).pk is None  # the defaults


@pytest.mark.django_db
def test_a_policy_change_judges_later_arrivals_only(world: World):
    district = world.a.district
    Policy.objects.create(unit=district, org_path=district.path, effective_from=date(2020, 1, 1))
    Policy.objects.create(
        unit=district, org_path=district.path, effective_from=date(2020, 2, 10),
        observation_days=21,
    )  # fmt: skip
    areas = [_area()]
    lookup = risk.policies_for(world.a.grid.path)
    early = risk.assess(travels=[_trip(date(2020, 2, 5))], areas=areas, policy_for=lookup,
                        today=date(2020, 2, 12))  # fmt: skip
    late = risk.assess(travels=[_trip(date(2020, 2, 11))], areas=areas, policy_for=lookup,
                       today=date(2020, 2, 12))  # fmt: skip
    assert early.until == date(2020, 2, 19)
    assert late.until == date(2020, 3, 3)


@pytest.mark.django_db
def test_areas_declared_above_apply_below_but_not_in_another_district(world: World):
    RiskArea.objects.create(
        unit=world.a.district, org_path=world.a.district.path, division_code="420000",
        name="湖北省", level="high", valid_from=date(2020, 1, 10),
    )  # fmt: skip
    assert len(risk.areas_for(world.a.grid.path)) == 1
    assert risk.areas_for(world.b.grid.path) == []
