"""Permission-matrix rows for campaigns, the visit list and coverage."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _grid(w: World) -> str:
    return w.a.grid.path


def _campaign(w: World) -> int:
    from fangkong.screening.models import Campaign

    today = timezone.localdate()
    # Declared at the grid, so that "may reach it" is exactly "holds the role at the grid";
    # campaigns seen from below are tested in test_screening.py.
    campaign, _ = Campaign.objects.get_or_create(
        name="第一轮排查", unit=w.a.grid, org_path=w.a.grid.path,
        defaults={"starts_on": today - timedelta(days=1), "ends_on": today + timedelta(days=5)},
    )  # fmt: skip
    return campaign.pk


def _household(w: World) -> int:
    from fangkong.people.models import Household

    household, _ = Household.objects.get_or_create(
        unit=w.a.grid,
        address_key="1号楼101",
        defaults={"address": "1号楼101", "org_path": w.a.grid.path},
    )
    return household.pk


ENDPOINTS = [
    Endpoint("screening:campaigns", "GET", lambda w: [], Perm.VIEW_UNITS),
    Endpoint("screening:campaign_create", "GET", lambda w: [], Perm.MANAGE_CAMPAIGNS),
    Endpoint("screening:coverage", "GET", lambda w: [_campaign(w)], Perm.VIEW_UNITS, _grid),
    Endpoint(
        "screening:coverage_unit",
        "GET",
        lambda w: [_campaign(w), w.a.grid.pk],
        Perm.VIEW_UNITS,
        _grid,
    ),
    Endpoint("screening:households", "GET", lambda w: [_campaign(w)], Perm.RECORD_VISITS, _grid),
    Endpoint(
        "screening:household_add",
        "POST",
        lambda w: [_campaign(w)],
        Perm.RECORD_VISITS,
        _grid,
        data=lambda w: {"unit": w.a.grid.code, "address": "2号楼202"},
    ),
    Endpoint(
        "screening:visit",
        "GET",
        lambda w: [_campaign(w), _household(w)],
        Perm.RECORD_VISITS,
        _grid,
    ),
]
