"""Low stock and days of cover, the counts for the command dashboard, and the masks handed
out for the daily report."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.testing import World
from fangkong.supplies import selectors, services, services_requests
from fangkong.supplies.selectors import alert_counts, days_of_cover, issued_on
from fangkong.supplies.tests.helpers import item, stocked, store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _at(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.mark.parametrize(
    ("balance", "used", "days"),
    [(700, 70, Decimal("70.0")), (100, 70, Decimal("10.0")), (10, 70, Decimal("1.0")),
     (5, 70, Decimal("0.5")), (1, 3, Decimal("2.3")), (0, 70, Decimal("0.0")), (100, 0, None)],
)  # fmt: skip
def test_days_of_cover_is_the_balance_at_last_week_s_rate(balance, used, days):
    assert days_of_cover(balance, used) == days


def test_days_of_cover_counts_issues_and_transfers_out_of_the_last_seven_days(world: World):
    street, mask = stocked(world, 1000)
    community = store(world, unit=world.a.community, name="社区物资点")
    logistics = world.a.logistics
    services.stock_issue(actor=logistics, store=street, item=mask, quantity=100, at=_at(8))
    (line,) = selectors.stock_lines(street)
    assert (line.used, line.days) == (0, None)  # used only before the week
    services.stock_issue(actor=logistics, store=street, item=mask, quantity=140, at=_at(3))
    services.stock_transfer(
        actor=logistics, source=street, target=community, item=mask, quantity=70, at=_at(1)
    )
    services.stock_expire(actor=logistics, store=street, item=mask, quantity=90)
    services.stock_correct(actor=logistics, store=street, item=mask, quantity=-100, note="盘亏")
    (line,) = selectors.stock_lines(street)
    # 500 left, 210 used in 7 days: 30 a day.
    assert (line.quantity, line.used, line.days) == (500, 210, Decimal("16.6"))


def test_the_store_page_says_low_in_words_and_shows_a_dash_when_nothing_was_used(
    world: World, login
):
    street, _mask = stocked(world, 100)
    suits = item(world, "防护服", "套", "suit", threshold=20)
    services.stock_receive(actor=world.a.logistics, store=street, item=suits, quantity=5)
    goggles = item(world, "护目镜", "副", "goggles")
    services.stock_receive(actor=world.a.logistics, store=street, item=goggles, quantity=3)
    services.stock_issue(actor=world.a.logistics, store=street, item=goggles, quantity=3)
    page = login(world.a.street_officer).get(reverse("supplies:store", args=[street.pk]))
    html = page.content.decode()
    assert "Low: under 20" in html and "Out of stock" in html
    lines = re.findall(r'<li class="list-group-item stock-line[^"]*">(.*?)</li>', html, re.S)
    assert "防护服" in lines[0] or "护目镜" in lines[0]  # low ones first
    n95 = next(line for line in lines if "N95口罩" in line)
    assert "—" in n95 and "Low" not in n95


def test_the_alerts_list_shows_the_low_ones_in_the_users_scope_only(world: World, login):
    street, mask = stocked(world, 100)
    services.threshold_set(actor=world.a.logistics, store=street, item=mask, threshold=500)
    community = store(world, unit=world.a.community, name="社区物资点")
    services.stock_receive(actor=world.a.logistics, store=community, item=mask, quantity=10)
    theirs = services.store_create(actor=world.b.logistics, unit=world.b.street, name="乙库")
    services.stock_receive(actor=world.b.logistics, store=theirs, item=mask, quantity=1)
    services.threshold_set(actor=world.b.logistics, store=theirs, item=mask, threshold=5)
    assert [line.store for line in selectors.low_stock(actor=world.a.commander)] == [street]
    assert [line.store for line in selectors.low_stock(actor=world.b.commander)] == [theirs]
    assert selectors.low_stock(actor=world.a.community_officer) == []
    page = login(world.a.street_officer).get(reverse("supplies:alerts")).content.decode()
    assert street.name in page and "乙库" not in page


def test_alert_counts_for_the_dashboard(world: World):
    street, mask = stocked(world, 100)
    services.threshold_set(actor=world.a.logistics, store=street, item=mask, threshold=500)
    suits = item(world, "防护服", "套", "suit", threshold=20)
    services.stock_receive(actor=world.a.logistics, store=street, item=suits, quantity=5)
    closed = store(world, unit=world.a.street2, name="停用库")
    services.stock_receive(actor=world.a.logistics, store=closed, item=suits, quantity=1)
    services.store_update(actor=world.a.logistics, store=closed, active=False)
    for approve in (False, False, True):
        asked = services_requests.request_create(
            actor=world.a.community_officer, unit=world.a.community,
            lines=[services_requests.Wanted(mask, 10)], submit=True,
        )  # fmt: skip
        if approve:
            services_requests.request_approve(actor=world.a.logistics, request=asked, approved={})
    # A draft waits for no one.
    services_requests.request_create(
        actor=world.a.community_officer,
        unit=world.a.community,
        lines=[services_requests.Wanted(mask, 10)],
    )
    expected = {"low_stock_stores": 1, "low_stock_items": 2, "requests_awaiting_approval": 2,
                "requests_awaiting_delivery": 1}  # fmt: skip
    assert alert_counts(world.a.district) == expected == alert_counts(world.a.street)
    assert alert_counts(world.a.community) == dict.fromkeys(expected, 0)
    assert alert_counts(world.b.district) == dict.fromkeys(expected, 0)


def test_masks_handed_out_on_a_day_count_where_they_went(world: World):
    street, mask = stocked(world, 5000)
    suits = item(world, "防护服", "套", "suit")
    services.stock_receive(actor=world.a.logistics, store=street, item=suits, quantity=100)
    community = store(world, unit=world.a.community, name="社区物资点")
    logistics = world.a.logistics
    yesterday = timezone.localdate() - timedelta(days=1)
    services.stock_issue(actor=logistics, store=street, item=mask, quantity=300, at=_at(1, 9))
    services.stock_issue(
        actor=logistics, store=street, item=mask, quantity=200, to_unit=world.a.grid,
        at=_at(1, 23),
    )  # fmt: skip
    services.stock_issue(actor=logistics, store=street, item=suits, quantity=10, at=_at(1))
    services.stock_transfer(
        actor=logistics, source=street, target=community, item=mask, quantity=1000, at=_at(1)
    )
    services.stock_issue(actor=logistics, store=community, item=mask, quantity=40, at=_at(1))
    services.stock_issue(actor=logistics, store=street, item=mask, quantity=7, at=_at(2, 23))
    services.stock_issue(actor=logistics, store=street, item=mask, quantity=9, at=_at(0, 0))
    assert issued_on(world.a.district.path, yesterday) == 540
    assert issued_on(world.a.street.path, yesterday) == 540
    assert issued_on(world.a.community.path, yesterday) == 240
    assert issued_on(world.a.grid.path, yesterday) == 200
    assert issued_on(world.a.grid2.path, yesterday) == 0
    assert issued_on(world.a.street.path, yesterday, "suit") == 10
    assert issued_on(world.b.district.path, yesterday) == 0


def test_the_sections_menu_links_only_to_pages_the_user_may_open(world: World, client):
    for user in world.a.users.values():
        client.force_login(user)
        page = client.get(reverse("supplies:index"))
        if page.status_code != 200:
            continue
        menu = re.search(
            r'class="nav nav-pills[^"]*subnav"(.*?)</nav>', page.content.decode(), re.S
        )
        assert menu is not None
        for href in re.findall(r'href="([^"]+)"', menu.group(1)):
            assert client.get(href).status_code == 200, (user.username, href)


def test_the_supplies_section_is_in_the_menu_of_those_who_may_open_it(world: World, client):
    cases = [(world.a.logistics, True), (world.a.street_officer, True),
             (world.a.grid_worker_local, False), (world.a.epidemiologist, False)]  # fmt: skip
    for user, shown in cases:
        client.force_login(user)
        home = client.get(reverse("home")).content.decode()
        assert (reverse("supplies:index") in home) is shown, user.username


def test_the_lists_take_a_few_queries_however_many_rows(
    world: World, login, django_assert_max_num_queries
):
    from fangkong.supplies import services_donations

    street, mask = stocked(world, 100)
    services.threshold_set(actor=world.a.logistics, store=street, item=mask, threshold=500)
    for n in range(6):
        other = store(world, unit=world.a.community, name=f"物资点{n}")
        services.stock_receive(actor=world.a.logistics, store=other, item=mask, quantity=1)
        wanted = [services_requests.Wanted(mask, 10),
                  services_requests.Wanted(item(world, f"物资{n}"), 1)]  # fmt: skip
        services_requests.request_create(
            actor=world.a.community_officer, unit=world.a.community, lines=wanted, submit=True
        )
        services_donations.donation_receive(
            actor=world.a.logistics, kind="goods", donor_kind="company", donor_name=f"公司{n}",
            store=street, lines=[services_donations.Line(mask, 10, Decimal(n))],
        )  # fmt: skip
    client = login(world.a.logistics)
    for name in ("supplies:alerts", "supplies:requests", "supplies:donations", "supplies:items"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
