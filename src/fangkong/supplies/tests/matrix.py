"""Permission-matrix rows for the supplies pages (tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _made(w: World) -> dict[str, Any]:
    """District a's street store with N95 masks, the community's store, a donation to the
    street, a request of the community waiting for approval and one approved."""
    from fangkong.supplies import services_donations, services_requests
    from fangkong.supplies.models import Donation, Store, SupplyRequest
    from fangkong.supplies.tests.helpers import item, stocked, store

    street = Store.objects.filter(unit=w.a.street, name="矩阵物资库").first()
    if street is None:
        street, _mask = stocked(w, 500, name="矩阵物资库")
        store(w, unit=w.a.community, name="矩阵社区物资点")
        services_donations.donation_receive(
            actor=w.a.logistics, kind="goods", donor_kind="company", donor_name="矩阵公司",
            donor_phone="13800000000", store=street,
            lines=[services_donations.Line(item(w), 100)],
        )  # fmt: skip
        for approve in (False, True):
            made = services_requests.request_create(
                actor=w.a.community_officer, unit=w.a.community,
                lines=[services_requests.Wanted(item(w), 50)], submit=True,
            )  # fmt: skip
            if approve:
                services_requests.request_approve(actor=w.a.logistics, request=made, approved={})
    requests = SupplyRequest.objects.filter(unit=w.a.community).order_by("pk")
    return {
        "store": street.pk,
        "item": item(w).pk,
        "donation": Donation.objects.get(store=street).pk,
        "submitted": requests.get(state="submitted").pk,
        "approved": requests.get(state="approved").pk,
    }


def _street(w: World) -> str:
    return w.a.street.path


def _community(w: World) -> str:
    return w.a.community.path


ENDPOINTS = [
    Endpoint("supplies:index", "GET", lambda w: [], Perm.VIEW_SUPPLIES),
    Endpoint("supplies:alerts", "GET", lambda w: [], Perm.VIEW_SUPPLIES),
    Endpoint("supplies:store_create", "GET", lambda w: [], Perm.MANAGE_SUPPLIES),
    Endpoint("supplies:store", "GET", lambda w: [_made(w)["store"]], Perm.VIEW_SUPPLIES, _street),
    Endpoint(
        "supplies:store_edit", "GET", lambda w: [_made(w)["store"]], Perm.MANAGE_SUPPLIES, _street
    ),
    Endpoint(
        "supplies:ledger",
        "GET",
        lambda w: [_made(w)["store"], _made(w)["item"]],
        Perm.VIEW_SUPPLIES,
        _street,
    ),
    Endpoint(
        "supplies:move",
        "GET",
        lambda w: [_made(w)["store"], "receive"],
        Perm.MANAGE_SUPPLIES,
        _street,
    ),
    Endpoint(
        "supplies:move", "GET", lambda w: [_made(w)["store"], "issue"], Perm.ISSUE_SUPPLIES, _street
    ),
    Endpoint("supplies:items", "GET", lambda w: [], Perm.VIEW_SUPPLIES),
    # The items are one catalogue for the installation: kept by those who run supplies anywhere.
    Endpoint("supplies:item_create", "GET", lambda w: [], Perm.MANAGE_SUPPLIES),
    Endpoint("supplies:item_edit", "GET", lambda w: [_made(w)["item"]], Perm.MANAGE_SUPPLIES),
    Endpoint("supplies:donations", "GET", lambda w: [], Perm.VIEW_SUPPLIES),
    Endpoint("supplies:donation_create", "GET", lambda w: [], Perm.MANAGE_SUPPLIES),
    Endpoint(
        "supplies:donation", "GET", lambda w: [_made(w)["donation"]], Perm.VIEW_SUPPLIES, _street
    ),
    Endpoint(
        "supplies:receipt", "GET", lambda w: [_made(w)["donation"]], Perm.MANAGE_SUPPLIES, _street
    ),
    Endpoint(
        "supplies:donation_phone",
        "POST",
        lambda w: [_made(w)["donation"]],
        Perm.MANAGE_SUPPLIES,
        _street,
    ),
    Endpoint("supplies:requests", "GET", lambda w: [], Perm.VIEW_SUPPLIES),
    Endpoint("supplies:request_create", "GET", lambda w: [], Perm.REQUEST_SUPPLIES),
    Endpoint(
        "supplies:request", "GET", lambda w: [_made(w)["submitted"]], Perm.VIEW_SUPPLIES, _community
    ),
    # Decided by the unit asked (the street), on a request that hangs at the community.
    Endpoint(
        "supplies:request_approve",
        "GET",
        lambda w: [_made(w)["submitted"]],
        Perm.MANAGE_SUPPLIES,
        _street,
    ),
    Endpoint(
        "supplies:request_fulfil",
        "GET",
        lambda w: [_made(w)["approved"]],
        Perm.MANAGE_SUPPLIES,
        _street,
    ),
]
