"""The upload path keeps units, checkpoints, policies, areas and API keys per process
(core.stamps): every change to them must reach the very next request."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.accounts import services as accounts
from fangkong.accounts.models import Assignment
from fangkong.accounts.tokens import token_create, token_revoke
from fangkong.checkpoints import services
from fangkong.checkpoints.tests.helpers import (
    checkpoint,
    created,
    hubei_affected,
    passage,
    traveller,
)
from fangkong.core import stamps
from fangkong.core.testing import World, make_unit
from fangkong.orgunits import services as units
from fangkong.orgunits.models import Level
from fangkong.people.models import Policy, RiskArea, RiskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    stamps.forget()


def _upload(client, key: str, world: World, client_id: str, **values):  # type: ignore[no-untyped-def]
    item = {"client_id": client_id, "checkpoint": checkpoint(world).pk, "origin": "湖北省武汉市",
            "destination": world.a.grid.code, "plate": "鄂A12345",
            "travellers": [{"full_name": "张伟", "phone": "13912345678", "temperature": 36.6}],
            **values}  # fmt: skip
    return client.post(
        reverse("api:upload_passages"), json.dumps({"items": [item]}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip


def test_a_new_fever_line_applies_to_the_next_passage(world: World):
    first = created(passage(world, travellers=[traveller(temperature="37.0")]))
    assert not first.travellers.get().fever
    Policy.objects.create(
        unit=world.a.district, org_path=world.a.district.path, fever_threshold=Decimal("37.0"),
        effective_from=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    second = created(
        passage(world, travellers=[traveller(temperature="37.0", phone="13912345679")])
    )
    assert second.travellers.get().fever


def test_a_new_affected_area_applies_to_the_next_arrival(world: World):
    first = created(passage(world, origin="浙江省温州市"))
    assert first.travellers.get().risk_status == RiskStatus.CLEAR
    RiskArea.objects.create(
        unit=world.a.district, org_path=world.a.district.path, division_code="330300",
        name="浙江省温州市", level="high", valid_from=timezone.localdate() - timedelta(days=20),
    )  # fmt: skip
    second = created(
        passage(world, origin="浙江省温州市", travellers=[traveller(phone="13912345679")])
    )
    assert second.travellers.get().risk_status != RiskStatus.CLEAR


def test_a_kept_judgement_speaks_each_callers_language(world: World):
    # The risk rule's answer is kept per origin and day; its reasons are words.
    hubei_affected(world)
    with translation.override("en"):
        first = created(passage(world, origin="湖北省武汉市"))
    second = created(
        passage(world, origin="湖北省武汉市", travellers=[traveller(phone="13912345679")])
    )
    assert first.travellers.get().risk_reason.startswith("Arrived on ")
    assert "从湖北省武汉市抵达" in second.travellers.get().risk_reason


def test_an_origin_outside_the_list_is_judged_whatever_its_name(world: World):
    hubei_affected(world)
    abroad = created(passage(world, origin="新加坡"))
    home = created(
        passage(world, origin="湖北省武汉市", travellers=[traveller(phone="13912345679")])
    )
    again = created(passage(world, origin="日本东京", travellers=[traveller(phone="13912345670")]))
    assert abroad.travellers.get().risk_status == RiskStatus.CLEAR
    assert home.travellers.get().risk_status != RiskStatus.CLEAR
    assert again.travellers.get().risk_status == RiskStatus.CLEAR
    assert again.origin_name == "日本东京"


def test_a_checkpoint_out_of_service_refuses_at_once(world: World, client):
    _token, key = token_create(user=world.a.checkpoint, name="手持机")
    assert _upload(client, key, world, "a-1").json()["created"] == 1
    services.checkpoint_update(actor=world.a.commander, checkpoint=checkpoint(world), active=False)
    answer = _upload(client, key, world, "a-2").json()
    assert answer["invalid"] == 1 and answer["results"][0]["errors"][0]["field"] == "checkpoint"


def test_a_revoked_key_and_a_removed_role_stop_at_once(world: World, client):
    token, key = token_create(user=world.a.checkpoint, name="手持机")
    assert _upload(client, key, world, "b-1").status_code == 200
    assignment = Assignment.objects.get(user=world.a.checkpoint)
    accounts.assignment_add(
        actor=world.a.admin, user=world.a.checkpoint, role="grid_worker", unit=world.a.grid
    )
    accounts.assignment_remove(actor=world.a.admin, assignment=assignment)
    assert _upload(client, key, world, "b-2").status_code == 403
    token_revoke(token)
    assert _upload(client, key, world, "b-3").status_code == 401


def test_a_renamed_destination_is_matched_by_its_new_name(world: World):
    created(passage(world, destination=None, destination_text="第一网格1号楼"))  # kept now
    units.unit_update(actor=world.a.admin, unit=world.a.grid, name="幸福家园网格")
    again = [traveller(phone="13912345671")]
    found = created(
        passage(world, destination=None, destination_text="幸福家园网格3号楼", travellers=again)
    )
    assert found.destination_id == world.a.grid.pk


def test_the_stamp_moves_on_every_change_but_not_on_a_login(world: World):
    before = stamps.read()
    units.unit_update(actor=world.a.admin, unit=world.a.grid, name="新网格")
    after = stamps.read()
    assert after != before
    user = world.a.checkpoint
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert stamps.read() == after
    other = make_unit(world.a.street2, "370102002001", "燕山社区", Level.COMMUNITY)
    after = stamps.read()
    units.unit_move(actor=world.a.admin, unit=world.a.grid, new_parent=other)
    assert stamps.read() != after


def test_an_imported_unit_is_a_destination_at_once(world: World):
    from fangkong.orgunits.importing import import_units
    from fangkong.orgunits.tests.test_importing import csv_bytes

    # The destinations of the district are now kept.
    created(passage(world, destination=None, destination_text="第一网格1号楼"))
    row = ("370102001001003", "第三网格", world.a.community.code, "grid", "100", "40")
    result = import_units(actor=world.a.admin, file_name="units.csv", content=csv_bytes([row]))
    assert not result.errors
    found = created(passage(world, destination=None, destination_text="第三网格5号楼",
                            travellers=[traveller(phone="13912345670")]))  # fmt: skip
    assert found.destination is not None and found.destination.code == "370102001001003"
