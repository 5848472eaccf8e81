"""Permission-matrix rows for observations, follow-ups, referrals and support."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _observed(w: World):  # type: ignore[no-untyped-def]
    """An open observation in district a's grid, with a referral and a support request."""
    from fangkong.observation import services, services_sites
    from fangkong.observation.models import Observation
    from fangkong.observation.tests.helpers import observe, person

    found = Observation.objects.filter(person__full_name="矩阵甲").first()
    if found is not None:
        return found
    made = observe(w, person(w, "矩阵甲"))
    services.referral_open(actor=w.a.commander, observation=made, reason="37.9 °C")
    services_sites.support_request(
        actor=w.a.commander, observation=made, kind="medicine", text="降压药"
    )
    return made


def _released(w: World) -> int:
    from fangkong.observation import services
    from fangkong.observation.models import Observation
    from fangkong.observation.tests.helpers import observe, person

    found = Observation.objects.filter(person__full_name="矩阵乙").first()
    if found is None:
        found = observe(w, person(w, "矩阵乙"), exposure_days_ago=14)
        services.observation_release(actor=w.a.commander, observation=found)
    return found.pk


def _grid(w: World) -> str:
    return w.a.grid.path


ENDPOINTS = [
    Endpoint("observation:list", "GET", lambda w: [], Perm.VIEW_PEOPLE),
    Endpoint(
        "observation:start",
        "GET",
        lambda w: [_observed(w).person_id],
        Perm.MANAGE_OBSERVATION,
        _grid,
    ),
    Endpoint("observation:figures", "GET", lambda w: [], Perm.VIEW_PEOPLE),
    Endpoint(
        "observation:figures_unit",
        "GET",
        lambda w: [w.a.community.pk],
        Perm.VIEW_PEOPLE,
        lambda w: w.a.community.path,
    ),
    Endpoint("observation:detail", "GET", lambda w: [_observed(w).pk], Perm.VIEW_PEOPLE, _grid),
    Endpoint("observation:notice", "GET", lambda w: [_released(w)], Perm.MANAGE_OBSERVATION, _grid),
    Endpoint(
        "observation:timeline", "GET", lambda w: [_observed(w).person_id], Perm.VIEW_PEOPLE, _grid
    ),
    Endpoint("observation:followups", "GET", lambda w: [], Perm.RECORD_FOLLOWUPS),
    Endpoint(
        "observation:followup",
        "GET",
        lambda w: [_observed(w).followups.first().pk],
        Perm.RECORD_FOLLOWUPS,
        _grid,
    ),
    Endpoint(
        "observation:referrals", "GET", lambda w: [], Perm.RECORD_REFERRALS, also=Perm.VIEW_PEOPLE
    ),
    Endpoint(
        "observation:referral",
        "GET",
        lambda w: [_observed(w).referrals.get().pk],
        Perm.RECORD_REFERRALS,
        _grid,
        also=Perm.VIEW_PEOPLE,
    ),
    Endpoint("observation:support", "GET", lambda w: [], Perm.RECORD_FOLLOWUPS),
    Endpoint(
        "observation:support_item",
        "GET",
        lambda w: [_observed(w).support_requests.get().pk],
        Perm.RECORD_FOLLOWUPS,
        _grid,
    ),
]
