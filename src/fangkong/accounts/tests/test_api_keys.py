"""An API key in the Authorization header, read as the HTTP bearer scheme reads it."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.accounts.tokens import token_create
from fangkong.core.testing import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("Bearer {key}", 200),
        ("bearer {key}", 200),  # the scheme is case-insensitive
        ("BEARER {key}", 200),
        ("Bearer {key}x", 401),
        ("Bearer ", 401),
        ("Bearer", 401),
        ("Basic {key}", 401),
        ("{key}", 401),
        ("", 401),
    ],
)
def test_the_key_is_read_from_the_bearer_header(world: World, header: str, status: int):
    _token, key = token_create(user=world.a.viewer, name="device")
    headers = {"Authorization": header.format(key=key)} if header else {}
    assert Client().get("/api/units/", headers=headers).status_code == status


def test_a_body_that_is_not_json_is_refused_with_400(world: World):
    _token, key = token_create(user=world.a.checkpoint, name="device")
    for body in ('{"items": [', '{"items": [{"client_id": "a", "checkpoint": NaN}]}'):
        answer = Client().post(
            "/api/checkpoints/passages", body, content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )  # fmt: skip
        assert answer.status_code == 400
        assert "Cannot parse request body" in answer.content.decode()
