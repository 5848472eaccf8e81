from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.core.testing import World
from fangkong.people import services as people
from fangkong.people import tallies as people_tallies
from fangkong.people.models import Household, Person, Policy, TravelRecord
from fangkong.people.testing import resident_id
from fangkong.screening import selectors, services
from fangkong.screening import tallies as campaign_tallies
from fangkong.screening.models import Campaign, Visit, VisitMember

pytestmark = pytest.mark.django_db


def _campaign(world: World) -> Campaign:
    today = timezone.localdate()
    return services.campaign_create(
        actor=world.a.commander, unit=world.a.district, name="全覆盖排查",
        starts_on=today - timedelta(days=2), ends_on=today + timedelta(days=5),
    )  # fmt: skip


def _household(world: World, address: str, unit=None, members: int = 2) -> Household:  # type: ignore[no-untyped-def]
    unit = unit or world.a.grid
    household, _ = people.household_get_or_create(
        actor=world.a.community_officer, unit=unit, address=address
    )
    for n in range(members):
        people.person_create(
            actor=world.a.community_officer, full_name=f"{address}成员{n}", unit=unit,
            household=household,
        )  # fmt: skip
    return household


def _visit_post(household: Household, **extra: str) -> dict[str, str]:
    data = {"result": "normal", "note": ""}
    for person in household.members.all():
        p = f"m{person.pk}_"
        data |= {f"{p}present": "on", f"{p}temperature": "36.5", f"{p}transport": "train"}
    data |= {"new_id_type": "resident", "new_transport": "train"}
    return data | extra


def test_a_grid_worker_sees_the_districts_campaign_and_only_their_grids_households(
    world: World, login
):
    campaign = _campaign(world)
    mine = _household(world, "1号楼101")
    _household(world, "9号楼901", unit=world.a.grid2)
    client = login(world.a.grid_worker_local)
    assert campaign.name in client.get(reverse("screening:campaigns")).content.decode()
    body = client.get(reverse("screening:households", args=[campaign.pk])).content.decode()
    assert mine.address in body and "9号楼901" not in body


def test_one_submit_records_members_a_journey_and_a_new_resident(world: World, login):
    campaign = _campaign(world)
    household = _household(world, "1号楼101")
    first = household.members.order_by("id").first()
    assert first is not None
    data = _visit_post(household, result="found")
    data |= {
        f"m{first.pk}_origin": "湖北省武汉市",
        f"m{first.pk}_arrived_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        f"m{first.pk}_transport_no": "g1234",
        f"m{first.pk}_symptoms": "cough",
        "new_full_name": "新来的",
        "new_id_number": resident_id(seq=301),
        "new_relation": "亲戚",
        "new_temperature": "36.8",
    }
    client = login(world.a.grid_worker_local)
    response = client.post(reverse("screening:visit", args=[campaign.pk, household.pk]), data)
    assert response.status_code == 302, response.content.decode()
    visit = Visit.objects.get()
    assert visit.result == "found" and visit.visited_by == world.a.grid_worker_local
    assert VisitMember.objects.filter(visit=visit).count() == 3
    assert VisitMember.objects.get(person=first).symptoms == ["cough"]
    travel = TravelRecord.objects.get(person=first)
    assert (travel.origin_code, travel.transport_no, travel.source) == ("420100", "G1234", "visit")
    newcomer = Person.objects.get(full_name="新来的")
    assert newcomer.household == household and newcomer.source == "visit"


def test_a_fever_is_judged_by_the_policy_threshold_and_follows_a_change(world: World, login):
    campaign = _campaign(world)
    household = _household(world, "1号楼101", members=1)
    person = household.members.get()
    client = login(world.a.grid_worker_local)
    url = reverse("screening:visit", args=[campaign.pk, household.pk])
    data = _visit_post(household) | {f"m{person.pk}_temperature": "37.3"}
    with translation.override("zh-hans"):
        alarm = translation.gettext(
            "Fever recorded for %(names)s: report it to the community doctor now."
        ).split("：")[-1][:6]
    response = client.post(url, data, follow=True)
    assert alarm in response.content.decode()
    Policy.objects.create(
        unit=world.a.district, org_path=world.a.district.path,
        effective_from=timezone.localdate(), fever_threshold=Decimal("37.5"),
    )  # fmt: skip
    response = client.post(url, data, follow=True)
    assert alarm not in response.content.decode()


def test_nobody_home_keeps_the_household_on_the_list(world: World, login):
    campaign = _campaign(world)
    household = _household(world, "1号楼101", members=1)
    client = login(world.a.grid_worker_local)
    client.post(
        reverse("screening:visit", args=[campaign.pk, household.pk]),
        _visit_post(household, result="absent"),
    )
    assert VisitMember.objects.count() == 0
    total, _ = selectors.coverage(campaign=campaign, unit=world.a.grid)
    assert (total.covered, total.registered) == (0, 1)
    body = client.get(reverse("screening:households", args=[campaign.pk])).content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("Visit again") in body


def test_the_other_districts_worker_cannot_open_this_districts_visit(world: World, login):
    campaign = _campaign(world)
    household = _household(world, "1号楼101")
    client = login(world.b.grid_worker_local)
    assert (
        client.get(reverse("screening:visit", args=[campaign.pk, household.pk])).status_code == 404
    )
    assert client.get(reverse("screening:coverage", args=[campaign.pk])).status_code == 404


def test_a_finished_campaign_takes_no_more_visits(world: World):
    campaign = _campaign(world)
    household = _household(world, "1号楼101")
    Campaign.objects.filter(pk=campaign.pk).update(
        ends_on=date(2020, 1, 1), starts_on=date(2020, 1, 1)
    )
    campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=world.a.grid_worker_local, campaign=campaign, household=household, result="normal"
        )


def test_the_worker_list_and_coverage_take_a_fixed_number_of_queries(
    world: World, login, django_assert_max_num_queries
):
    campaign = _campaign(world)
    for n in range(6):
        _household(world, f"{n}号楼", members=2)
    client = login(world.a.grid_worker_local)
    with django_assert_max_num_queries(12):
        client.get(reverse("screening:households", args=[campaign.pk]))
    client = login(world.a.commander)
    with django_assert_max_num_queries(16):
        client.get(reverse("screening:coverage", args=[campaign.pk]))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.lists(
        st.tuples(
            st.booleans(),
            st.lists(
                st.sampled_from(["normal", "absent", "vacant", "refused", "found"]), max_size=3
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_coverage_adds_up_from_grids_to_the_district(world: World, plan):
    Visit.objects.all().delete()
    Person.objects.all().delete()
    Household.objects.all().delete()
    Campaign.objects.all().delete()
    people_tallies.recount()
    campaign = _campaign(world)
    expected_covered = 0
    for n, (second_grid, results) in enumerate(plan):
        unit = world.a.grid2 if second_grid else world.a.grid
        household = _household(world, f"{n}号", unit=unit, members=0)
        for result in results:
            services.visit_record(
                actor=world.a.community_officer, campaign=campaign, household=household,
                result=result,
            )  # fmt: skip
        expected_covered += any(r != "absent" for r in results)
    for unit in (world.a.district, world.a.street, world.a.community):
        total, rows = selectors.coverage(campaign=campaign, unit=unit)
        assert total.covered == sum(r.covered for r in rows) == expected_covered
        assert total.registered == sum(r.registered for r in rows) == len(plan)
        assert [r.percent for r in rows] == sorted(r.percent for r in rows)
    assert campaign_tallies.kept(campaign.pk) == campaign_tallies.counted([campaign.pk])
