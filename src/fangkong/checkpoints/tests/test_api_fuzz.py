"""Whatever a device sends within the schema, the upload answers each item and never fails."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.accounts.tokens import token_create
from fangkong.checkpoints.models import Passage
from fangkong.checkpoints.tests.helpers import checkpoint
from fangkong.core.testing import World

pytestmark = pytest.mark.django_db

text = st.text(max_size=30)
traveller = st.fixed_dictionaries(
    {},
    optional={
        "full_name": st.one_of(text, st.just("张伟")),
        "id_type": st.sampled_from(["resident", "passport", "other", "bogus"]),
        "id_number": st.one_of(text, st.just("420102198503071234"), st.just("E12345678")),
        "phone": st.one_of(text, st.just("13912345678")),
        "temperature": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                                 text, st.just(36.5), st.just("38.2")),
        "symptoms": st.lists(st.sampled_from(["fever", "cough", "??"]), max_size=3),
    },
)  # fmt: skip


def item(checkpoint_id: int, grid: str):  # type: ignore[no-untyped-def]
    return st.fixed_dictionaries(
        {"client_id": st.text(max_size=64)},
        optional={
            "checkpoint": st.sampled_from([checkpoint_id, 0, -1, 2**31]),
            "passed_at": st.one_of(st.none(), st.datetimes().map(lambda d: d.isoformat())),
            "direction": st.sampled_from(["in", "out", "x"]),
            "vehicle": st.sampled_from(["car", "on_foot", "tank"]),
            "plate": st.one_of(text, st.just("鄂A12345")),
            "plate_checked": st.booleans(),
            "origin": st.one_of(text, st.just("湖北省武汉市")),
            "destination": st.one_of(st.just(""), st.just(grid), st.text(max_size=20)),
            "destination_text": text,
            "travellers": st.lists(traveller, max_size=3),
        },
    )


SLOW_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_FIXTURES)
@given(data=st.data())
def test_every_item_gets_an_answer(world: World, client, data):
    at = checkpoint(world)
    _token, key = token_create(user=world.a.checkpoint, name="fuzz")
    items = data.draw(st.lists(item(at.pk, world.a.grid.code), min_size=1, max_size=5))
    before = Passage.objects.count()
    response = client.post(
        reverse("api:upload_passages"), json.dumps({"items": items}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip
    assert response.status_code in (200, 422), response.content[:300]
    if response.status_code == 200:
        body = response.json()
        assert len(body["results"]) == len(items)
        assert Passage.objects.count() - before == body["created"]
        for result in body["results"]:
            assert (result["status"] == "invalid") == bool(result["errors"])


def test_nul_and_control_characters_anywhere_never_fail_the_upload(world: World, client):
    """Found by the fuzz test on PostgreSQL, which refuses NUL in a query's text: a
    destination code with NUL failed the whole batch with a 500."""
    at = checkpoint(world)
    _token, key = token_create(user=world.a.checkpoint, name="nul")
    nul = "\x00"
    items = [
        {"client_id": f"n{n}", "checkpoint": at.pk, "destination": value, "origin": f"武汉{nul}",
         "destination_text": f"翰林{nul}", "plate": f"鄂A{nul}1", "travellers": [
             {"full_name": f"张{nul}伟", "phone": f"139{nul}", "id_number": f"4201{nul}"}]}
        for n, value in enumerate([nul, f"{world.a.grid.code}{nul}", f"?{nul}x"])
    ]  # fmt: skip
    response = client.post(
        reverse("api:upload_passages"), json.dumps({"items": items}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == 3
