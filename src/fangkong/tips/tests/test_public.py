"""The public form and look-up: open without login, rate-limited, CSRF-protected, and
leaking nothing of the reporter, the units below the district or the staff's notes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.core.testing import World
from fangkong.tips import public, services
from fangkong.tips.models import PublicHit, Tip
from fangkong.tips.tests.helpers import NAME, NOTE, PHONE, REASON, REPLY, in_state, triaged

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"
FORM = {"category": "gathering", "place": "翰林小区3号楼门口", "text": "二十多人聚集打牌",
        "contact_name": NAME, "contact_phone": PHONE}  # fmt: skip
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _send(ip: str = IP, **extra: str):  # type: ignore[no-untyped-def]
    extra.setdefault("district", str(public.districts().values_list("pk", flat=True)[0]))
    return Client().post(reverse("publictips:form"), {**FORM, **extra}, REMOTE_ADDR=ip)


def _check(code: str, ip: str = IP, **extra: str):  # type: ignore[no-untyped-def]
    return Client().post(reverse("publictips:check"), {"code": code, **extra}, REMOTE_ADDR=ip)


def _secrets(world: World) -> list[str]:
    units = [world.a.street, world.a.street2, world.a.community, world.a.grid, world.a.grid2]
    return [NAME, PHONE, "5678", "139****", "张三", NOTE, REASON, "请核查",
            *[unit.name for unit in units]]  # fmt: skip


def test_the_form_opens_without_login_in_chinese_and_names_no_unit_below_the_district(world):
    response = Client().get("/tips/")
    body = response.content.decode()
    assert response.status_code == 200 and 'lang="zh-hans"' in body
    assert not [s for s in _secrets(world) if s in body]


def test_a_tip_sent_is_stored_and_answered_with_its_receipt_code_only(world: World):
    response = _send()
    tip = Tip.objects.get()
    body = response.content.decode()
    assert response.status_code == 200
    assert services.format_code(tip.code) in body
    assert (tip.channel, tip.state, tip.org_path) == ("public", "new", world.a.district.path)
    assert (tip.contact_name, tip.contact_phone) == (NAME, PHONE)
    assert not [s for s in [*_secrets(world), world.a.district.name] if s in body]


def test_an_anonymous_tip_sent_keeps_no_contact(world: World):
    _send(anonymous="on")
    tip = Tip.objects.get()
    assert tip.anonymous and (tip.contact_name, tip.contact_phone, tip.phone_key) == ("", "", "")


def test_with_two_districts_the_reporter_chooses_and_a_tip_goes_to_the_one_chosen(world):
    form = Client().get("/tips/").content.decode()
    assert world.a.district.name in form and world.b.district.name in form
    _send(district=str(world.b.district.pk))
    assert Tip.objects.get().org_path == world.b.district.path
    assert _send(district=str(world.a.street.pk)).status_code == 200  # not a district: refused
    assert Tip.objects.count() == 1


def test_the_look_up_shows_the_state_dates_and_reply_and_nothing_else(world: World):
    for state in ("new", "triaged", "in_progress", "resolved", "rejected"):
        tip = in_state(world, state)
        body = _check(services.format_code(tip.code).lower()).content.decode()
        assert str(public.PUBLIC_STATES[state]) in body, state
        assert (REPLY in body) is (state == "resolved"), state
        leaked = [s for s in _secrets(world) if s in body]
        assert leaked == [], (state, leaked)


def test_the_form_and_the_look_up_leak_nothing_after_a_full_tip_was_handled(world: World):
    tip = in_state(world, "resolved")
    services.tip_reveal(actor=world.a.commander, tip=tip, field="contact_phone")
    pages = [Client().get("/tips/"), Client().get("/tips/check/"), _send(ip="198.51.100.1"),
             _check(tip.code, ip="198.51.100.2"),
             _check("AAAA-AAAA", ip="198.51.100.3")]  # fmt: skip
    for page in pages:
        body = page.content.decode()
        assert not [s for s in _secrets(world) if s in body]
        assert "/tips/manage/" not in body


def test_an_unknown_code_and_a_malformed_one_get_the_same_answer_with_the_same_work(world):
    triaged(world)
    answers, counts = [], []
    for code in ("AAAA-AAAA", "not a code at all", "0O1I0O1I"):
        with CaptureQueriesContext(connection) as queries:
            response = _check(code)
        answers.append(CSRF.sub("", response.content.decode()).replace(code, ""))
        counts.append(len(queries))
    assert answers[0] == answers[1] == answers[2]
    assert counts[0] == counts[1] == counts[2]


def test_sending_is_rate_limited_per_address_and_the_limit_lifts_after_its_window(world):
    limit, window = public.PER_CLIENT[public.Kind.SUBMIT]
    for _ in range(limit):
        assert _send().status_code == 200
    refused = _send()
    assert refused.status_code == 429
    assert any(words in refused.content.decode() for words in ("再试", "try again"))
    assert Tip.objects.count() == limit
    assert _send(ip="198.51.100.9").status_code == 200
    PublicHit.objects.update(at=timezone.now() - window - timedelta(seconds=1))
    assert _send().status_code == 200


def test_looking_up_is_rate_limited_per_address_and_the_limit_lifts_after_its_window(world):
    tip = triaged(world)
    limit, window = public.PER_CLIENT[public.Kind.CHECK]
    for _ in range(limit):
        assert _check("ZZZZ-ZZZZ").status_code == 200
    refused = _check(tip.code)
    assert refused.status_code == 429
    assert str(public.PUBLIC_STATES["triaged"]) not in refused.content.decode()
    PublicHit.objects.update(at=timezone.now() - window - timedelta(seconds=1))
    assert str(public.PUBLIC_STATES["triaged"]) in _check(tip.code).content.decode()


def test_the_whole_site_is_limited_too(world, monkeypatch):
    monkeypatch.setitem(public.PER_SITE, public.Kind.SUBMIT, (3, timedelta(minutes=1)))
    for n in range(3):
        assert _send(ip=f"198.51.100.{n + 1}").status_code == 200
    assert _send(ip="198.51.100.99").status_code == 429


def test_public_posts_need_the_csrf_token_from_the_page(world: World):
    client = Client(enforce_csrf_checks=True)
    sent = {**FORM, "district": str(world.a.district.pk)}
    for name, data in (("publictips:form", sent), ("publictips:check", {"code": "ABCD-EFGH"})):
        assert client.post(reverse(name), data, REMOTE_ADDR=IP).status_code == 403
        client.get(reverse(name))
        token = client.cookies["csrftoken"].value
        answer = client.post(reverse(name), {**data, "csrfmiddlewaretoken": token},
                             REMOTE_ADDR=IP)  # fmt: skip
        assert answer.status_code == 200, name
    assert Tip.objects.count() == 1


def test_a_filled_honeypot_stores_nothing_and_looks_nothing_up(world: World):
    tip = triaged(world)
    response = _send(website="http://spam.example")
    assert response.status_code == 200 and Tip.objects.count() == 1
    body = _check(tip.code, website="http://spam.example").content.decode()
    assert str(public.PUBLIC_STATES["triaged"]) not in body
    assert not PublicHit.objects.exists()
