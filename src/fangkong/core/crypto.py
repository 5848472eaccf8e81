"""Field encryption at rest and blind indexes for personal data.

Values are sealed with AES-256-GCM; the stored text is ``<key id>:<base64 of
nonce + ciphertext>`` so that keys can be rotated. Equality look-ups use a keyed
HMAC (blind index) kept in a separate column, never the plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

NONCE_BYTES = 12


@lru_cache(maxsize=1)
def _keys() -> tuple[str, dict[str, bytes], bytes]:
    """(current key id, key id -> AES key, HMAC key), from settings."""
    raw = getattr(settings, "FANGKONG_FIELD_KEYS", "")
    keys: dict[str, bytes] = {}
    current = ""
    for item in [part.strip() for part in raw.split(",") if part.strip()]:
        key_id, _, encoded = item.partition("=")
        try:
            key = base64.urlsafe_b64decode(encoded)
        except ValueError:
            raise ImproperlyConfigured(
                f"FANGKONG_FIELD_KEYS: key {key_id!r} is not base64"
            ) from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"FANGKONG_FIELD_KEYS: key {key_id!r} must be 32 bytes")
        keys[key_id] = key
        current = current or key_id
    if not keys:
        # Demo and test installations derive a key from the secret key.
        current = "k0"
        keys[current] = hashlib.sha256(
            b"fangkong-field-key:" + settings.SECRET_KEY.encode()
        ).digest()
    # The index key is separate from the field keys so that rotating those keeps
    # every stored value findable; demo and test installations derive it.
    configured_index = getattr(settings, "FANGKONG_BLIND_INDEX_KEY", "")
    if configured_index:
        index_key = base64.urlsafe_b64decode(configured_index)
    else:
        index_key = hashlib.sha256(b"fangkong-blind-index:" + settings.SECRET_KEY.encode()).digest()
    return current, keys, index_key


def reset_keys() -> None:
    """Forget the keys and ciphers (after the settings changed, in tests)."""
    _keys.cache_clear()
    _ciphers.cache_clear()


@lru_cache(maxsize=1)
def _ciphers() -> tuple[str, dict[str, AESGCM], Any]:
    """Cipher objects built once (an import seals two values per row, a million rows)."""
    current, keys, index_key = _keys()
    return (
        current,
        {key_id: AESGCM(key) for key_id, key in keys.items()},
        hmac.new(index_key, digestmod=hashlib.sha256),
    )


def encrypt(plaintext: str) -> str:
    key_id, ciphers, _ = _ciphers()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ciphers[key_id].encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str) -> str:
    _, ciphers, _ = _ciphers()
    key_id, _, body = stored.partition(":")
    if key_id not in ciphers:
        raise ImproperlyConfigured(f"field key {key_id!r} is not configured")
    blob = base64.b64decode(body)
    plain = ciphers[key_id].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], key_id.encode())
    return plain.decode()


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value, for exact-match look-ups."""
    mac = _ciphers()[2].copy()
    mac.update(value.strip().upper().encode())
    return mac.hexdigest()


class EncryptedTextField(models.TextField):
    """Holds a plaintext string in Python and its AES-GCM sealing in the database."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def mask(value: str, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """``13812345678`` -> ``138****5678``; short values are masked whole."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
