"""Faults: the database going away, or the disk filling up, answers with a clear page that
keeps what the user typed, and sending it again once the fault is gone stores it once."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client

from fangkong.tips import public
from fangkong.tips.models import Tip

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
TEXT = "楼下有人聚集打牌，" * 200  # 1,800 characters: more than one database page


def _form(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "district": str(public.districts().values_list("pk", flat=True)[0]),
        "category": "gathering", "place": "翰林小区3号楼门口", "text": TEXT,
        "contact_name": "王女士", "contact_phone": "13912345678",
    }  # fmt: skip


def _kept(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {name: unescape(value) for name, value in HIDDEN.findall(response.content.decode())}


def test_the_database_down_at_the_view_keeps_the_submission(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def down(**kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(public, "submit", down)
    form = _form(world)
    response = Client(raise_request_exception=False).post("/tips/", form)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.context["cause"] == "database"
    assert _kept(response) == form
    assert 'action="/tips/"' in response.content.decode()


def test_the_database_down_before_any_view_still_answers(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(world.a.grid_worker_local)

    def down(self):  # type: ignore[no-untyped-def]
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", down)
    response = client.get("/reports/")
    assert response.status_code == 503
    assert 'href="/reports/"' in response.content.decode()  # "try again"
    assert response["Content-Security-Policy"]


def test_a_password_is_never_sent_back(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fangkong.accounts import forms

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(forms, "authenticate", down)
    response = Client(raise_request_exception=False).post(
        "/login/", {"username": "a_commander", "password": "Secret-Password-1"}
    )
    assert response.status_code == 503
    assert _kept(response) == {"username": "a_commander"}
    assert "Secret-Password-1" not in response.content.decode()


def test_another_error_is_a_plain_500(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("a bug")

    monkeypatch.setattr(public, "submit", broken)
    response = Client(raise_request_exception=False).post("/tips/", _form(world))
    assert response.status_code == 500
    assert response.context["cause"] == ""
    assert _kept(response) == {}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the disk-full fault is SQLite's")
def test_a_full_disk_on_sqlite_is_reported_and_nothing_is_lost(world) -> None:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA max_page_count")
        limit = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow
    try:
        response = client.post("/tips/", _form(world))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA max_page_count = {limit}")
    assert response.status_code == 503
    assert response.context["cause"] == "disk_full"
    assert Tip.objects.count() == 0
    again = client.post("/tips/", _kept(response))  # the disk has room again
    assert again.status_code == 200 and "tip-code" in again.content.decode()
    assert Tip.objects.filter(text=TEXT).count() == 1
