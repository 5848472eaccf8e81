"""Posts, people and shifts for the tests, made through the services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from fangkong.core.testing import World
from fangkong.duty import services
from fangkong.duty.models import DutyAssignment, DutyPerson, Post, Shift

PHONE = "13912345678"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time on ``day``; hour 24 is the next midnight."""
    extra = timedelta(days=hour // 24)
    return timezone.make_aware(datetime.combine(day + extra, time(hour % 24, minute)))


def post(world: World, unit: Any = None, name: str = "翰林社区东门党员先锋岗",
         staffing: str = "0-24:2", **values: Any) -> Post:  # fmt: skip
    values.setdefault("kind", "vanguard")
    return services.post_create(
        actor=world.a.commander, unit=unit or world.a.community, name=name,
        staffing=services.parse_staffing(staffing), **values,
    )  # fmt: skip


def person(world: World, name: str = "张志愿", unit: Any = None, **values: Any) -> DutyPerson:
    values.setdefault("kind", "volunteer")
    values.setdefault("phone", PHONE)
    return services.person_create(
        actor=world.a.commander, unit=unit or world.a.community, name=name, **values
    )


def shift(world: World, at_post: Post, start: datetime, hours: float) -> Shift:
    (made,) = services.shift_create(
        actor=world.a.commander, post=at_post, starts_at=start,
        ends_at=start + timedelta(hours=hours),
    )  # fmt: skip
    return made


def on(world: World, at_shift: Shift, who: DutyPerson, **values: Any) -> DutyAssignment:
    return services.assign(actor=world.a.commander, shift=at_shift, person=who, **values)
