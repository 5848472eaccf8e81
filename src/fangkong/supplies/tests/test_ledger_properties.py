"""The ledger's arithmetic, whatever happens: any sequence of receipts, issues, transfers,
write-offs and corrections over a few stores leaves every balance equal to the sum of its
moves and never below zero, and a refused move changes nothing at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.core.testing import World
from fangkong.supplies import ledger, services
from fangkong.supplies.models import Stock, StockMove
from fangkong.supplies.tests.helpers import item, store

pytestmark = pytest.mark.django_db

KINDS = ("receive", "issue", "transfer", "expire", "correct")

steps = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 2),  # store
        st.integers(0, 2),  # the other store, for a transfer
        st.integers(0, 1),  # item
        st.integers(-60, 60),  # quantity (the sign matters for corrections only)
    ),
    min_size=1,
    max_size=20,
)


class _Rollback(Exception):
    pass


def _snapshot() -> tuple[list[tuple[int, int, int]], int]:
    rows = sorted(Stock.objects.values_list("store", "item", "quantity"))
    return rows, StockMove.objects.count()


def _apply(world: World, kind: str, at, to, what, quantity: int) -> None:  # type: ignore[no-untyped-def]
    actor = world.a.logistics
    if kind == "receive":
        services.stock_receive(actor=actor, store=at, item=what, quantity=quantity)
    elif kind == "issue":
        services.stock_issue(actor=actor, store=at, item=what, quantity=quantity)
    elif kind == "transfer":
        services.stock_transfer(actor=actor, source=at, target=to, item=what, quantity=quantity)
    elif kind == "expire":
        services.stock_expire(actor=actor, store=at, item=what, quantity=quantity)
    else:
        services.stock_correct(actor=actor, store=at, item=what, quantity=quantity, note="盘点")


def _expected_refusal(kind: str, source: int, target: int, quantity: int, have: int) -> bool:
    if quantity == 0 or (quantity < 0 and kind != "correct"):
        return True
    if kind == "transfer" and source == target:
        return True
    outgoing = kind in ("issue", "transfer", "expire") or (kind == "correct" and quantity < 0)
    return outgoing and abs(quantity) > have


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_balances_are_the_sum_of_their_moves_and_never_negative(world: World, plan):
    try:
        with transaction.atomic():
            stores = [store(world, name=f"库{n}") for n in range(3)]
            items = [item(world, "N95口罩"), item(world, "防护服", "套", "suit")]
            model: dict[tuple[int, int], int] = {}
            for kind, s, t, i, quantity in plan:
                key = (s, i)
                before = _snapshot()
                refused = _expected_refusal(kind, s, t, quantity, model.get(key, 0))
                try:
                    with translation.override("en"):
                        _apply(world, kind, stores[s], stores[t], items[i], quantity)
                except ValidationError:
                    assert refused, (kind, s, t, i, quantity, model)
                    assert _snapshot() == before
                    continue
                assert not refused, (kind, s, t, i, quantity, model)
                sign = -1 if kind in ("issue", "transfer", "expire") else 1
                model[key] = model.get(key, 0) + sign * quantity
                if kind == "transfer":
                    model[(t, i)] = model.get((t, i), 0) + quantity
            kept = {
                (stores.index(row.store), items.index(row.item)): row.quantity
                for row in Stock.objects.select_related("store", "item")
            }
            assert {k: v for k, v in kept.items() if v} == {k: v for k, v in model.items() if v}
            assert all(v >= 0 for v in kept.values())
            assert ledger.recount() == []
            # Each move's balance is the running sum of the moves before it.
            for row in Stock.objects.all():
                running = 0
                for move in StockMove.objects.filter(store=row.store_id, item=row.item_id).order_by(
                    "id"
                ):
                    running += move.quantity
                    assert move.balance == running >= 0
            raise _Rollback
    except _Rollback:
        pass
