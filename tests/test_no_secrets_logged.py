"""Secrets never reach the logs: passwords typed at login (right or wrong) or changed, API
keys, field keys, and mobile numbers that text messages go to (logged masked)."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client

from fangkong.accounts.tokens import token_create
from fangkong.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Wrong-Secret-4711"
NEW_PASSWORD = "Brand-New-Secret-0815"


def test_nothing_secret_is_logged(world, client: Client, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    user = world.a.grid_worker_local
    client.post("/login/", {"username": user.username, "password": WRONG})
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    _, key = token_create(user=world.a.commander, name="卡口1号手持机")
    Client().get("/api/units/", headers={"Authorization": f"Bearer {key}"})
    Client().get("/api/units/", headers={"Authorization": f"Bearer {key}x"})  # a wrong key

    from fangkong.notices import outbox
    from fangkong.notices.models import SmsMessage, SmsState

    message = SmsMessage(recipient=world.a.commander, to="13912345678", text="请报送日报")
    outbox.queue([message])
    outbox.deliver([message.pk])
    assert SmsMessage.objects.get(pk=message.pk).state == SmsState.SENT

    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert caplog.records, "the walk logged nothing: the test would prove nothing"
    for secret in (WRONG, PASSWORD, NEW_PASSWORD, key, "13912345678"):
        assert secret not in logged
    if settings.FANGKONG_FIELD_KEYS:
        assert settings.FANGKONG_FIELD_KEYS not in logged
