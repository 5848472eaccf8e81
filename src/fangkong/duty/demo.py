"""The demo's duty: the highway checkpoint's post, a party-member vanguard post at the
gates of two communities, the command's 24-hour duty desk and the duty hotline; a
register of the people who stand them; a week of shifts around today (night shifts
crossing midnight) with deliberate gaps and one double booking; and the check-ins of the
shifts that have begun, one of them late and one no-show. All through the services."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.checkpoints.models import Checkpoint
from fangkong.duty import services
from fangkong.duty.models import DutyAssignment, DutyPerson, Post, Shift
from fangkong.orgunits.models import OrgUnit

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红志海燕文斌"
# (start hour, hours, people) of each post's daily shifts.
Template = list[tuple[int, int, int]]
CHECKPOINT: Template = [(0, 8, 2), (8, 8, 3), (16, 8, 3)]
VANGUARD: Template = [(7, 7, 2), (14, 7, 2)]
DESK: Template = [(8, 12, 2), (20, 12, 2)]
HOTLINE: Template = [(8, 14, 2), (22, 10, 1)]
DAYS = range(-3, 4)  # a week around today


def _user(name: str) -> User | None:
    return User.objects.filter(username=name).first()


def _unit(user: User | None, fallback: OrgUnit) -> OrgUnit:
    found = user.assignments.select_related("unit").first() if user is not None else None
    return found.unit if found is not None else fallback


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set[str]()

    def __call__(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choices(GIVEN, k=self.rng.choice((1, 2)))
            )
            if name not in self.used:
                self.used.add(name)
                return name


def load_duty(district: OrgUnit, *, seed: int = 2020) -> int:
    """Returns the number of assignments made."""
    rng = random.Random(f"{seed}:duty")
    commander = _user("commander")
    if commander is None:
        return 0
    community = _unit(_user("community"), district)
    street = community.parent or district
    neighbour = (
        OrgUnit.objects.filter(parent=street).exclude(pk=community.pk).order_by("path").first()
        or community
    )
    town = _unit(_user("checkpoint"), street)
    checkpoint = Checkpoint.objects.filter(unit=town).order_by("pk").first()
    names = _Names(rng)

    def person(unit: OrgUnit, kind: str, skills: list[str]) -> DutyPerson:
        return services.person_create(
            actor=commander, unit=unit, name=names(), kind=kind, skills=skills,
            phone=f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}",
        )  # fmt: skip

    def make(unit: OrgUnit, name: str, kind: str, staffing: str, **extra: Any) -> Post:
        return services.post_create(
            actor=commander, unit=unit, name=name, kind=kind,
            staffing=services.parse_staffing(staffing), **extra,
        )  # fmt: skip

    Lead = tuple[str, list[str]]

    def pools(template: Template, unit: OrgUnit, lead: Lead, rest: Lead) -> list[list[DutyPerson]]:
        """Each shift of the day its own people (so that nobody is on two at once): the
        first of each shift as ``lead`` says, the others as ``rest``."""
        return [[person(unit, *(lead if k == 0 else rest)) for k in range(n)]
                for (_s, _h, n) in template]  # fmt: skip

    plans: list[tuple[Post, Template, list[list[DutyPerson]]]] = []
    label = f"{checkpoint.name}值守岗" if checkpoint else f"{town.name}卡口值守岗"
    gate = make(town, label, "checkpoint", "0-8:2, 8-20:3, 20-24:2", checkpoint=checkpoint)
    plans.append((gate, CHECKPOINT, pools(CHECKPOINT, town, ("staff", ["temperature", "driving"]),
                                          ("volunteer", ["temperature"]))))  # fmt: skip
    grid_user = _user("grid")
    for n, unit in enumerate(dict.fromkeys([community, neighbour])):
        where = f"{unit.name}{'东门' if n == 0 else '北门'}"
        post = make(unit, f"{where}党员先锋岗", "vanguard", "7-21:2", place=where)
        people = pools(VANGUARD, unit, ("party_member", ["temperature", "dialect"]),
                       ("party_member", ["temperature"]))  # fmt: skip
        if n == 0 and grid_user is not None:
            # The grid worker stands the morning gate too, and checks in from the phone.
            services.person_update(actor=commander, person=people[0][0], user=grid_user.username,
                                   name=grid_user.full_name or people[0][0].name)  # fmt: skip
        plans.append((post, VANGUARD, people))
    desk = make(district, "指挥部24小时值班值守", "desk", "0-24:2", place="区疫情防控指挥部")
    plans.append((desk, DESK, pools(DESK, district, ("staff", ["phone"]), ("staff", ["phone"]))))
    hotline = make(district, "疫情防控值班电话", "hotline", "0-8:1, 8-22:2, 22-24:1")
    plans.append((hotline, HOTLINE, pools(HOTLINE, district, ("staff", ["phone"]),
                                          ("volunteer", ["phone", "dialect"]))))  # fmt: skip
    for _extra in range(3):  # on the register, on no shift yet
        person(district, "volunteer", rng.choice([["driving"], ["medical"], ["interpreting"]]))

    today = timezone.localdate()
    second_gate = plans[2][0] if len(plans) == 5 else None
    # Deliberate gaps: today's night and evening at the checkpoint one short, tomorrow's day
    # shift there one short (so that the next 24 hours hold a gap at any hour), and the
    # second gate's afternoons tomorrow and the day after with nobody.
    short = {(gate.pk, 0, 0, 1), (gate.pk, 0, 2, 2), (gate.pk, 1, 1, 2)}
    if second_gate is not None:
        short |= {(second_gate.pk, d, 1, k) for d in (1, 2) for k in range(2)}
    made = 0
    for post, template, people in plans:
        for offset in (-4, *DAYS):
            day = today + timedelta(days=offset)
            for slot, (start, hours, _n) in enumerate(template):
                if offset == -4 and start + hours <= 24:
                    continue  # the day before the week: only its night shift reaches into it
                if post.pk == hotline.pk and offset == 2 and slot == 1:
                    continue  # the hotline's night two days on is not planned yet
                (shift,) = services.shift_create(
                    actor=commander, post=post, starts_at=_at(day, start),
                    ends_at=_at(day, start) + timedelta(hours=hours),
                )  # fmt: skip
                for k, who in enumerate(people[slot]):
                    if (post.pk, offset, slot, k) not in short:
                        services.assign(actor=commander, shift=shift, person=who)
                        made += 1
    # The one double booking: a desk officer also put on tomorrow's hotline day shift.
    tomorrow = today + timedelta(days=1)
    both = Shift.objects.get(post=hotline, starts_at=_at(tomorrow, 8))
    services.assign(actor=commander, shift=both, person=plans[-2][2][0][0], overlap_ok=True)
    _check_ins(commander, rng)
    return made + 1


def _check_ins(commander: User, rng: random.Random) -> None:
    """Everyone on a shift that has begun checked in (and out, once it ended), a few
    minutes early; one late, and one no-show today if a shift began long enough ago."""
    now = timezone.now()
    today = timezone.localdate()
    begun = list(
        DutyAssignment.objects.filter(starts_at__lte=now - timedelta(minutes=5))
        .select_related("person")
        .order_by("starts_at", "id")
    )
    today_ones = [
        a for a in begun
        if timezone.localdate(a.starts_at) == today and a.starts_at <= now - timedelta(minutes=40)
    ]  # fmt: skip
    no_show = today_ones[-1].pk if today_ones else None
    late = today_ones[0].pk if len(today_ones) > 1 else None
    for a in begun:
        if a.pk == no_show:
            continue
        came = a.starts_at + (timedelta(minutes=25) if a.pk == late
                              else -timedelta(minutes=rng.randint(2, 12)))  # fmt: skip
        who = a.person.user or commander
        services.check_in(actor=who, assignment=a, now=min(came, now))
        if a.ends_at < now:
            services.check_out(
                actor=who, assignment=a, now=a.ends_at + timedelta(minutes=rng.randint(1, 9))
            )
