"""The demo's places and venues: plans with logs that add up, some missed, the orders of
January 2020, and the closed KTV found open with its follow-up past due."""

from __future__ import annotations

import pytest

from fangkong.core.testing import World
from fangkong.places import selectors, services
from fangkong.places.demo import load_places
from fangkong.places.models import Disinfection, Inspection, Place, Venue

pytestmark = pytest.mark.django_db


def test_the_demo_loads_places_with_logs_and_venues_with_orders(world: World):
    logs = load_places(
        world.a.district, commander=world.a.commander, worker=world.a.grid_worker_local
    )
    assert logs == Disinfection.objects.count() > 0
    assert Place.objects.count() == 9 and Venue.objects.count() == 20
    assert services.recount() == []
    counts = selectors.alert_counts(world.a.district)
    assert (counts["closed_venues"], counts["overdue_followups"]) == (8, 3)
    ktv = Inspection.objects.get(found_open=True)
    assert ktv.venue.name == "金嗓子KTV" and ktv.followup_open
    grid_logs = Disinfection.objects.filter(org_path__startswith=world.a.grid.path)
    assert set(grid_logs.values_list("by", flat=True)) == {world.a.grid_worker_local.pk}


def test_without_the_demo_users_it_loads_nothing(world: World):
    assert load_places(world.a.district) == 0
