"""Permission-matrix rows for the places pages: every record in district a's first grid."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _place(w: World) -> int:
    from fangkong.places.models import Place
    from fangkong.places.tests.helpers import place

    found = Place.objects.filter(name="矩阵公厕").first()
    return (found or place(w, name="矩阵公厕")).pk


def _venue(w: World) -> int:
    from fangkong.places.models import Venue
    from fangkong.places.tests.helpers import venue

    found = Venue.objects.filter(name="矩阵网吧").first()
    return (found or venue(w, name="矩阵网吧", kind="internet_cafe")).pk


def _inspection(w: World) -> int:
    """A problem found at the venue, its follow-up due in three days."""
    from datetime import timedelta

    from django.utils import timezone

    from fangkong.places import services
    from fangkong.places.models import Inspection

    found = Inspection.objects.filter(findings="矩阵：未扫码登记").first()
    return (
        found
        or services.inspection_record(
            actor=w.a.commander,
            venue=_venue_row(w),
            result="problems",
            findings="矩阵：未扫码登记",
            followup_due=timezone.localdate() + timedelta(days=3),
        )
    ).pk


def _venue_row(w: World):  # type: ignore[no-untyped-def]
    from fangkong.places.models import Venue

    return Venue.objects.get(pk=_venue(w))


def _grid(w: World) -> str:
    return w.a.grid.path


def _community(w: World) -> str:
    return w.a.community.path


LOG = {"disinfectant": "含氯消毒液", "concentration": "500mg/L"}

ENDPOINTS = [
    Endpoint("places:index", "GET", lambda w: [], Perm.VIEW_PLACES),
    Endpoint("places:unit", "GET", lambda w: [w.a.community.pk], Perm.VIEW_PLACES, _community),
    Endpoint("places:places", "GET", lambda w: [], Perm.VIEW_PLACES),
    Endpoint("places:place", "GET", lambda w: [_place(w)], Perm.VIEW_PLACES, _grid),
    Endpoint("places:place_create", "GET", lambda w: [], Perm.MANAGE_PLACES),
    Endpoint(
        "places:place_create",
        "POST",
        lambda w: [],
        Perm.MANAGE_PLACES,
        data=lambda w: {
            "name": "新公厕",
            "kind": "toilet",
            "unit": w.a.grid.code,
            "times_per_day": "2",
            "day_start": "07:00",
            "day_end": "19:00",
        },
    ),
    Endpoint("places:place_edit", "GET", lambda w: [_place(w)], Perm.MANAGE_PLACES, _grid),
    Endpoint(
        "places:place_edit",
        "POST",
        lambda w: [_place(w)],
        Perm.MANAGE_PLACES,
        _grid,
        data=lambda w: {
            "name": "矩阵公厕",
            "kind": "toilet",
            "times_per_day": "3",
            "day_start": "07:00",
            "day_end": "19:00",
            "active": "on",
        },
    ),
    Endpoint("places:log", "GET", lambda w: [], Perm.RECORD_DISINFECTION),
    Endpoint(
        "places:log",
        "POST",
        lambda w: [],
        Perm.RECORD_DISINFECTION,
        _grid,
        data=lambda w: {**LOG, "place": _place(w)},
    ),
    Endpoint("places:venues", "GET", lambda w: [], Perm.VIEW_PLACES),
    Endpoint("places:venue", "GET", lambda w: [_venue(w)], Perm.VIEW_PLACES, _grid),
    Endpoint(
        "places:venue",
        "POST",
        lambda w: [_venue(w)],
        Perm.MANAGE_PLACES,
        _grid,
        data=lambda w: {
            "action": "order",
            "order-kind": "closed",
            "order-basis": "区指挥部通告〔2020〕3号",
        },
    ),
    Endpoint(
        "places:venue",
        "POST",
        lambda w: [_venue(w)],
        Perm.RECORD_DISINFECTION,
        _grid,
        data=lambda w: {"action": "inspect", "inspect-result": "compliant"},
    ),
    Endpoint(
        "places:venue",
        "POST",
        lambda w: [_venue(w)],
        Perm.RECORD_DISINFECTION,
        _grid,
        data=lambda w: {
            "action": "followup",
            "followup-inspection": str(_inspection(w)),
            "followup-note": "已整改",
        },
    ),
    Endpoint("places:venue_create", "GET", lambda w: [], Perm.MANAGE_PLACES),
    Endpoint(
        "places:venue_create",
        "POST",
        lambda w: [],
        Perm.MANAGE_PLACES,
        data=lambda w: {"name": "新饭店", "kind": "restaurant", "unit": w.a.grid.code},
    ),
    Endpoint("places:venue_edit", "GET", lambda w: [_venue(w)], Perm.MANAGE_PLACES, _grid),
    Endpoint(
        "places:venue_edit",
        "POST",
        lambda w: [_venue(w)],
        Perm.MANAGE_PLACES,
        _grid,
        data=lambda w: {"name": "矩阵网吧", "kind": "internet_cafe", "active": "on"},
    ),
    Endpoint(
        "places:venue_reveal",
        "POST",
        lambda w: [_venue(w), "contact_phone"],
        Perm.REVEAL_PERSONAL,
        _grid,
        also=Perm.VIEW_PLACES,
    ),
    Endpoint("places:followups", "GET", lambda w: [], Perm.VIEW_PLACES),
]
