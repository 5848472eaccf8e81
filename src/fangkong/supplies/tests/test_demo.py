"""The demo's supplies: a fortnight of moves that add up, one low-stock alert and one
request waiting for approval, the same every time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fangkong.core.testing import World
from fangkong.supplies import ledger, selectors
from fangkong.supplies.demo import load_supplies
from fangkong.supplies.models import Donation, RequestState, StockMove, SupplyRequest

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_fortnight_that_adds_up(world: World):
    moves = load_supplies(
        world.a.district, actor=world.a.logistics, officer=world.a.community_officer
    )
    assert moves == StockMove.objects.count() > 100
    assert ledger.recount() == []
    low = selectors.low_stock(actor=world.a.commander)
    assert [(line.store.unit, line.item.name) for line in low] == [(world.a.community, "N95口罩")]
    assert low[0].days is not None
    waiting = SupplyRequest.objects.get()
    assert (waiting.state, waiting.unit, waiting.to_unit) == (
        RequestState.SUBMITTED, world.a.community, world.a.street)  # fmt: skip
    assert Donation.objects.count() == 4
    yesterday = timezone.localdate() - timedelta(days=1)
    assert selectors.issued_on(world.a.community.path, yesterday) > 0
    counts = selectors.alert_counts(world.a.district)
    assert (counts["low_stock_stores"], counts["requests_awaiting_approval"]) == (1, 1)


def test_without_the_demo_users_it_loads_nothing(world: World):
    assert load_supplies(world.a.district) == 0
