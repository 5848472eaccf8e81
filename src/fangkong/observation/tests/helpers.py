"""Persons, sites and observations for the tests, built through the services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from fangkong.core.testing import World
from fangkong.observation import services, services_sites
from fangkong.observation.models import Observation, Room, Site
from fangkong.people import services as people
from fangkong.people.models import Person
from fangkong.people.testing import unique_resident_id


def person(world: World, name: str = "王芳", unit: Any = None) -> Person:
    return people.person_create(
        actor=world.a.commander, full_name=name, unit=unit or world.a.grid,
        id_type="resident", id_number=unique_resident_id(),
    )  # fmt: skip


def team(actor_name: str = "李网格") -> list[services.Member]:
    return [
        services.Member("grid_worker", actor_name, "13900000001", lead=True),
        services.Member("doctor", "赵医生", "13900000002"),
    ]


def observe(
    world: World,
    who: Person | None = None,
    *,
    actor: Any = None,
    exposure_days_ago: int = 3,
    **values: Any,
) -> Observation:
    values.setdefault("kind", "home")
    values.setdefault("reason", "close_contact")
    values.setdefault("team", team())
    values.setdefault("last_exposure", timezone.localdate() - timedelta(days=exposure_days_ago))
    return services.observation_start(
        actor=actor or world.a.commander, person=who or person(world), **values
    )


def site(world: World, name: str = "如家酒店隔离点", rooms: str = "101-105", beds: int = 1,
         unit: Any = None) -> Site:  # fmt: skip
    made = services_sites.site_create(
        actor=world.a.commander, unit=unit or world.a.district, name=name, kind="hotel"
    )
    services_sites.rooms_add(actor=world.a.commander, site=made, numbers=rooms, beds=beds)
    return made


def room(at: Site, number: str) -> Room:
    return at.rooms.get(number=number)


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
