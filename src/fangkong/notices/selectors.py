"""Reading notices: a user's own, nobody else's."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet

from fangkong.notices.models import Notice


def inbox(*, actor: Any) -> QuerySet[Notice]:
    """The actor's notices, newest first. Another user's notice is not there (a 404)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Notice.objects.none()
    return Notice.objects.filter(recipient=actor).order_by("-created_at", "-id")


def unread_count(actor: Any) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).count()


class UnreadNotices:
    """The navbar's badge: counted (one query on the partial index) only if a page shows
    it, and once however often the page does."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def count(self) -> int:
        return unread_count(self.user)
