from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from fangkong.accounts.models import AuditEntry

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def attempt(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_good_login_reaches_home_and_is_audited(client, world, password):
    response = attempt(client, "a_admin", password)
    assert response.status_code == 302
    assert response.url == reverse("home")
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor == world.a.admin
    assert entry.ip == "10.0.0.1"
    assert entry.org_path == world.a.district.path


def test_a_wrong_password_is_refused_with_a_message_and_audited(client, world):
    response = attempt(client, "a_admin", "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.actor_name == "a_admin"
    assert entry.actor is None


@override_settings(LOGIN_MAX_FAILURES_PER_USER=3)
def test_after_too_many_failures_even_the_right_password_is_refused(client, world, password):
    for _ in range(3):
        attempt(client, "a_admin", "wrong")
    response = attempt(client, "a_admin", password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        response.context["form"]
        .errors["__all__"][0]
        .startswith(response.context["form"].non_field_errors()[0][:4])
    )
    assert response.context["form"].has_error("__all__", code="locked")


@override_settings(LOGIN_MAX_FAILURES_PER_USER=3, LOGIN_LOCKOUT_SECONDS=600)
def test_the_lockout_ends_when_the_window_has_passed(client, world, password, monkeypatch):
    for _ in range(3):
        attempt(client, "a_admin", "wrong")
    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(seconds=601)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert attempt(client, "a_admin", password).status_code == 302


@override_settings(LOGIN_MAX_FAILURES_PER_USER=3)
def test_one_locked_name_does_not_lock_another(client, world, password):
    for _ in range(3):
        attempt(client, "a_admin", "wrong")
    assert attempt(client, "a_viewer", password).status_code == 302


@override_settings(LOGIN_MAX_FAILURES_PER_ADDRESS=4, LOGIN_MAX_FAILURES_PER_USER=100)
def test_an_address_that_tries_many_names_is_locked(client, world, password):
    for n in range(4):
        attempt(client, f"guess{n}", "wrong", ip="10.9.9.9")
    assert attempt(client, "a_viewer", password, ip="10.9.9.9").status_code == 200
    assert attempt(client, "a_viewer", password, ip="10.9.9.8").status_code == 302


def test_logout_is_audited_and_ends_the_session(client, world, password):
    attempt(client, "a_admin", password)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="logout", actor=world.a.admin).exists()


def test_changing_ones_own_password_is_audited(client, world, password):
    client.force_login(world.a.viewer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "a-much-better-pass",
            "new_password2": "a-much-better-pass",
        },
    )
    assert response.status_code == 302
    world.a.viewer.refresh_from_db()
    assert world.a.viewer.check_password("a-much-better-pass")
    assert AuditEntry.objects.filter(action="password", actor=world.a.viewer).exists()


def test_pages_need_a_login_and_redirect_to_it(client, world):
    response = client.get(reverse("orgunits:index"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_passwords_are_hashed_with_argon2_in_production():
    assert settings.PRODUCTION_PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_argon2_hashes_and_checks(world):
    from django.contrib.auth.hashers import check_password, make_password

    with override_settings(PASSWORD_HASHERS=settings.PRODUCTION_PASSWORD_HASHERS):
        hashed = make_password("a-much-better-pass")
        assert hashed.startswith("argon2")
        assert check_password("a-much-better-pass", hashed)


def test_sessions_expire_when_idle():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_an_active_session_is_extended_but_not_written_on_every_request(client, world, monkeypatch):
    import time

    from django.contrib.sessions.models import Session

    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    client.force_login(world.a.viewer)
    client.get(reverse("home"))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    clock[0] += 60
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == first
    clock[0] += settings.SESSION_REFRESH_SECONDS
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > first


@override_settings(FANGKONG_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_the_address_is_the_one_the_proxy_saw_not_what_the_client_claims(client, world):
    client.post(
        LOGIN, {"username": "a_admin", "password": "x"}, HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9"
    )
    client.post(LOGIN, {"username": "a_admin", "password": "x"}, HTTP_X_FORWARDED_FOR="not-an-ip")
    ips = list(AuditEntry.objects.filter(action="login_failed").values_list("ip", flat=True))
    assert "1.2.3.4" not in ips and "10.0.0.9" in ips
