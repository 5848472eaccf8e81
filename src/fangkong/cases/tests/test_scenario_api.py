"""The reports' example end to end through the API: one confirmed case, 25 close contacts,
19 in centralized isolation, 6 who had left traced by letters; nothing typed twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fangkong.cases.models import AssistanceLetter, Contact, Tracing
from fangkong.observation.models import Observation
from fangkong.observation.tests.helpers import person, site
from fangkong.people.models import Person
from fangkong.people.testing import resident_id

pytestmark = pytest.mark.django_db


def _post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


def test_one_case_twenty_five_contacts_nineteen_isolated_six_letters(world, client):
    hotel = site(world, rooms="101-125")
    rooms = list(hotel.rooms.order_by("number").values_list("pk", flat=True))
    patient = person(world, "确诊甲")
    # One contact is already in the registry: found by the document, not registered twice.
    known_id = resident_id(seq=901)
    known = person(world, "已登记者")
    Person.objects.filter(pk=known.pk).update(id_number=known_id)
    from fangkong.people import services as people

    Person.objects.filter(pk=known.pk).update(id_key=people.id_key("resident", known_id))
    client.force_login(world.a.epidemiologist)
    today = timezone.localdate()
    response = _post(client, "/api/cases/", {
        "person": patient.pk, "classification": "confirmed",
        "diagnosed_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "reporting_institution": "区人民医院", "onset_date": str(today - timedelta(days=3)),
    })  # fmt: skip
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["number"].endswith("-0001") and not case["late"]
    assert case["window_from"] == str(today - timedelta(days=5))
    items = []
    for n in range(25):
        item: dict[str, Any] = {
            "full_name": f"密接{n:02d}", "id_number": resident_id(seq=600 + n),
            "phone": f"139{n:08d}", "setting": "gathering" if n % 2 else "household",
            "relation": "同事" if n % 2 else "家人", "last_contact": str(today - timedelta(days=2)),
        }  # fmt: skip
        if n == 0:
            item |= {"full_name": "已登记者", "id_number": known_id}
        if n < 19:
            item |= {"unit": world.a.grid.code,
                     "observe": {"kind": "centralized", "room": rooms[n]}}  # fmt: skip
        else:
            item |= {"gone_to": "湖北省武汉市江岸区",
                     "letter": {"authority": "武汉市江岸区新冠肺炎疫情防控指挥部",
                                "region": "湖北省武汉市江岸区"}}  # fmt: skip
        items.append(item)
    persons_before = Person.objects.count()
    response = _post(client, f"/api/cases/{case['id']}/contacts", {"items": items})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["invalid"]) == (25, 0), body
    assert Person.objects.count() == persons_before + 24  # the known one was found
    assert body["results"][0]["person"] == known.pk
    observations = Observation.objects.filter(reason="close_contact", kind="centralized")
    assert observations.count() == 19
    assert {o.last_exposure for o in observations} == {today - timedelta(days=2)}
    letters = AssistanceLetter.objects.filter(direction="out")
    assert letters.count() == 6
    assert {letter.region for letter in letters} == {"湖北省武汉市江岸区"}
    assert Contact.objects.filter(state=Tracing.OBSERVED).count() == 19
    assert Contact.objects.filter(state=Tracing.LEFT).count() == 6
    assert hotel.rooms.filter(occupied=1).count() == 19
    # Sent again, the batch stores nothing twice: each item says why.
    again = _post(client, f"/api/cases/{case['id']}/contacts", {"items": items}).json()
    assert again["created"] == 0 and again["invalid"] == 25
    assert Contact.objects.count() == 25 and letters.count() == 6
    # The chain from the case lists the 25, by name for the epidemiologist.
    chain = client.get(f"/api/cases/{case['id']}/chain").json()
    assert len(chain["children"]) == 25 and chain["case"] == case["number"]


def test_a_bad_contact_is_reported_and_the_good_ones_kept(world, client):
    patient = person(world, "确诊乙")
    client.force_login(world.a.epidemiologist)
    today = timezone.localdate()
    case = _post(client, "/api/cases/", {
        "person": patient.pk, "classification": "confirmed",
        "diagnosed_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "reporting_institution": "区人民医院", "onset_date": str(today - timedelta(days=3)),
    }).json()  # fmt: skip
    good = {"full_name": "好", "setting": "work", "last_contact": str(today - timedelta(days=1)),
            "id_number": resident_id(seq=777)}  # fmt: skip
    early = good | {"full_name": "太早", "id_number": resident_id(seq=778),
                    "last_contact": str(today - timedelta(days=9))}  # fmt: skip
    bad_id = good | {"full_name": "错号", "id_number": "370102198503071230"}
    body = _post(client, f"/api/cases/{case['id']}/contacts",
                 {"items": [good, early, bad_id]}).json()  # fmt: skip
    assert [r["status"] for r in body["results"]] == ["created", "invalid", "invalid"]
    assert body["results"][1]["errors"][0]["field"] == "last_contact"
    assert body["results"][2]["errors"][0]["field"] == "id_number"
    assert Contact.objects.count() == 1
    # The other district's epidemiologist does not see the case.
    client.force_login(world.b.epidemiologist)
    assert client.get(f"/api/cases/{case['id']}").status_code == 404
