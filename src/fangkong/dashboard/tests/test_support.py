"""The support modules' alerts on the command dashboard: low stock, supply requests and
tips, counted in the unit's subtree only, each linked for those who may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.supplies import services as supplies
from fangkong.supplies.tests.helpers import item, store
from fangkong.tips.tests.helpers import public_tip

pytestmark = pytest.mark.django_db


def test_low_stock_and_new_tips_show_where_they_are(world, login):
    depot = store(world, unit=world.a.street, name="街道物资库")
    masks = item(world, name="N95口罩")
    supplies.stock_receive(actor=world.a.logistics, store=depot, item=masks, quantity=3)
    supplies.threshold_set(actor=world.a.logistics, store=depot, item=masks, threshold=50)
    public_tip(world)
    page = login(world.a.commander).get(reverse("dashboard:unit", args=[world.a.district.pk]))
    support = page.context["support"]
    assert support["supplies"]["low_stock_stores"] == 1
    assert support["tips"]["new"] == 1
    html = page.content.decode()
    assert reverse("supplies:alerts") in html and reverse("tips:queue") in html
    # The other district sees none of it.
    theirs = login(world.b.commander).get(reverse("dashboard:unit", args=[world.b.district.pk]))
    assert theirs.context["support"]["supplies"]["low_stock_stores"] == 0
    assert theirs.context["support"]["tips"]["new"] == 0
    # A grid worker sees the counts of the grid, and no link to pages it may not open.
    grid = login(world.a.grid_worker_local).get(reverse("dashboard:unit", args=[world.a.grid.pk]))
    assert reverse("supplies:alerts") not in grid.content.decode()


def test_duty_posts_short_of_people_and_closed_venues_show_where_they_are(world, login):
    from fangkong.duty.tests.helpers import post
    from fangkong.places import services as places
    from fangkong.places.tests.helpers import venue

    post(world, staffing="0-24:2")  # nobody on shift: short in every hour
    ktv = venue(world)
    places.order_issue(
        actor=world.a.commander, venue=ktv, kind="closed", basis="历下防控指挥部〔2020〕3号"
    )
    page = login(world.a.commander).get(reverse("dashboard:unit", args=[world.a.district.pk]))
    support = page.context["support"]
    assert support["duty"]["gaps_now"] == 1
    assert support["places"]["closed_venues"] == 1
    html = page.content.decode()
    assert reverse("duty:alerts") in html and reverse("places:venues") in html
    theirs = login(world.b.commander).get(reverse("dashboard:unit", args=[world.b.district.pk]))
    assert theirs.context["support"]["duty"]["gaps_now"] == 0
    assert theirs.context["support"]["places"]["closed_venues"] == 0
