"""Issues from the same balance at the same moment never take more than there is, and
transfers each way between two stores never deadlock: a real race on PostgreSQL, each
thread with its own connection and transaction, let go at once by a barrier."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from fangkong.accounts.models import User
from fangkong.core.testing import build_world
from fangkong.supplies import ledger, services
from fangkong.supplies.models import Item, MoveKind, StockMove, Store
from fangkong.supplies.tests.helpers import balance, item, store

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writer at a time: the race needs PostgreSQL's row locks",
    ),
]

THREADS = 8
CALLS = 6  # per thread


def _codes(error: ValidationError) -> set[str | None]:
    found = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return {e.code for errors in found for e in errors}


def _race(calls: list[Callable[[], Any]]) -> list[str]:
    """Run each thread's calls one after the other, all threads at once: "ok", "short"
    (refused with the quantity left) or the unexpected error."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = [""] * len(calls)

    def run(share: list[int]) -> None:
        try:
            with translation.override("zh-hans"):
                barrier.wait(timeout=30)
                for index in share:
                    try:
                        calls[index]()
                    except ValidationError as error:
                        outcome = "short" if _codes(error) == {"short"} else f"refused: {error}"
                    except Exception as error:
                        outcome = f"{type(error).__name__}: {error}"
                    else:
                        outcome = "ok"
                    outcomes[index] = outcome
        finally:
            connection.close()

    shares = [list(range(len(calls)))[n::THREADS] for n in range(THREADS)]
    threads = [threading.Thread(target=run, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _world() -> tuple[User, Store, Store, Item]:
    world = build_world()
    street, community = store(world), store(world, unit=world.a.community, name="社区物资点")
    mask = item(world)
    services.stock_receive(actor=world.a.logistics, store=street, item=mask, quantity=100)
    services.stock_receive(actor=world.a.logistics, store=community, item=mask, quantity=100)
    return User.objects.get(pk=world.a.logistics.pk), street, community, mask


def test_concurrent_issues_never_take_more_than_the_balance():
    actor, street, _community, mask = _world()
    rng = random.Random(7)
    wanted = [rng.randint(1, 9) for _ in range(THREADS * CALLS)]  # about 240 asked for 100

    def issue(quantity: int) -> Callable[[], Any]:
        at, what = Store.objects.get(pk=street.pk), Item.objects.get(pk=mask.pk)
        return lambda: services.stock_issue(actor=actor, store=at, item=what, quantity=quantity)

    outcomes = _race([issue(n) for n in wanted])
    assert set(outcomes) <= {"ok", "short"}, outcomes
    issued = -sum(
        StockMove.objects.filter(store=street, kind=MoveKind.ISSUE).values_list(
            "quantity", flat=True
        )
    )
    assert outcomes.count("ok") == StockMove.objects.filter(kind=MoveKind.ISSUE).count()
    assert issued <= 100
    assert balance(street, mask) == 100 - issued >= 0
    # Each refusal came when less was left than it asked for (and stock only went down).
    refused = [n for n, outcome in zip(wanted, outcomes, strict=True) if outcome == "short"]
    assert refused and balance(street, mask) < min(refused)
    assert ledger.recount() == []


def test_transfers_each_way_at_once_neither_deadlock_nor_lose_anything():
    actor, street, community, mask = _world()

    def transfer(source: Store, target: Store) -> Callable[[], Any]:
        a, b = Store.objects.get(pk=source.pk), Store.objects.get(pk=target.pk)
        what = Item.objects.get(pk=mask.pk)
        return lambda: services.stock_transfer(
            actor=actor, source=a, target=b, item=what, quantity=3
        )

    calls = [transfer(street, community) if n % 2 else transfer(community, street)
             for n in range(THREADS * CALLS)]  # fmt: skip
    outcomes = _race(calls)
    assert set(outcomes) <= {"ok", "short"}, outcomes
    assert balance(street, mask) + balance(community, mask) == 200
    assert ledger.recount() == []
