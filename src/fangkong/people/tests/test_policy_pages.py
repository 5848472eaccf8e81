from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.people import services
from fangkong.people.models import Person, Policy, RiskArea, RiskStatus

pytestmark = pytest.mark.django_db


def _traveller(world: World, days_ago: int = 3) -> Person:
    person = services.person_create(
        actor=world.a.grid_worker_local, full_name="周九", unit=world.a.grid
    )
    services.travel_add(
        actor=world.a.grid_worker_local, person=person, origin="湖北省武汉市",
        arrived_on=timezone.localdate() - timedelta(days=days_ago),
    )  # fmt: skip
    return person


def test_listing_an_area_rejudges_the_persons_below(
    world: World, login, django_capture_on_commit_callbacks
):
    person = _traveller(world)
    assert person.risk_status == RiskStatus.CLEAR
    client = login(world.a.epidemiologist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:riskarea_create"),
            {"unit": world.a.district.code, "division": "湖北", "level": "high",
             "valid_from": (timezone.localdate() - timedelta(days=30)).isoformat()},
        )  # fmt: skip
    assert response.status_code == 302
    area = RiskArea.objects.get()
    assert (area.division_code, area.name) == ("420000", "湖北省")
    person.refresh_from_db()
    assert person.risk_status == RiskStatus.HOME
    assert AuditEntry.objects.filter(action="create", target_type="people.riskarea").exists()


def test_an_unknown_area_is_refused_on_its_field(world: World, login):
    response = login(world.a.epidemiologist).post(
        reverse("people:riskarea_create"),
        {"unit": world.a.district.code, "division": "东京", "level": "high",
         "valid_from": "2020-01-10"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "东京" in response.content.decode()
    assert not RiskArea.objects.exists()


def test_taking_an_area_off_the_list_clears_later_departures(
    world: World, login, django_capture_on_commit_callbacks
):
    RiskArea.objects.create(
        unit=world.a.district, org_path=world.a.district.path, division_code="420000",
        name="湖北省", level="high", valid_from=timezone.localdate() - timedelta(days=30),
    )  # fmt: skip
    person = _traveller(world, days_ago=0)
    assert person.risk_status == RiskStatus.HOME
    area = RiskArea.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        login(world.a.commander).post(reverse("people:riskarea_end", args=[area.pk]))
    area.refresh_from_db()
    assert area.valid_to == timezone.localdate()
    person.refresh_from_db()
    assert person.risk_status == RiskStatus.HOME  # left on the last listed day: still counts


def test_the_policy_page_shows_the_defaults_when_none_is_recorded(world: World, login):
    body = login(world.a.grid_worker_local).get(reverse("people:policy")).content.decode()
    assert "14" in body and "37.3" in body


def test_a_past_dated_version_needs_confirmation(world: World, login):
    client = login(world.a.commander)
    data = {"unit": world.a.district.code, "effective_from": "2020-01-01",
            "observation_days": 21, "fever_threshold": "37.3", "followups_per_day": 2,
            "handoff_hours": 12, "report_hours": 2, "contact_days_before_onset": 2,
            "letter_days": 3, "report_by_grid": "10:00", "report_by_community": "11:00",
            "report_by_street": "12:00", "report_by_district": "14:00",
            "high_risk_measure": "centralized", "medium_risk_measure": "home",
            "low_risk_measure": "monitoring"}  # fmt: skip
    assert client.post(reverse("people:policy_create"), data).status_code == 200
    assert not Policy.objects.exists()
    assert (
        client.post(reverse("people:policy_create"), {**data, "confirm_past": "1"}).status_code
        == 302
    )
    assert Policy.objects.get().observation_days == 21


def test_a_version_in_force_cannot_be_withdrawn(world: World, login):
    policy = Policy.objects.create(
        unit=world.a.district, org_path=world.a.district.path, effective_from=date(2020, 1, 1)
    )
    login(world.a.commander).post(reverse("people:policy_delete", args=[policy.pk]))
    assert Policy.objects.filter(pk=policy.pk).exists()


def test_the_other_district_does_not_see_this_districts_areas(world: World, login):
    RiskArea.objects.create(
        unit=world.a.district, org_path=world.a.district.path, division_code="420000",
        name="湖北省", level="high", valid_from=date(2020, 1, 10),
    )  # fmt: skip
    body = login(world.b.epidemiologist).get(reverse("people:riskarea_list")).content.decode()
    assert "湖北省" not in body
    body = login(world.a.grid_worker_local).get(reverse("people:riskarea_list")).content.decode()
    assert "湖北省" in body


def test_reassessing_a_subtree_writes_only_what_changed(world: World):
    person = _traveller(world)
    assert services.reassess_under(world.a.district.path) == 0
    RiskArea.objects.create(
        unit=world.a.district, org_path=world.a.district.path, division_code="420100",
        name="湖北省武汉市", level="medium", valid_from=timezone.localdate() - timedelta(days=30),
    )  # fmt: skip
    assert services.reassess_under(world.a.district.path) == 1
    person.refresh_from_db()
    assert person.risk_status == RiskStatus.HOME
