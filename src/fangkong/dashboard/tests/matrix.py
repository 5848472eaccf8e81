"""Permission-matrix rows for the command dashboard."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint

ENDPOINTS = [
    Endpoint("dashboard:index", "GET", lambda w: [], Perm.VIEW_UNITS),
    Endpoint(
        "dashboard:unit",
        "GET",
        lambda w: [w.a.community.pk],
        Perm.VIEW_UNITS,
        lambda w: w.a.community.path,
    ),
]
