"""Stores and their stock: receiving, issuing, transfers, write-offs and corrections, from
the services and from the pages; who may do which, in which district."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.supplies import services
from fangkong.supplies.models import MoveKind, Stock, StockMove, Store
from fangkong.supplies.tests.helpers import balance, item, stocked, store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    """The pages in the source language, so that the texts checked here stay put when
    the translations come."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_an_issue_larger_than_the_balance_is_refused_with_what_is_left(world: World):
    at, mask = stocked(world, 3)
    with pytest.raises(ValidationError) as refused:
        services.stock_issue(actor=world.a.logistics, store=at, item=mask, quantity=4)
    assert refused.value.message_dict == {"quantity": ["库存不足：N95口罩 仅剩 3 只"]}
    assert balance(at, mask) == 3
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 0


def test_the_database_refuses_a_negative_balance_written_past_the_ledger(world: World):
    from django.db import IntegrityError, transaction

    at, mask = stocked(world, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(store=at, item=mask).update(quantity=-1)


@pytest.mark.parametrize("quantity", [0, -5, 2.5, "7", True, 10_000_001])
def test_quantities_are_whole_numbers_above_zero(world: World, quantity):
    at, mask = stocked(world, 100)
    with pytest.raises(ValidationError):
        services.stock_issue(actor=world.a.logistics, store=at, item=mask, quantity=quantity)
    assert balance(at, mask) == 100


def test_a_transfer_is_two_moves_that_name_each_other_in_one_transaction(world: World):
    street, mask = stocked(world, 100)
    community = store(world, unit=world.a.community, name="社区物资点")
    out, into = services.stock_transfer(
        actor=world.a.logistics, source=street, target=community, item=mask, quantity=40
    )
    assert (out.kind, out.quantity, out.balance, out.counterpart) == (
        MoveKind.TRANSFER_OUT, -40, 60, community)  # fmt: skip
    assert (into.kind, into.quantity, into.balance, into.counterpart) == (
        MoveKind.TRANSFER_IN, 40, 40, street)  # fmt: skip
    assert into.org_path == world.a.community.path
    with pytest.raises(ValidationError):
        services.stock_transfer(
            actor=world.a.logistics, source=street, target=community, item=mask, quantity=61
        )
    assert (balance(street, mask), balance(community, mask)) == (60, 40)


def test_a_store_not_in_use_receives_nothing_but_can_still_send_out(world: World):
    street, mask = stocked(world, 100)
    community = store(world, unit=world.a.community, name="社区物资点")
    services.store_update(actor=world.a.logistics, store=street, active=False)
    street.refresh_from_db()
    with pytest.raises(ValidationError):
        services.stock_receive(actor=world.a.logistics, store=street, item=mask, quantity=1)
    services.stock_transfer(
        actor=world.a.logistics, source=street, target=community, item=mask, quantity=100
    )
    assert balance(street, mask) == 0


def test_a_correction_is_signed_and_says_why(world: World):
    at, mask = stocked(world, 100)
    with pytest.raises(ValidationError) as refused:
        services.stock_correct(actor=world.a.logistics, store=at, item=mask, quantity=-20, note="")
    assert "note" in refused.value.message_dict
    services.stock_correct(
        actor=world.a.logistics, store=at, item=mask, quantity=-20, note="盘点少20只"
    )
    services.stock_correct(actor=world.a.logistics, store=at, item=mask, quantity=5, note="盘盈")
    services.stock_expire(actor=world.a.logistics, store=at, item=mask, quantity=10)
    assert balance(at, mask) == 75
    assert list(StockMove.objects.order_by("id").values_list("kind", "quantity", "balance")) == [
        ("purchase", 100, 100), ("correction", -20, 80), ("correction", 5, 85),
        ("expired", -10, 75)]  # fmt: skip


def test_an_issue_goes_to_the_store_s_unit_or_a_unit_under_it(world: World):
    at, mask = stocked(world, 100)
    move = services.stock_issue(
        actor=world.a.logistics, store=at, item=mask, quantity=10, to_unit=world.a.grid,
        recipient="王网格员",
    )  # fmt: skip
    assert (move.to_unit, move.recipient, move.org_path) == (
        world.a.grid, "王网格员", world.a.street.path)  # fmt: skip
    for elsewhere in (world.a.street2, world.a.district, world.b.grid):
        with pytest.raises(ValidationError):
            services.stock_issue(
                actor=world.a.logistics, store=at, item=mask, quantity=1, to_unit=elsewhere
            )


def test_a_unit_officer_issues_from_its_store_but_does_not_receive_or_send_on(world: World):
    at, mask = stocked(world, 100)
    officer = world.a.street_officer
    services.stock_issue(actor=officer, store=at, item=mask, quantity=5)
    community = store(world, unit=world.a.community, name="社区物资点")
    for refused in (
        lambda: services.stock_receive(actor=officer, store=at, item=mask, quantity=5),
        lambda: services.stock_transfer(
            actor=officer, source=at, target=community, item=mask, quantity=5
        ),
        lambda: services.stock_expire(actor=officer, store=at, item=mask, quantity=5),
        lambda: services.store_create(actor=officer, unit=world.a.street, name="又一个库"),
    ):
        with pytest.raises(PermissionDenied):
            refused()
    assert balance(at, mask) == 95


def test_the_other_district_can_neither_touch_nor_send_to_our_stores(world: World):
    at, mask = stocked(world, 100)
    theirs = services.store_create(actor=world.b.logistics, unit=world.b.street, name="乙库")
    with pytest.raises(PermissionDenied):
        services.stock_issue(actor=world.b.logistics, store=at, item=mask, quantity=1)
    with pytest.raises(PermissionDenied):
        services.stock_transfer(
            actor=world.a.logistics, source=at, target=theirs, item=mask, quantity=1
        )
    assert balance(at, mask) == 100


def test_every_move_is_in_the_audit_log_within_the_store_s_district(world: World):
    at, mask = stocked(world, 100)
    services.stock_issue(actor=world.a.logistics, store=at, item=mask, quantity=1)
    entries = AuditEntry.objects.filter(target_type="supplies.stockmove")
    assert entries.count() == 2
    assert all(e.org_path == world.a.street.path for e in entries)


def test_the_store_s_threshold_overrides_the_item_s(world: World):
    at, mask = stocked(world, 100)
    mask.low_threshold = 50
    mask.save()
    assert not Stock.objects.get(store=at, item=mask).low
    services.threshold_set(actor=world.a.logistics, store=at, item=mask, threshold=200)
    assert Stock.objects.select_related("item").get(store=at, item=mask).low
    services.threshold_set(actor=world.a.logistics, store=at, item=mask, threshold=None)
    assert not Stock.objects.select_related("item").get(store=at, item=mask).low


def test_a_logistics_officer_runs_a_store_from_the_pages(world: World, login):
    client = login(world.a.logistics)
    mask = item(world)
    response = client.post(
        reverse("supplies:store_create"),
        {"name": "东关街道物资库", "unit": world.a.street.code, "keeper": "张保管", "active": "on"},
    )
    made = Store.objects.get(name="东关街道物资库")
    assert response.status_code == 302 and response.url == reverse("supplies:store", args=[made.pk])
    move = reverse("supplies:move", args=[made.pk, "receive"])
    assert client.post(move, {"item": mask.pk, "quantity": 300}).status_code == 302
    issue = reverse("supplies:move", args=[made.pk, "issue"])
    response = client.post(issue, {"item": mask.pk, "quantity": 301})
    assert response.status_code == 200
    assert "Not enough stock: N95口罩 has only 300 只 left." in response.content.decode()
    response = client.post(
        issue, {"item": mask.pk, "quantity": 120, "to_unit": world.a.grid.code, "recipient": "李"}
    )
    assert response.status_code == 302 and balance(made, mask) == 180
    page = client.get(reverse("supplies:store", args=[made.pk])).content.decode()
    assert "N95口罩" in page and "180" in page
    ledger = client.get(reverse("supplies:ledger", args=[made.pk, mask.pk])).content.decode()
    assert "第一网格" in ledger and "-120" in ledger
    response = client.post(reverse("supplies:ledger", args=[made.pk, mask.pk]), {"threshold": 500})
    assert response.status_code == 302
    page = client.get(reverse("supplies:store", args=[made.pk])).content.decode()
    assert "Low: under 500" in page


def test_an_unknown_move_is_not_found(world: World, login):
    at, _mask = stocked(world, 1)
    client = login(world.a.logistics)
    assert client.get(reverse("supplies:move", args=[at.pk, "steal"])).status_code == 404


def test_a_store_page_takes_a_few_queries_however_many_items(
    world: World, login, django_assert_max_num_queries
):
    at, mask = stocked(world, 100)
    for n in range(8):
        services.stock_receive(
            actor=world.a.logistics, store=at, item=item(world, f"物资{n}"), quantity=10
        )
        services.stock_issue(actor=world.a.logistics, store=at, item=mask, quantity=1)
    client = login(world.a.logistics)
    with django_assert_max_num_queries(12):
        client.get(reverse("supplies:store", args=[at.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("supplies:index"))
    with django_assert_max_num_queries(12):
        client.get(reverse("supplies:ledger", args=[at.pk, mask.pk]))
