"""Places and venues for the tests, made through the services."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.utils import timezone

from fangkong.core.testing import World
from fangkong.places import services
from fangkong.places.models import Place, Venue

CONTACT, PHONE = "张经理", "13912345678"
BASIS = "区指挥部通告〔2020〕3号"


def local(day: Any, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def _district(world: World, unit: Any) -> Any:
    return (
        world.b
        if unit is not None and unit.scope_path.startswith(world.b.district.path)
        else world.a
    )


def place(world: World, unit: Any = None, **values: Any) -> Place:
    values.setdefault("name", "翰林小区公厕")
    values.setdefault("kind", "toilet")
    values.setdefault("times_per_day", 2)
    values.setdefault("day_start", time(7))
    values.setdefault("day_end", time(19))
    return services.place_create(
        actor=_district(world, unit).commander, unit=unit or world.a.grid, **values
    )


def venue(world: World, unit: Any = None, **values: Any) -> Venue:
    values.setdefault("name", "好运来KTV")
    values.setdefault("kind", "ktv")
    values.setdefault("contact_name", CONTACT)
    values.setdefault("contact_phone", PHONE)
    return services.venue_create(
        actor=_district(world, unit).commander, unit=unit or world.a.grid, **values
    )


def logged(world: World, where: Place, at: datetime, now: datetime | None = None) -> Any:
    return services.disinfection_log(
        actor=_district(world, where).logistics,
        place=where,
        disinfectant="含氯消毒液",
        concentration="500mg/L",
        at=at,
        now=now or at,
    )
