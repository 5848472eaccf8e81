"""Requests: a community asks its street, the street approves (perhaps fewer) or rejects,
and sends in one delivery or several; who and when at each step; who may do which."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fangkong.core.testing import World
from fangkong.supplies import services, services_requests
from fangkong.supplies.models import MoveKind, RequestState, StockMove, SupplyRequest
from fangkong.supplies.services_requests import Wanted
from fangkong.supplies.tests.helpers import balance, item, stocked, store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _ask(world: World, quantity: int = 200, submit: bool = True, **values) -> SupplyRequest:  # type: ignore[no-untyped-def]
    return services_requests.request_create(
        actor=world.a.community_officer, unit=values.pop("unit", world.a.community),
        lines=values.pop("lines", [Wanted(item(world), quantity)]), submit=submit, **values,
    )  # fmt: skip


def test_a_community_asks_its_street_which_approves_fewer_and_sends_in_two_parts(world: World):
    street, mask = stocked(world, 500)
    community = store(world, unit=world.a.community, name="社区物资点")
    asked = _ask(world, 200, reason="12名网格员一周用量")
    assert (asked.state, asked.to_unit, asked.into_store) == (
        RequestState.SUBMITTED, world.a.street, community)  # fmt: skip
    assert (asked.submitted_by, asked.org_path) == (
        world.a.community_officer,
        world.a.community.path,
    )
    line = asked.lines.get()
    services_requests.request_approve(
        actor=world.a.logistics, request=asked, approved={line.pk: 150}
    )
    asked.refresh_from_db()
    assert (asked.state, asked.decided_by) == (RequestState.APPROVED, world.a.logistics)
    services_requests.request_fulfil(
        actor=world.a.logistics, request=asked, store=street, sent={line.pk: 100}
    )
    asked.refresh_from_db()
    assert asked.state == RequestState.APPROVED and asked.lines.get().fulfilled == 100
    with pytest.raises(ValidationError):
        services_requests.request_fulfil(
            actor=world.a.logistics, request=asked, store=street, sent={line.pk: 51}
        )
    services_requests.request_fulfil(
        actor=world.a.logistics, request=asked, store=street, sent={line.pk: 50}
    )
    asked.refresh_from_db()
    assert (asked.state, asked.closed_by) == (RequestState.FULFILLED, world.a.logistics)
    assert asked.closed_at is not None
    assert (balance(street, mask), balance(community, mask)) == (350, 150)
    assert sorted(asked.moves.values_list("kind", "quantity")) == [
        ("transfer_in", 50), ("transfer_in", 100),
        ("transfer_out", -100), ("transfer_out", -50),
    ]  # fmt: skip


def test_a_unit_without_a_store_gets_the_goods_issued_to_it(world: World):
    street, _mask = stocked(world, 500)
    asked = _ask(world, 80)
    assert asked.into_store is None
    services_requests.request_approve(actor=world.a.logistics, request=asked, approved={})
    services_requests.request_fulfil(
        actor=world.a.logistics, request=asked, store=street, sent={asked.lines.get().pk: 80}
    )
    move = StockMove.objects.get(request=asked)
    assert (move.kind, move.quantity, move.to_unit) == (MoveKind.ISSUE, -80, world.a.community)


def test_the_request_goes_to_the_nearest_unit_above_that_runs_a_store(world: World):
    assert _ask(world).to_unit == world.a.street  # none runs a store: the parent
    store(world, unit=world.a.district, name="区物资储备库")
    assert _ask(world).to_unit == world.a.district
    store(world, unit=world.a.street, name="街道物资库")
    assert _ask(world).to_unit == world.a.street
    with pytest.raises(ValidationError):
        services_requests.request_create(
            actor=world.a.logistics, unit=world.a.district, lines=[Wanted(item(world), 1)]
        )


def test_a_short_store_sends_nothing_and_the_request_stays_approved(world: World):
    street, mask = stocked(world, 30)
    asked = _ask(world, 100)
    services_requests.request_approve(actor=world.a.logistics, request=asked, approved={})
    with pytest.raises(ValidationError) as refused:
        services_requests.request_fulfil(
            actor=world.a.logistics, request=asked, store=street, sent={asked.lines.get().pk: 100}
        )
    assert refused.value.message_dict["quantity"] == ["库存不足：N95口罩 仅剩 30 只"]
    asked.refresh_from_db()
    assert asked.state == RequestState.APPROVED and asked.lines.get().fulfilled == 0
    assert balance(street, mask) == 30


def test_a_rejection_says_why_and_ends_the_request(world: World):
    asked = _ask(world)
    with pytest.raises(ValidationError):
        services_requests.request_reject(actor=world.a.logistics, request=asked, reason=" ")
    services_requests.request_reject(actor=world.a.logistics, request=asked, reason="库存紧张")
    asked.refresh_from_db()
    assert (asked.state, asked.rejection) == (RequestState.REJECTED, "库存紧张")
    with pytest.raises(ValidationError):
        services_requests.request_approve(actor=world.a.logistics, request=asked, approved={})


def test_approving_nothing_is_a_rejection(world: World):
    asked = _ask(world)
    with pytest.raises(ValidationError):
        services_requests.request_approve(
            actor=world.a.logistics, request=asked, approved={asked.lines.get().pk: 0}
        )
    with pytest.raises(ValidationError):
        services_requests.request_approve(
            actor=world.a.logistics, request=asked, approved={asked.lines.get().pk: 201}
        )


def test_a_draft_is_submitted_or_withdrawn_by_the_unit_that_asked(world: World):
    draft = _ask(world, submit=False)
    assert draft.state == RequestState.DRAFT
    with pytest.raises(ValidationError):
        services_requests.request_approve(actor=world.a.logistics, request=draft, approved={})
    with pytest.raises(PermissionDenied):
        services_requests.request_submit(actor=world.a.street2_officer, request=draft)
    services_requests.request_submit(actor=world.a.community_officer, request=draft)
    services_requests.request_cancel(actor=world.a.community_officer, request=draft)
    draft.refresh_from_db()
    assert (draft.state, draft.closed_by) == (RequestState.CANCELLED, world.a.community_officer)


def test_only_those_who_run_supplies_above_decide_and_never_in_the_other_district(world: World):
    asked = _ask(world)
    for refused in (world.a.community_officer, world.a.street_officer, world.b.logistics,
                    world.b.commander):  # fmt: skip
        with pytest.raises(PermissionDenied):
            services_requests.request_approve(actor=refused, request=asked, approved={})
    with pytest.raises(PermissionDenied):
        services_requests.request_create(
            actor=world.b.community_officer, unit=world.a.community, lines=[Wanted(item(world), 1)]
        )
    services_requests.request_approve(actor=world.a.street_admin, request=asked, approved={})


def test_fulfilment_is_from_a_store_of_the_unit_asked(world: World):
    stocked(world, 500)
    other = store(world, unit=world.a.street2, name="西城物资库")
    services.stock_receive(actor=world.a.logistics, store=other, item=item(world), quantity=50)
    asked = _ask(world, 10)
    services_requests.request_approve(actor=world.a.logistics, request=asked, approved={})
    with pytest.raises(ValidationError):
        services_requests.request_fulfil(
            actor=world.a.logistics, request=asked, store=other, sent={asked.lines.get().pk: 10}
        )


def test_the_request_pages_from_asking_to_delivery(world: World, login):
    street, mask = stocked(world, 500)
    community = store(world, unit=world.a.community, name="社区物资点")
    client = login(world.a.community_officer)
    response = client.post(
        reverse("supplies:request_create"),
        {"unit": world.a.community.code, "item_0": mask.pk, "quantity_0": 200, "submit": "1",
         "reason": "网格员用"},
    )  # fmt: skip
    asked = SupplyRequest.objects.get()
    assert response.status_code == 302 and asked.state == RequestState.SUBMITTED
    page = client.get(reverse("supplies:request", args=[asked.pk])).content.decode()
    assert "Withdraw the request" in page and "Approve" not in page
    assert client.get(reverse("supplies:request_approve", args=[asked.pk])).status_code == 403

    client = login(world.a.logistics)
    line = asked.lines.get()
    response = client.post(
        reverse("supplies:request_approve", args=[asked.pk]), {f"approved_{line.pk}": 120}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("supplies:request_fulfil", args=[asked.pk]),
        {"store": street.pk, f"sent_{line.pk}": 120},
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.state == RequestState.FULFILLED and balance(community, mask) == 120
    page = client.get(reverse("supplies:request", args=[asked.pk])).content.decode()
    assert "120 只 of N95口罩 sent from 物资库" in page
    # Done: the approval page now only says so.
    response = client.get(reverse("supplies:request_approve", args=[asked.pk]))
    assert response.status_code == 302


def test_a_rejection_from_the_page_needs_its_reason(world: World, login):
    asked = _ask(world)
    client = login(world.a.logistics)
    url = reverse("supplies:request", args=[asked.pk])
    assert client.post(url, {"action": "reject", "reason": ""}).status_code == 200
    assert client.post(url, {"action": "reject", "reason": "不符合条件"}).status_code == 302
    asked.refresh_from_db()
    assert asked.state == RequestState.REJECTED
    assert login(world.a.community_officer).post(url, {"action": "reject"}).status_code == 403


def test_requests_elsewhere_are_not_found(world: World, login):
    asked = _ask(world)
    for user in (world.b.logistics, world.a.street2_officer):
        client = login(user)
        assert client.get(reverse("supplies:request", args=[asked.pk])).status_code == 404
        assert (
            world.a.community.name not in client.get(reverse("supplies:requests")).content.decode()
        )
