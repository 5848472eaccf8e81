"""The demo's places: about thirty public places in the demo street's first communities
(the grid worker's grid among them), disinfected on their plans for the last three days
and today up to now, with some windows missed and three places overdue now; and twenty
venues with the orders of January 2020 (entertainment closed, markets restricted, some
reopened), and inspections: one closed KTV found open, its follow-up past due.

Everything goes through the services, so that each mask and audit entry is one a real
log would have made."""

from __future__ import annotations

import random
from datetime import time, timedelta

from django.utils import timezone

from fangkong.accounts.models import Assignment, User
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.places import services
from fangkong.places.models import Place

# (kind, name pattern, times a day, first window opens, last window closes)
PLACES = [
    ("toilet", "{c}公厕", 2, time(7), time(19)),
    ("garbage", "{g}垃圾收集点", 2, time(7), time(19)),
    ("elevator", "{g}3号楼电梯", 3, time(7), time(22)),
    ("stairwell", "{g}5号楼楼道", 1, time(8), time(18)),
    ("bus_stop", "{c}公交站", 2, time(6), time(20)),
    ("market", "{c}便民菜市场", 3, time(6), time(18)),
]
DISINFECTANTS = [
    ("含氯消毒液", "500mg/L"),
    ("84消毒液", "1:100"),
    ("75%酒精", "75%"),
    ("过氧乙酸", "0.2%"),
]
AREAS = ["全部", "地面及扶手", "门把手、按钮", "约200㎡"]

# (kind, name, address)
VENUES = [
    ("ktv", "金嗓子KTV", "文化路 12 号"),
    ("ktv", "好乐迪量贩KTV", "解放路 88 号"),
    ("internet_cafe", "极速网咖", "文化路 20 号"),
    ("internet_cafe", "星空网吧", "和平路 3 号"),
    ("cinema", "万达影城", "万达广场 4 层"),
    ("gym", "力美健身", "和平路 56 号"),
    ("bath", "金海洗浴中心", "工业南路 9 号"),
    ("scenic", "千佛山景区", "经十一路 18 号"),
    ("religious", "兴国禅寺", "千佛山内"),
    ("hotel", "如家酒店（解放路店）", "解放路 102 号"),
    ("restaurant", "老济南把子肉", "东关大街 7 号"),
    ("restaurant", "鲁菜馆", "文化西路 66 号"),
    ("restaurant", "东关清真饭店", "东关大街 30 号"),
    ("market", "七里河农贸市场", "七里河路"),
    ("market", "东关菜市场", "东关大街 1 号"),
    ("supermarket", "万家福超市", "和平路 10 号"),
    ("supermarket", "银座超市（东关店）", "东关大街 50 号"),
    ("supermarket", "华联超市", "文化路 2 号"),
    ("other", "老年活动中心", "翰林小区内"),
    ("gym", "阳光游泳馆", "体育中心"),
]
CLOSE_BASIS = "区指挥部通告〔2020〕1号"
RESTRICT_BASIS = "区指挥部通告〔2020〕2号"
REOPEN_BASIS = "区指挥部通告〔2020〕5号"
MARKET_RULES = "限流50%，入口扫码测温，佩戴口罩，禁止活禽宰杀"
SHOP_RULES = "限流30人，入口测温登记，每日消毒两次"


def _user(name: str) -> User | None:
    return User.objects.filter(username=name).first()


def _units(district: OrgUnit) -> list[tuple[OrgUnit, list[OrgUnit]]]:
    """The demo community and two more of its street, each with its first two grids."""
    officer = Assignment.objects.filter(user__username="community").select_related("unit").first()
    first = officer.unit if officer is not None else None
    if first is None or not first.path.startswith(district.path):
        first = (
            OrgUnit.objects.in_subtree(district.path)
            .filter(level__in=[Level.COMMUNITY, Level.VILLAGE])
            .order_by("path")
            .first()
        )
    if first is None or first.parent is None:
        return []
    others = OrgUnit.objects.filter(parent=first.parent).exclude(pk=first.pk).order_by("path")[:2]
    return [
        (c, list(OrgUnit.objects.filter(parent=c).order_by("path")[:2])) for c in [first, *others]
    ]


def load_places(
    district: OrgUnit,
    *,
    seed: int = 2020,
    commander: User | None = None,
    worker: User | None = None,
) -> int:
    """Returns the number of disinfections logged (places and venues come with them).
    ``commander`` runs places and venues (the demo's ``commander``), ``worker`` logs in
    its grid (the demo's ``grid``)."""
    rng = random.Random(f"{seed}:places")
    commander = commander or _user("commander")
    worker = worker or _user("grid")
    if commander is None:
        return 0
    units = _units(district)
    if not units:
        return 0
    places: list[Place] = []
    for community, grids in units:
        for kind, pattern, times, start, end in PLACES:
            for grid in grids if "{g}" in pattern else [community]:
                where = grid if "{g}" in pattern else community
                name = pattern.format(c=community.name, g=f"{community.name}{grid.name}")
                places.append(
                    services.place_create(
                        actor=commander,
                        unit=where,
                        name=name,
                        kind=kind,
                        times_per_day=times,
                        day_start=start,
                        day_end=end,
                        address="",
                    )
                )
    logs = _logs(places, rng, commander, worker)
    _venues(district, units, rng, commander, worker)
    return logs


def _logs(places: list[Place], rng: random.Random, commander: User, worker: User | None) -> int:
    now = timezone.now()
    today = timezone.localdate()
    # Three places left undone since their last window ended: overdue now.
    late = set(rng.sample(range(len(places)), 3))
    made = 0
    for n, place in enumerate(places):
        by = (
            worker if worker is not None and place.org_path.startswith(_path(worker)) else commander
        )
        disinfectant, concentration = DISINFECTANTS[n % len(DISINFECTANTS)]
        for back in (3, 2, 1, 0):
            day = today - timedelta(days=back)
            windows = place.plan.windows(day)
            last_ended = max((k for k, (_s, e) in enumerate(windows) if e <= now), default=-1)
            for k, (start, end) in enumerate(windows):
                if start > now:
                    break
                if rng.random() < 0.1 or (back == 0 and n in late and k >= last_ended):
                    continue  # missed
                span = int((min(end, now) - start).total_seconds())
                if span <= 60:
                    continue
                at = start + timedelta(seconds=rng.randint(30, span - 30))
                services.disinfection_log(
                    actor=by,
                    place=place,
                    at=at,
                    disinfectant=disinfectant,
                    concentration=concentration,
                    area=rng.choice(AREAS),
                    now=now,
                )
                made += 1
    return made


def _path(user: User) -> str:
    found = user.assignments.select_related("unit").first()
    return found.unit.path if found is not None else "~"


def _venues(
    district: OrgUnit,
    units: list[tuple[OrgUnit, list[OrgUnit]]],
    rng: random.Random,
    commander: User,
    worker: User | None,
) -> None:
    now = timezone.now()
    closing = now - timedelta(days=12, hours=3)
    grids = [g for _c, gs in units for g in gs] or [c for c, _gs in units]
    for n, (kind, name, address) in enumerate(VENUES):
        unit = grids[n % len(grids)]
        venue = services.venue_create(
            actor=commander,
            unit=unit,
            kind=kind,
            name=name,
            address=address,
            contact_name=rng.choice(["王经理", "李老板", "赵女士", "刘主任"]),
            contact_phone=f"138{rng.randint(0, 99999999):08d}",
        )
        issue = services.order_issue
        if kind in ("market", "supermarket"):
            rules = MARKET_RULES if kind == "market" else SHOP_RULES
            issue(
                actor=commander,
                venue=venue,
                kind="restricted",
                basis=RESTRICT_BASIS,
                conditions=rules,
                effective_at=closing,
                now=closing,
            )
        elif kind in ("ktv", "internet_cafe", "cinema", "gym", "bath", "scenic", "religious"):
            issue(
                actor=commander,
                venue=venue,
                kind="closed",
                basis=CLOSE_BASIS,
                effective_at=closing,
                now=closing,
            )
            if name in ("千佛山景区", "力美健身"):  # reopened, the scenic spot with limits
                issue(
                    actor=commander,
                    venue=venue,
                    kind="restricted",
                    basis=REOPEN_BASIS,
                    conditions="限流30%，预约入园，测温扫码",
                    effective_at=now - timedelta(days=2),
                    now=now - timedelta(days=2),
                )
            if name == "兴国禅寺":  # reopens tomorrow morning: announced, not in effect yet
                tomorrow = timezone.localtime(now).replace(
                    hour=8, minute=0, second=0, microsecond=0
                ) + timedelta(days=1)
                issue(
                    actor=commander,
                    venue=venue,
                    kind="reopened",
                    basis=REOPEN_BASIS,
                    effective_at=tomorrow,
                    now=now - timedelta(hours=3),
                )
        elif kind == "restaurant":
            issue(
                actor=commander,
                venue=venue,
                kind="restricted",
                basis=RESTRICT_BASIS,
                conditions="暂停堂食，仅限外卖",
                effective_at=closing,
                now=closing,
            )
            if n % 2 == 0:
                issue(
                    actor=commander,
                    venue=venue,
                    kind="reopened",
                    basis=REOPEN_BASIS,
                    effective_at=now - timedelta(days=1),
                    now=now - timedelta(days=1),
                )
        _inspect(venue, n, now, rng, commander, worker)


def _inspect(
    venue,
    n: int,
    now,
    rng: random.Random,
    commander: User,  # type: ignore[no-untyped-def]
    worker: User | None,
) -> None:
    inspector = (
        worker if worker is not None and venue.org_path.startswith(_path(worker)) else commander
    )
    first = now - timedelta(days=5, hours=rng.randint(1, 6))
    today = timezone.localdate()
    if venue.name == "金嗓子KTV":  # the closed KTV found singing at night: the prominent finding
        services.inspection_record(
            actor=inspector,
            venue=venue,
            result="problems",
            found_open=True,
            at=first,
            findings="晚间巡查发现后门营业，包间内有十余人唱歌，未登记、未测温。已责令立即停业。",
            followup_due=today - timedelta(days=2),
            now=first,
        )
        return
    if venue.kind in ("market", "supermarket"):
        inspection = services.inspection_record(
            actor=inspector,
            venue=venue,
            result="problems",
            at=first,
            now=first,
            findings="入口未落实扫码测温，部分摊主未佩戴口罩。",
            followup_due=today - timedelta(days=3) if n % 3 else today + timedelta(days=1),
        )
        if n % 3 == 1:
            services.followup_close(
                actor=inspector,
                inspection=inspection,
                note="复查：已设专人测温登记，摊主均佩戴口罩。",
                now=first + timedelta(days=1),
            )
        return
    if n % 2 == 0:
        services.inspection_record(
            actor=inspector,
            venue=venue,
            result="compliant",
            at=first,
            findings="门已关闭，张贴停业公告。",
            now=first,
        )
