"""Two beds, eight people sent at the same moment: the room takes two, and the other six
are told it is full (a ValidationError the form shows), never a server error.

A real race on PostgreSQL: each thread has its own connection and transaction, and a
barrier lets them go at once. ``services._take_room`` locks the room row before it
counts; without that lock every thread reads "0 of 2" and the database's
``room_not_above_capacity`` check ends the extra ones with an IntegrityError (a 500).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from fangkong.accounts.models import User
from fangkong.core.testing import World
from fangkong.observation import services
from fangkong.observation.models import OPEN_STATES, Observation, Room
from fangkong.observation.tests.helpers import days_ago, observe, person, room, site, team

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writer at a time: the race needs PostgreSQL's row locks",
    ),
]

THREADS = 8
BEDS = 2
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏")


def _race(calls: list[Callable[[], Any]]) -> list[str]:
    """Run each call in its own thread and connection, all at once; say how each ended:
    "ok", "full" (the ValidationError that names a full room) or the unexpected error."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=30)
                try:
                    call()
                except ValidationError as error:
                    text = " ".join(error.messages)
                    outcomes[index] = "full" if "full" in text else f"ValidationError: {text}"
                except Exception as error:
                    outcomes[index] = f"{type(error).__name__}: {error}"
                else:
                    outcomes[index] = "ok"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _check(outcomes: list[str], taken: Room) -> None:
    assert sorted(outcomes) == ["full"] * (THREADS - BEDS) + ["ok"] * BEDS, outcomes
    taken.refresh_from_db()
    in_room = Observation.objects.filter(room=taken, state__in=OPEN_STATES).count()
    assert taken.occupied == BEDS == in_room


def test_eight_people_started_at_once_into_a_room_of_two_beds(world: World):
    at = site(world, rooms="101", beds=BEDS)
    people = [person(world, name) for name in NAMES]
    actor_pk, room_pk, exposure = world.a.commander.pk, room(at, "101").pk, days_ago(2)

    def start(who):  # type: ignore[no-untyped-def]
        # Everything a thread needs is loaded before the barrier, on its own objects.
        actor, target = User.objects.get(pk=actor_pk), Room.objects.get(pk=room_pk)
        site_ = target.site
        return lambda: services.observation_start(
            actor=actor, person=who, kind="centralized", reason="close_contact",
            last_exposure=exposure, team=team(), site=site_, room=target,
        )  # fmt: skip

    calls = [start(who) for who in people]
    _check(_race(calls), Room.objects.get(pk=room_pk))
    assert Observation.objects.filter(kind="centralized").count() == BEDS


def test_eight_people_moved_from_home_at_once_into_a_room_of_two_beds(world: World):
    at = site(world, rooms="101", beds=BEDS)
    at_home = [observe(world, person(world, name)) for name in NAMES]
    actor_pk, room_pk = world.a.commander.pk, room(at, "101").pk

    def move(observation):  # type: ignore[no-untyped-def]
        actor, target = User.objects.get(pk=actor_pk), Room.objects.get(pk=room_pk)
        site_ = target.site
        return lambda: services.observation_move(
            actor=actor, observation=observation, kind="centralized", site=site_, room=target
        )

    calls = [move(o) for o in at_home]
    _check(_race(calls), Room.objects.get(pk=room_pk))
    assert Observation.objects.filter(kind="home").count() == THREADS - BEDS
