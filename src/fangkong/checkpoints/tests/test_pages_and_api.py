"""The roadside form, the hand-off pages, and batch uploads from devices."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from fangkong.accounts.tokens import token_create, token_revoke
from fangkong.checkpoints.models import Handoff, Passage, Traveller
from fangkong.checkpoints.schemas import BatchOut
from fangkong.checkpoints.tests.helpers import checkpoint, created, passage, traveller
from fangkong.core.testing import World
from fangkong.people.models import Person
from fangkong.people.testing import resident_id

pytestmark = pytest.mark.django_db


def _form(world: World, **extra: str) -> dict[str, str]:
    return {
        "checkpoint": str(checkpoint(world).pk), "direction": "in", "vehicle": "car",
        "province": "鄂", "plate": "a12345", "origin": "湖北省武汉市",
        "destination": world.a.grid.code, "destination_text": "翰林苑1号楼",
        "t0_full_name": "张伟", "t0_id_type": "resident", "t0_id_number": resident_id(seq=501),
        "t0_phone": "", "t0_temperature": "36.5",
        "t1_full_name": "李娜", "t1_id_type": "resident", "t1_phone": "13912345679",
        "t1_temperature": "38.1", **extra,
    }  # fmt: skip


def test_the_roadside_form_saves_and_remembers_the_shift(world: World, login):
    client = login(world.a.checkpoint)
    response = client.post(reverse("checkpoints:register"), _form(world))
    assert response.status_code == 302
    saved = Passage.objects.get()
    assert saved.plate == "鄂A12345" and saved.destination == world.a.grid
    assert saved.travellers.count() == 2 and Handoff.objects.count() == 2
    page = client.get(response.url).content.decode()
    assert "李娜" in page  # the fever warning names who to take to the clinic
    assert 'value="湖北省武汉市"' in page  # the last vehicle's origin, one tap away
    assert 'value="鄂" selected' in page


def test_the_form_puts_each_problem_on_its_field(world: World, login):
    client = login(world.a.checkpoint)
    data = _form(world, plate="1234", t1_temperature="", t0_id_number="420102198001011234")
    response = client.post(reverse("checkpoints:register"), data)
    assert response.status_code == 200 and not Passage.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"plate", "t0_id_number", "t1_temperature"}


def test_a_grid_worker_confirms_a_hand_off_from_the_list(world: World, login):
    created(passage(world, travellers=[traveller(id_number=resident_id(seq=503))]))
    client = login(world.a.grid_worker_local)
    handoff = Handoff.objects.get()
    listing = client.get(reverse("checkpoints:handoffs")).content.decode()
    assert handoff.full_name in listing
    response = client.post(
        reverse("checkpoints:handoff", args=[handoff.pk]),
        {"action": "confirm", "unit": world.a.grid.code, "address": "翰林苑2号楼"},
    )
    assert response.status_code == 302
    household = Person.objects.get().household
    assert household is not None and household.address == "翰林苑2号楼"
    outsider = login(world.b.grid_worker_local)
    assert outsider.get(reverse("checkpoints:handoff", args=[handoff.pk])).status_code == 404


def test_pages_show_the_figures(world: World, login):
    created(passage(world, travellers=[traveller(temperature="38.3")]))
    client = login(world.a.commander)
    at = checkpoint(world)
    for url in (reverse("checkpoints:list"), reverse("checkpoints:detail", args=[at.pk]),
                reverse("checkpoints:shift", args=[at.pk]), reverse("checkpoints:referrals"),
                reverse("checkpoints:alerts"), reverse("checkpoints:handoff_figures")):  # fmt: skip
        page = client.get(url)
        assert page.status_code == 200, url
    shift = client.get(reverse("checkpoints:shift", args=[at.pk])).content.decode()
    assert "张伟" in shift and "38.3" in shift


def _item(world: World, client_id: str, **values):  # type: ignore[no-untyped-def]
    return {"client_id": client_id, "checkpoint": checkpoint(world).pk, "origin": "湖北省武汉市",
            "destination": world.a.grid.code, "plate": "鄂A12345",
            "travellers": [{"full_name": "张伟", "phone": "13912345678", "temperature": 36.6}],
            **values}  # fmt: skip


def test_a_batch_stores_the_good_items_reports_the_bad_and_never_twice(world: World, client):
    _token, key = token_create(user=world.a.checkpoint, name="手持机1")
    body = {"items": [
        _item(world, "d-1"),
        _item(world, "d-2", plate="XX"),
        _item(world, "d-3", checkpoint=999999),
        _item(world, "d-4", travellers=[{"full_name": "李娜", "id_number": "123", "temperature": "x"}]),  # noqa: E501
        _item(world, "d-5", destination="nowhere"),
        _item(world, "d-1"),
    ]}  # fmt: skip
    url = reverse("api:upload_passages")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post(url, json.dumps(body), content_type="application/json", **auth)
    assert response["Content-Type"] == "application/json"
    answer = BatchOut.model_validate_json(response.content).model_dump()  # as documented
    assert (answer["created"], answer["duplicates"], answer["invalid"]) == (1, 1, 4)
    statuses = [r["status"] for r in answer["results"]]
    assert statuses == ["created", "invalid", "invalid", "invalid", "invalid", "duplicate"]
    assert {e["field"] for e in answer["results"][3]["errors"]} == {
        "travellers[0].id_number", "travellers[0].temperature"}  # fmt: skip
    assert answer["results"][5]["id"] == answer["results"][0]["id"]
    again = client.post(url, json.dumps(body), content_type="application/json", **auth).json()
    assert again["created"] == 0 and again["duplicates"] == 2
    assert Passage.objects.count() == 1 and Traveller.objects.count() == 1
    token_revoke(_token)
    assert client.post(url, json.dumps(body), content_type="application/json",
                       **auth).status_code == 401  # fmt: skip


def test_the_api_key_command_prints_a_key_once(world: World):
    out = io.StringIO()
    call_command(
        "apitoken", "--user", world.a.checkpoint.username, "--name", "卡口平板", stdout=out
    )
    assert out.getvalue().startswith("fk_")
    listing = io.StringIO()
    call_command("apitoken", "--list", stdout=listing)
    assert "卡口平板" in listing.getvalue() and out.getvalue().strip() not in listing.getvalue()


def test_the_home_page_says_what_waits(world: World, login):
    from datetime import timedelta

    from django.utils import timezone

    created(passage(world, travellers=[traveller(temperature="38.4")],
                    passed_at=timezone.now() - timedelta(hours=13)))  # fmt: skip
    staff = login(world.a.checkpoint).get(reverse("home")).content.decode()
    assert reverse("checkpoints:register") in staff and reverse("checkpoints:alerts") in staff
    worker = login(world.a.grid_worker_local).get(reverse("home")).content.decode()
    assert f"{reverse('checkpoints:handoffs')}?state=overdue" in worker
    assert reverse("checkpoints:register") not in worker
    command = login(world.a.commander).get(reverse("home")).content.decode()
    assert 'btn btn-fk btn-lg" href="/checkpoints/register/' not in command
    other = login(world.b.grid_worker_local).get(reverse("home")).content.decode()
    assert "state=overdue" not in other


def test_choices_are_offered_as_radio_buttons(world: World, login):
    created(passage(world, travellers=[traveller(temperature="38.4")]))
    client = login(world.a.commander)
    page = client.get(reverse("checkpoints:referral", args=[Traveller.objects.get().pk]))
    assert page.content.decode().count('type="radio" name="outcome"') == 4
    handoff = client.get(reverse("checkpoints:handoff", args=[Handoff.objects.get().pk]))
    assert handoff.content.decode().count('type="radio" name="state"') == 2
