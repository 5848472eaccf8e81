"""Permission-matrix rows for the daily report pages."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint


def _yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


ENDPOINTS = [
    Endpoint("reports:mine", "GET", lambda w: [], Perm.VIEW_UNITS),
    Endpoint("reports:completeness", "GET", lambda w: [], Perm.VIEW_UNITS),
    Endpoint(
        "reports:completeness_unit",
        "GET",
        lambda w: [w.a.community.pk],
        Perm.VIEW_UNITS,
        lambda w: w.a.community.path,
    ),
    Endpoint(
        "reports:report",
        "GET",
        lambda w: [w.a.grid.pk, _yesterday()],
        Perm.VIEW_UNITS,
        lambda w: w.a.grid.path,
    ),
]
