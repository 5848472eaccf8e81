"""Permission-matrix rows for the inbox and the reminder button."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _superusers_notice(w: World) -> int:
    """A notice of the superuser's: only its recipient opens it, everyone else gets a 404
    (``superuser_only`` here says "its one recipient", who is the superuser)."""
    from fangkong.notices.models import Notice

    found = Notice.objects.filter(recipient=w.superuser).first()
    if found is None:
        found = Notice.objects.create(recipient=w.superuser, title="矩阵", link="/")
    return found.pk


def _yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


ENDPOINTS = [
    Endpoint("notices:inbox", "GET", lambda w: [], None),
    Endpoint("notices:open", "POST", lambda w: [_superusers_notice(w)], None, superuser_only=True),
    Endpoint("notices:read_all", "POST", lambda w: [], None),
    # Holders of PUBLISH_BULLETIN (the command) hold MANAGE_CAMPAIGNS at the same units, so
    # the one permission describes who may remind.
    Endpoint(
        "notices:remind_reports",
        "POST",
        lambda w: [w.a.community.pk, _yesterday()],
        Perm.MANAGE_CAMPAIGNS,
        lambda w: w.a.community.path,
    ),
]
