"""API keys for devices: made once, kept as a digest, checked on every call."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from fangkong.accounts.models import ApiToken, User

PREFIX = "fk_"
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at, without a write per request


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new key for ``user``; the key itself is returned once and never stored."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], digest=_digest(key))
    return token, key


def token_revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_for(key: str) -> User | None:
    if not key.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fk_…``: the call runs as the key's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for(token)
        if user is not None:
            request.user = user
        return user
