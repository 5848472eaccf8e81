"""The demo's supplies: the district's reserve, the demo street's and community's stores, the
items of 2020, a fortnight of purchases, donations, transfers down the tree and daily
issues (the community's to its grids), through the services, in the order they happened.

At the end the community is low on N95 masks (the one low-stock alert) and has asked its
street for more (the one request waiting for approval).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from fangkong.accounts.models import Assignment, User
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.supplies import services, services_donations, services_requests
from fangkong.supplies.models import Item, StockMove, Store
from fangkong.supplies.services_donations import Line

# name, unit of measure, category, low-stock threshold
ITEMS = [
    ("N95口罩", "只", "mask", 200),
    ("医用外科口罩", "只", "mask", 1000),
    ("医用防护服", "套", "suit", 20),
    ("护目镜", "副", "goggles", 10),
    ("一次性医用手套", "副", "gloves", 100),
    ("84消毒液", "升", "disinfectant", 50),
    ("红外体温枪", "个", "thermometer", 2),
]
PURCHASE = [3000, 20000, 400, 300, 2000, 800, 40]
TO_STREET = [1500, 8000, 120, 100, 800, 400, 10]
TO_COMMUNITY = [500, 5000, 60, 40, 300, 200, 4]
# Per day: (item index, lowest, highest) handed out.
STREET_DAILY = [(0, 40, 80), (1, 300, 500), (4, 10, 25), (5, 5, 12)]
COMMUNITY_DAILY = [(0, 25, 35), (1, 150, 250), (2, 1, 2), (5, 4, 8)]


def _unit_of(username: str, level: str, parent: OrgUnit) -> OrgUnit | None:
    assignment = Assignment.objects.filter(user__username=username).select_related("unit").first()
    if assignment is not None and assignment.unit.path.startswith(parent.path):
        return assignment.unit
    return OrgUnit.objects.in_subtree(parent.path).filter(level=level).order_by("path").first()


def load_supplies(
    district: OrgUnit, *, seed: int = 2020, actor: User | None = None,
    officer: User | None = None,
) -> int:  # fmt: skip
    """Returns the number of ledger moves written. ``actor`` runs the stores (the demo's
    ``logistics``), ``officer`` asks for more masks (the demo's ``community``)."""
    rng = random.Random(f"{seed}:supplies")
    actor = actor or User.objects.filter(username="logistics").first()
    officer = officer or User.objects.filter(username="community").first()
    if actor is None or officer is None:
        return 0
    street = _unit_of("street", Level.STREET, district)
    community = Assignment.objects.filter(user=officer).select_related("unit").first()
    if street is None or community is None:
        return 0
    community_unit = community.unit
    grids = list(OrgUnit.objects.filter(parent=community_unit).order_by("path")[:4])
    items = []
    for name, measure, category, threshold in ITEMS:
        found = Item.objects.filter(name=name).first()
        items.append(found or services.item_create(
            actor=actor, name=name, measure=measure, category=category, low_threshold=threshold,
        ))  # fmt: skip
    reserve = services.store_create(
        actor=actor, unit=district, name=f"{district.name}防疫物资储备库", keeper="刘建国",
        address="工业南路 59 号",
    )  # fmt: skip
    station = services.store_create(
        actor=actor, unit=street, name=f"{street.name}物资站", keeper="孙丽"
    )
    point = services.store_create(
        actor=actor, unit=community_unit, name=f"{community_unit.name}物资点", keeper="赵敏"
    )
    now = timezone.now()
    today = timezone.localdate()
    zone = timezone.get_current_timezone()

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime | None:
        moment = datetime.combine(today - timedelta(days=days_ago), time(hour, minute), zone)
        return moment if moment <= now else None

    def send(source: Store, target: Store, amounts: list[int], when: datetime | None) -> None:
        for what, quantity in zip(items, amounts, strict=True):
            services.stock_transfer(
                actor=actor, source=source, target=target, item=what, quantity=quantity, at=when,
                note="调拨",
            )  # fmt: skip

    for what, quantity in zip(items, PURCHASE, strict=True):
        services.stock_receive(
            actor=actor, store=reserve, item=what, quantity=quantity, at=at(14, 9),
            note="区政府集中采购",
        )  # fmt: skip
    services_donations.donation_receive(
        actor=actor, kind="goods", donor_kind="company", donor_name="齐鲁制药有限公司",
        donor_phone="0531-88886666", store=reserve, received_on=today - timedelta(days=13),
        lines=[Line(items[0], 2000, Decimal("16000")), Line(items[2], 100, Decimal("15000"))],
        at=at(13, 10),
    )  # fmt: skip
    send(reserve, station, TO_STREET, at(13, 14))
    send(station, point, TO_COMMUNITY, at(12, 10))
    for days_ago in range(12, -1, -1):
        if days_ago == 9:
            _cash(actor, district, today - timedelta(days=9))
        if days_ago == 7:
            services_donations.donation_receive(
                actor=actor, kind="goods", donor_kind="person", donor_name="张女士",
                donor_phone="13905318888", store=station, received_on=today - timedelta(days=7),
                lines=[Line(items[5], 50, Decimal("600"))], at=at(7, 9, 30),
            )  # fmt: skip
        if days_ago == 6:
            for what, quantity in ((items[0], 1000), (items[1], 5000)):
                services.stock_transfer(
                    actor=actor, source=reserve, target=station, item=what, quantity=quantity,
                    at=at(6, 15), note="补充调拨",
                )  # fmt: skip
        _day(actor, rng, items, station, point, grids, days_ago, at)
    services_requests.request_create(
        actor=officer, unit=community_unit, submit=True,
        lines=[services_requests.Wanted(items[0], 300), services_requests.Wanted(items[1], 2000)],
        reason="12名网格员和3个卡口一周用量",
    )  # fmt: skip
    return StockMove.objects.filter(store__in=[reserve, station, point]).count()


def _cash(actor: User, district: OrgUnit, day: object) -> None:
    for kind, name, phone, amount in (
        ("company", "历下区爱心企业联合会", "", Decimal("50000")),
        ("person", "王先生", "13805310000", Decimal("2000")),
    ):
        services_donations.donation_receive(
            actor=actor, kind="cash", donor_kind=kind, donor_name=name, donor_phone=phone,
            unit=district, amount=amount, received_on=day,  # type: ignore[arg-type]
        )  # fmt: skip


def _day(
    actor: User, rng: random.Random, items: list[Item], station: Store, point: Store,
    grids: list[OrgUnit], days_ago: int, at,  # type: ignore[no-untyped-def]
) -> None:  # fmt: skip
    """One day's issues: the street's to the checkpoints, the community's to its grids."""
    for index, low, high in STREET_DAILY:
        when = at(days_ago, 8, rng.randint(0, 59))
        if when is not None:
            services.stock_issue(
                actor=actor, store=station, item=items[index], quantity=rng.randint(low, high),
                recipient="卡口执勤人员", at=when,
            )  # fmt: skip
    for index, low, high in COMMUNITY_DAILY:
        when = at(days_ago, 9, rng.randint(0, 59))
        if when is None:
            continue
        grid = grids[rng.randrange(len(grids))] if grids else None
        services.stock_issue(
            actor=actor, store=point, item=items[index], quantity=rng.randint(low, high),
            to_unit=grid, recipient=f"{grid.name}网格员" if grid else "社区工作人员", at=when,
        )  # fmt: skip
