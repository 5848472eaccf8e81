"""Field key rotation: everything re-sealed with the new key, readable after the old key
is gone, found by its blind index as before, and a second run has nothing to do."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fangkong.accounts.models import User
from fangkong.core import crypto
from fangkong.core.rotation import key_ids, rotate

NEW = base64.urlsafe_b64encode(b"n" * 32).decode()


def _derived(settings) -> str:  # type: ignore[no-untyped-def]
    """The key a test installation seals with (k0, derived from the secret key)."""
    key = hashlib.sha256(b"fangkong-field-key:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(key).decode()


@pytest.fixture
def keys(settings):  # type: ignore[no-untyped-def]
    def use(value: str) -> None:
        settings.FANGKONG_FIELD_KEYS = value
        crypto.reset_keys()

    yield use
    crypto.reset_keys()


def _raw_phone(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_rotation_reseals_everything_with_the_new_key(world, keys, settings) -> None:  # type: ignore[no-untyped-def]
    users = [world.a.admin, world.a.commander, world.b.admin]
    for n, user in enumerate(users):
        user.phone = f"1380000123{n}"
        user.save()
    index_before = crypto.blind_index("13800001230")
    assert key_ids(User, "phone") == {"k0": 3}

    keys(f"k1={NEW},k0={_derived(settings)}")
    assert rotate(check=True).stale["accounts.User.phone"] == 3
    result = rotate()
    assert result.current == "k1"
    assert result.stale["accounts.User.phone"] == 3
    assert key_ids(User, "phone") == {"k1": 3}
    assert all(_raw_phone(u).startswith("k1:") for u in users)
    assert rotate(check=True).total == 0
    assert rotate().total == 0  # nothing left to do

    keys(f"k1={NEW}")  # the old key is gone: everything still reads
    for n, user in enumerate(users):
        assert User.objects.get(pk=user.pk).phone == f"1380000123{n}"
    assert crypto.blind_index("13800001230") == index_before


@pytest.mark.django_db
def test_the_command_checks_and_rotates(world, keys, settings, capsys) -> None:  # type: ignore[no-untyped-def]
    world.a.admin.phone = "13800001234"
    world.a.admin.save()
    keys(f"k1={NEW},k0={_derived(settings)}")
    with pytest.raises(CommandError, match="older key"):
        call_command("rotate_keys", "--check")
    call_command("rotate_keys")
    assert "re-sealed; current key k1" in capsys.readouterr().out
    call_command("rotate_keys", "--check")
    assert "0 values sealed with an older key" in capsys.readouterr().out


@pytest.mark.django_db
def test_blank_values_are_left_alone(world, keys, settings) -> None:  # type: ignore[no-untyped-def]
    world.a.admin.phone = ""
    world.a.admin.save()
    keys(f"k1={NEW},k0={_derived(settings)}")
    assert rotate(check=True).stale["accounts.User.phone"] == 0
