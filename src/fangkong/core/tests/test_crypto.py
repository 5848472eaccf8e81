from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.core.crypto import blind_index, decrypt, encrypt, mask


@given(st.text(max_size=200))
def test_what_is_encrypted_decrypts_to_the_same_text(text):
    assert decrypt(encrypt(text)) == text


def test_the_same_value_encrypts_differently_each_time_but_indexes_the_same():
    assert encrypt("13800001234") != encrypt("13800001234")
    assert blind_index("37010219900307123x") == blind_index(" 37010219900307123X ")


def test_a_tampered_ciphertext_is_refused():
    sealed = encrypt("13800001234")
    key_id, _, body = sealed.partition(":")
    tampered = key_id + ":" + body[:-4] + ("AAAA" if not body.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017 - any failure, never wrong plaintext
        decrypt(tampered)


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("1234567", "*******"), ("", "")],
)
def test_mask_keeps_only_the_ends(value, masked):
    assert mask(value) == masked


@pytest.mark.django_db
def test_a_users_phone_is_not_stored_in_clear(world):
    from django.db import connection

    world.a.admin.phone = "13800001234"
    world.a.admin.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [world.a.admin.pk])
        stored = cursor.fetchone()[0]
    assert "13800001234" not in stored
    world.a.admin.refresh_from_db()
    assert world.a.admin.phone == "13800001234"
