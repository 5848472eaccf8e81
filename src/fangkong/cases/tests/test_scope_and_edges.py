"""What must not leak across districts, and edges that must not become server errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.cases import services, services_letters
from fangkong.cases.models import Admission
from fangkong.cases.tests.helpers import case, contact
from fangkong.observation import services as observation
from fangkong.observation.tests.helpers import observe, person

pytestmark = pytest.mark.django_db


def test_a_hospital_of_another_district_cannot_be_named(world, client):
    theirs = services.hospital_create(
        actor=world.b.epidemiologist, unit=world.b.district, name="市中区医院", kind="designated"
    )
    patient = person(world, "甲")
    client.force_login(world.a.epidemiologist)
    response = client.post("/api/cases/", {
        "person": patient.pk, "classification": "confirmed", "hospital": theirs.pk,
        "diagnosed_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "reporting_institution": "区人民医院",
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 404 and not Admission.objects.exists()
    made = case(world, patient)
    with pytest.raises(ValidationError):
        services.case_treatment(actor=world.a.epidemiologist, case=made, hospital=theirs)


def test_a_time_without_a_zone_is_read_as_the_districts(world, client):
    patient = person(world, "乙")
    client.force_login(world.a.epidemiologist)
    local = timezone.localtime() - timedelta(hours=1)
    response = client.post("/api/cases/", {
        "person": patient.pk, "classification": "confirmed",
        "diagnosed_at": local.replace(tzinfo=None).isoformat(timespec="seconds"),
        "reporting_institution": "区人民医院",
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content


def test_a_chain_into_another_district_shows_neither_names_numbers_nor_ids(world, login, client):
    ours = case(world)
    from fangkong.people import services as people

    theirs = people.person_create(actor=world.b.commander, full_name="外区人", unit=world.b.grid)
    services.contact_add(actor=world.superuser, case=ours, who=theirs, setting="work",
                         last_contact=timezone.localdate())  # fmt: skip
    their_case = case(world, theirs, actor=world.b.epidemiologist)
    client.force_login(world.a.epidemiologist)
    chain = client.get(f"/api/cases/{ours.pk}/chain").json()
    (node,) = chain["children"]
    assert node == {"person": None, "depth": 1, "name": "", "case": None, "children": []}
    html = client.get(reverse("cases:detail", args=[ours.pk])).content.decode()
    assert "外区人" not in html and their_case.number not in html


def test_a_referral_gives_one_case_and_only_for_its_person(world):
    o = observe(world)
    referral = observation.referral_open(actor=world.a.commander, observation=o, reason="38.5")
    referral = observation.referral_close(
        actor=world.a.clinician, referral=referral, outcome="suspected"
    )
    with pytest.raises(ValidationError):
        case(world, person(world, "别人"), classification="suspected", referral=referral)
    first = case(world, o.person, classification="suspected", referral=referral)
    services.case_classify(actor=world.a.epidemiologist, case=first, to="excluded", reason="阴性")
    with pytest.raises(ValidationError):
        case(world, o.person, classification="suspected", referral=referral)


def test_checkpoint_staff_do_not_decide_an_observed_persons_referral(world):
    o = observe(world)
    referral = observation.referral_open(actor=world.a.commander, observation=o, reason="38.5")
    with pytest.raises(PermissionDenied):
        observation.referral_close(actor=world.a.checkpoint, referral=referral, outcome="admitted")


def test_letter_numbers_take_the_districts_year(world, monkeypatch):
    made = case(world)
    gone = contact(world, made, "跨年")
    new_year = datetime(2021, 1, 1, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: new_year.astimezone(ZoneInfo("UTC")))
    letter = services_letters.letter_draft(
        actor=world.a.epidemiologist, contact=gone, authority="某地指挥部", region="某地"
    )
    assert "〔2021〕" in letter.number


def test_odd_digits_in_a_query_are_ignored_not_a_server_error(world, login):
    who = person(world, "丙")
    client = login(world.a.epidemiologist)
    assert client.get(reverse("observation:start", args=[who.pk]) + "?handoff=²").status_code == 200
    assert client.get(reverse("cases:report", args=[who.pk]) + "?referral=²").status_code == 200


def test_a_contact_with_a_letter_out_is_not_put_under_observation(world):
    made = case(world)
    gone = contact(world, made, "已离开")
    services_letters.letter_draft(
        actor=world.a.epidemiologist, contact=gone, authority="某地指挥部", region="某地"
    )
    with pytest.raises(ValidationError):
        services.contact_observe(
            actor=world.a.epidemiologist, contact=gone, kind="home",
            team=[observation.Member("cadre", "王", lead=True)],
        )  # fmt: skip


def test_the_contact_form_links_a_cluster(world, login):
    made = case(world)
    event = services.event_create(
        actor=world.a.epidemiologist, unit=world.a.grid, name="聚餐", kind="gathering",
        starts_on=timezone.localdate(),
    )  # fmt: skip
    client = login(world.a.epidemiologist)
    response = client.post(reverse("cases:contact_add", args=[made.pk]), {
        "full_name": "聚餐者", "id_type": "resident", "setting": "gathering", "level": "close",
        "last_contact": str(timezone.localdate()), "event": event.pk,
    })  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    assert made.contacts.get().event_id == event.pk
