"""A device's upload is checked on the process's copies without reading the reference
stamp first (core.stamps.assumed); the statement that writes reads it. A change made
after the copies were kept must still reach that very upload: it is written on the
data as it is now, or refused, and never on the old copies."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.accounts import services as accounts
from fangkong.accounts.models import Assignment
from fangkong.accounts.tokens import token_create, token_revoke
from fangkong.checkpoints import registration, services
from fangkong.checkpoints.models import Passage
from fangkong.checkpoints.tests.helpers import checkpoint, item_json, traveller
from fangkong.core import stamps
from fangkong.core.testing import build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
]


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    stamps.forget()
    world = build_world()
    token, key = token_create(user=world.a.checkpoint, name="手持机")
    return world, token, key


def _post(client, key: str, *items: dict):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("api:upload_passages"), json.dumps({"items": list(items)}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip


def _stamp_reads(captured: CaptureQueriesContext) -> int:
    return sum("core_stamp" in q["sql"] for q in captured.captured_queries)


def test_a_warm_upload_reads_the_stamp_only_in_the_write(setup, client):
    world, _token, key = setup
    assert _post(client, key, item_json(world, "w-1", "13900000001")).json()["created"] == 1
    with CaptureQueriesContext(connection) as captured:
        answer = _post(client, key, item_json(world, "w-2", "13900000002")).json()
    assert answer["created"] == 1
    # PostgreSQL: in the one look-up statement, on the writer's own cursor; SQLite: one
    # read among the look-ups, in the write's transaction. Never one of its own before.
    assert _stamp_reads(captured) == (0 if connection.vendor == "postgresql" else 1)


def test_a_key_whose_copies_moved_on_while_it_was_checked_is_checked_on_a_read(
    setup, client, monkeypatch
):
    # Another request of this process took the copies to a new stamp between this one's
    # glance at them and its look-up of the key: it reads the stamp, and goes on.
    world, _token, key = setup
    assert _post(client, key, item_json(world, "m-1", "13900000001")).json()["created"] == 1
    monkeypatch.setattr(stamps, "assumed", lambda: 12345)  # no copies are under it
    answer = _post(client, key, item_json(world, "m-2", "13900000002"))
    assert answer.status_code == 200 and answer.json()["created"] == 1


def test_a_checkpoint_closed_after_the_copies_refuses_the_very_next_upload(setup, client):
    world, _token, key = setup
    assert _post(client, key, item_json(world, "c-1", "13900000001")).json()["created"] == 1
    services.checkpoint_update(actor=world.a.commander, checkpoint=checkpoint(world), active=False)
    answer = _post(client, key, item_json(world, "c-2", "13900000002")).json()
    assert answer["invalid"] == 1
    assert answer["results"][0]["errors"][0]["field"] == "checkpoint"
    assert not Passage.objects.filter(client_id="c-2").exists()


def test_a_key_revoked_after_the_copies_stores_nothing(setup, client):
    world, token, key = setup
    assert _post(client, key, item_json(world, "r-1", "13900000001")).status_code == 200
    token_revoke(token)
    assert _post(client, key, item_json(world, "r-2", "13900000002")).status_code == 401
    assert not Passage.objects.filter(client_id="r-2").exists()


@pytest.mark.parametrize(
    "bad",
    [{"destination": "999999999999999"}, {"plate": "鄂"}],
    ids=["refused-before-the-checks", "refused-by-the-checks"],
)
def test_a_revoked_key_is_refused_even_when_nothing_would_be_written(setup, client, bad):
    world, token, key = setup
    assert _post(client, key, item_json(world, "n-1", "13900000001")).status_code == 200
    token_revoke(token)
    assert _post(client, key, item_json(world, "n-2", "13900000002", **bad)).status_code == 401


def test_a_role_removed_after_the_copies_is_refused(setup, client):
    world, _token, key = setup
    assert _post(client, key, item_json(world, "g-1", "13900000001")).status_code == 200
    assignment = Assignment.objects.get(user=world.a.checkpoint)
    accounts.assignment_add(
        actor=world.a.admin, user=world.a.checkpoint, role="grid_worker", unit=world.a.grid
    )
    accounts.assignment_remove(actor=world.a.admin, assignment=assignment)
    assert _post(client, key, item_json(world, "g-2", "13900000002")).status_code == 403
    assert not Passage.objects.filter(client_id="g-2").exists()


def test_the_write_refuses_a_batch_checked_on_copies_the_stamp_has_left(setup):
    world, _token, _key = setup
    item = registration.PassageIn(
        checkpoint=checkpoint(world), origin="湖北省武汉市", plate="鄂A12345",
        destination=world.a.grid, client_id="s-1", travellers=[traveller(phone="13900000003")],
    )  # fmt: skip
    registration.register(actor=world.a.commander, items=[item])  # copies kept
    kept = stamps.assumed()
    assert kept is not None
    with transaction.atomic():
        stamps.bump()  # as another process would: the copies here do not know
    before = registration._group.written
    again = dataclasses.replace(item, client_id="s-2")
    with pytest.raises(stamps.Stale):
        registration.register(
            actor=world.a.commander, items=[again],
            ctx=registration.Context(kept, confirmed=False),
        )  # fmt: skip
    assert registration._group.written == before + 1  # the look-up found it, in the group
    assert not Passage.objects.filter(client_id="s-2").exists()
    # read, the stamp is confirmed and the same batch is written
    (outcome,) = registration.register(actor=world.a.commander, items=[again])
    assert outcome.status == "created"
