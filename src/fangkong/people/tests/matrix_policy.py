"""Permission-matrix rows for the affected-area list and the policy pages."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _district(w: World) -> str:
    return w.a.district.path


def _area(w: World) -> int:
    from fangkong.people.models import RiskArea

    area, _ = RiskArea.objects.get_or_create(
        unit=w.a.district, org_path=w.a.district.path, division_code="420000",
        defaults={"name": "湖北省", "level": "high", "valid_from": date(2020, 1, 10)},
    )  # fmt: skip
    return area.pk


def _future_policy(w: World) -> int:
    from fangkong.people.models import Policy

    policy, _ = Policy.objects.get_or_create(
        unit=w.a.district, org_path=w.a.district.path,
        effective_from=timezone.localdate() + timedelta(days=3),
    )  # fmt: skip
    return policy.pk


ENDPOINTS = [
    Endpoint("people:riskarea_list", "GET", lambda w: [], Perm.VIEW_PEOPLE),
    Endpoint("people:riskarea_create", "GET", lambda w: [], Perm.MANAGE_POLICY),
    Endpoint("people:riskarea_end", "POST", lambda w: [_area(w)], Perm.MANAGE_POLICY, _district),
    Endpoint("people:riskarea_delete", "POST", lambda w: [_area(w)], Perm.MANAGE_POLICY, _district),
    Endpoint("people:division_lookup", "GET", lambda w: [], None),
    Endpoint("people:policy", "GET", lambda w: [], Perm.VIEW_PEOPLE),
    Endpoint("people:policy_create", "GET", lambda w: [], Perm.MANAGE_POLICY),
    Endpoint(
        "people:policy_delete",
        "POST",
        lambda w: [_future_policy(w)],
        Perm.MANAGE_POLICY,
        _district,
    ),
]
