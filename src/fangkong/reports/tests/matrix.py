"""Permission-matrix rows for the daily report pages."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _indicator(w: World) -> int:
    from fangkong.reports.models import Indicator

    return Indicator.objects.order_by("pk").values_list("pk", flat=True)[0]


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
    # The data set is one for the installation: its pages need the permission anywhere.
    # The data set is the installation's: the matrix world has two top-level districts, so
    # only the installation's administrator holds the permission over both.
    Endpoint(
        "reports:indicators", "GET", lambda w: [], Perm.MANAGE_INDICATORS, superuser_only=True
    ),
    Endpoint(
        "reports:indicator_create", "GET", lambda w: [], Perm.MANAGE_INDICATORS, superuser_only=True
    ),
    Endpoint(
        "reports:indicator",
        "GET",
        lambda w: [_indicator(w)],
        Perm.MANAGE_INDICATORS,
        superuser_only=True,
    ),
]
