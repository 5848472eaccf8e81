"""API keys for devices: made once, kept as a digest, checked on every call."""

from __future__ import annotations

import copy
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from fangkong.accounts.models import ApiToken, User
from fangkong.core import stamps
from fangkong.core.scoping import grants

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
    stamps.bump()


def _load(digest: str) -> tuple[int, User, datetime | None] | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    grants(token.user)  # loaded now, kept with the copy
    return token.pk, token.user, token.last_used_at


_touched: dict[int, datetime] = {}


def user_for(key: str, *, stamp: int | None = None, assumed: bool = False) -> User | None:
    """The key's user, or None. The token, its user and their grants are kept per process
    until any of them changes (core.stamps); a revoked key stops at once. With
    ``assumed``, ``stamp`` is the copies' own, not read (core.stamps.assumed): the
    caller confirms it before it answers. A None is never kept: it was read just now."""
    if not key.startswith(PREFIX):
        return None
    digest = _digest(key)
    found = stamps.memo(
        stamps.read() if stamp is None else stamp,
        ("api-token", digest),
        lambda: _load(digest),
        keep_none=False,
        assumed=assumed,
    )
    if found is None:
        return None
    token_pk, user, last_used_at = found
    now = timezone.now()
    touched = _touched.get(token_pk) or last_used_at
    if touched is None or now - touched > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token_pk).update(last_used_at=now)
        _touched[token_pk] = now
    return copy.copy(user)  # one per request: nothing set on it reaches another


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fk_…``: the call runs as the key's user.

    With ``assume=True`` (for a view that writes, and confirms the stamp in the statement
    that writes, or before any other answer: checkpoint uploads), the key is checked
    against this process's copies without reading the stamp (core.stamps.assumed).
    ``request.fangkong_confirmed`` says which it was; a view that finds the stamp moved
    (core.stamps.Stale) calls :meth:`again`."""

    def __init__(self, *, assume: bool = False) -> None:
        super().__init__()
        self.assume = assume

    def __call__(self, request: HttpRequest) -> Any:
        # As HttpBearer reads the header, but from the environ: ``request.headers`` first
        # builds a dictionary of every header, at each device's upload.
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        stamp = stamps.assumed() if self.assume else None
        confirmed = stamp is None
        user = None
        if stamp is not None:
            try:
                user = user_for(token, stamp=stamp, assumed=True)
            except stamps.Stale:  # the copies moved on meanwhile
                stamp, confirmed = None, True
        if stamp is None:
            stamp = stamps.read()
            user = user_for(token, stamp=stamp)
        if user is not None:
            request.user = user
            # for the view's copies
            request.fangkong_stamp = stamp  # type: ignore[attr-defined]
            request.fangkong_confirmed = confirmed  # type: ignore[attr-defined]
        return user

    def again(self, request: HttpRequest) -> Any:
        """Authenticate ``request`` once more, reading the stamp: its user, or None."""
        return TokenAuth()(request)
