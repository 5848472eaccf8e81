from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.people import services as people
from fangkong.people.models import Person, TravelRecord
from fangkong.people.testing import resident_id
from fangkong.screening import declarations
from fangkong.screening.models import Declaration

pytestmark = pytest.mark.django_db
NAME, MEMBER = "陈小红", "陈小明"


def _form(**extra: str) -> dict[str, str]:
    arrived = timezone.localdate() - timedelta(days=2)
    data = {
        "full_name": NAME, "id_type": "resident", "id_number": resident_id(seq=402),
        "phone": "139 0000 1234", "address": "翰林苑5号楼1单元302", "origin": "湖北省武汉市",
        "departed_on": arrived.isoformat(), "arrived_on": arrived.isoformat(),
        "transport": "train", "transport_no": "G1234", "seat": "05车12F", "plate": "",
        "consent": "on", "website": "",
        "m1_full_name": MEMBER, "m1_relation": "子女", "m1_id_type": "resident",
        "m1_id_number": resident_id(seq=405),
    }  # fmt: skip
    for n in range(2, 5):
        data[f"m{n}_id_type"] = "resident"
    return data | extra


def _post(world: World, client: Client | None = None, ip: str = "203.0.113.5", **extra: str):  # type: ignore[no-untyped-def]
    client = client or Client()
    url = reverse("declare:form", args=[world.a.community.code])
    return client.post(url, _form(**extra), REMOTE_ADDR=ip)


def _personal(body: str) -> list[str]:
    secrets = [NAME, MEMBER, resident_id(seq=402), resident_id(seq=405), "13900001234", "翰林苑"]
    return [s for s in secrets if s in body]


def test_the_public_form_opens_without_login_in_the_default_language(world: World):
    response = Client().get(reverse("declare:form", args=[world.a.community.code]))
    assert response.status_code == 200
    assert world.a.community.name in response.content.decode()
    grid = Client().get(reverse("declare:form", args=[world.a.grid.code]))
    assert grid.status_code == 404


def test_a_declaration_is_received_sealed_and_nothing_personal_comes_back(world: World):
    response = _post(world)
    assert response.status_code == 200
    body = response.content.decode()
    assert _personal(body) == []
    declaration = Declaration.objects.get()
    assert declaration.reference in body
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT payload, client_key FROM screening_declaration")
        payload, key = cursor.fetchone()
    assert NAME not in payload and "203.0.113.5" not in key


def test_errors_point_at_the_field_without_looking_anything_up(world: World):
    people.person_create(
        actor=world.a.grid_worker_local, full_name="已登记", unit=world.a.grid,
        id_number=resident_id(seq=402),
    )  # fmt: skip
    response = _post(world, phone="12345")
    body = response.content.decode()
    assert response.status_code == 200 and not Declaration.objects.exists()
    assert "11" in body  # the phone message names the digits it needs
    assert "已登记" not in body


def test_the_round_trip_creates_the_household_members_and_journeys(world: World, login):
    _post(world)
    declaration = Declaration.objects.get()
    client = login(world.a.grid_worker_local)
    page = client.get(reverse("screening:declaration", args=[declaration.pk])).content.decode()
    assert NAME in page and resident_id(seq=402) not in page
    # The journey's day as the page's language writes a date, not as the form sent it.
    arrived = timezone.localdate() - timedelta(days=2)
    assert formats.date_format(arrived, "SHORT_DATE_FORMAT") in page
    assert arrived.isoformat() not in page
    response = client.post(
        reverse("screening:declaration_verify", args=[declaration.pk]), {"grid": world.a.grid.pk}
    )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == "verified"
    main = Person.objects.get(full_name=NAME)
    member = Person.objects.get(full_name=MEMBER)
    assert main.household is not None and main.household == member.household
    assert main.household.unit == world.a.grid
    assert main.phone == "13900001234" and main.source == "declaration"
    assert TravelRecord.objects.filter(origin_code="420100", transport_no="G1234").count() == 2
    assert declaration.person == main


def test_a_second_declaration_of_a_known_person_updates_instead_of_adding(world: World, login):
    known = people.person_create(
        actor=world.a.grid_worker_local, full_name=NAME, unit=world.a.grid,
        id_number=resident_id(seq=402),
    )  # fmt: skip
    _post(world)
    declaration = Declaration.objects.get()
    client = login(world.a.grid_worker_local)
    page = client.get(reverse("screening:declaration", args=[declaration.pk])).content.decode()
    assert reverse("people:detail", args=[known.pk]) in page
    client.post(
        reverse("screening:declaration_verify", args=[declaration.pk]), {"grid": world.a.grid.pk}
    )
    assert Person.objects.filter(full_name=NAME).count() == 1
    known.refresh_from_db()
    assert known.phone == "13900001234" and known.household is not None


def test_rejecting_keeps_the_reason_and_a_decided_one_cannot_be_decided_again(world: World, login):
    _post(world)
    declaration = Declaration.objects.get()
    client = login(world.a.community_officer)
    url = reverse("screening:declaration_reject", args=[declaration.pk])
    client.post(url, {"reason": ""})
    declaration.refresh_from_db()
    assert declaration.status == "pending"
    client.post(url, {"reason": "重复申报"})
    declaration.refresh_from_db()
    assert (declaration.status, declaration.reason) == ("rejected", "重复申报")
    client.post(
        reverse("screening:declaration_verify", args=[declaration.pk]), {"grid": world.a.grid.pk}
    )
    declaration.refresh_from_db()
    assert declaration.status == "rejected" and not Person.objects.exists()


def test_too_many_from_one_client_are_refused_and_others_are_not(world: World):
    for _ in range(declarations.PER_CLIENT):
        assert _post(world).status_code == 200
    refused = _post(world)
    assert refused.status_code == 429
    assert _personal(refused.content.decode()) == []
    assert _post(world, ip="203.0.113.99").status_code == 200


def test_a_filled_honeypot_stores_nothing(world: World):
    response = _post(world, website="http://spam.example")
    assert response.status_code == 200 and not Declaration.objects.exists()


def test_the_other_district_cannot_open_or_verify(world: World, login):
    _post(world)
    declaration = Declaration.objects.get()
    client = login(world.b.community_officer)
    assert client.get(reverse("screening:declaration", args=[declaration.pk])).status_code == 404
    other = login(world.a.grid_worker_local)
    response = other.post(
        reverse("screening:declaration_verify", args=[declaration.pk]), {"grid": world.a.grid2.pk}
    )
    declaration.refresh_from_db()
    assert response.status_code == 302 and declaration.status == "pending"


def test_revealing_a_declared_number_is_audited(world: World, login):
    _post(world)
    declaration = Declaration.objects.get()
    response = login(world.a.grid_worker_local).post(
        reverse("screening:declaration_reveal", args=[declaration.pk, "phone"])
    )
    assert "13900001234" in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal", target_id=str(declaration.pk)).count() == 1


def test_the_poster_carries_the_public_address_as_a_qr_code(world: World, login):
    body = (
        login(world.a.community_officer)
        .get(reverse("screening:poster", args=[world.a.community.pk]))
        .content.decode()
    )
    assert "<svg" in body and reverse("declare:form", args=[world.a.community.code]) in body
