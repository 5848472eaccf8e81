"""Managers putting the same person on overlapping shifts at the same moment: one of them
wins, every other is refused as a double booking (the person's row is locked while the
overlap is checked). A real race on PostgreSQL, each thread with its own connection."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from fangkong.core.testing import at_once, build_world
from fangkong.duty import services
from fangkong.duty.models import DutyAssignment
from fangkong.duty.tests.helpers import at, person, post, shift

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writer at a time: the race needs PostgreSQL's row locks",
    ),
]

THREADS = 6


def test_the_same_person_on_overlapping_shifts_at_once_is_assigned_once():
    world = build_world()
    day = timezone.localdate()
    gates = [post(world, name=f"岗{n}") for n in range(THREADS)]
    # Each starts half an hour after the one before and lasts 4 hours: all overlap.
    shifts = [
        shift(world, g, at(day, 8) + timedelta(minutes=30 * n), 4) for n, g in enumerate(gates)
    ]
    who = person(world)
    barrier = threading.Barrier(THREADS)
    outcomes = [""] * THREADS

    def run(n: int) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=30)
                try:
                    services.assign(actor=world.a.commander, shift=shifts[n], person=who)
                except ValidationError as error:
                    outcomes[n] = "double" if services.is_double_booking(error) else str(error)
                except Exception as error:  # reported in the assertion below
                    outcomes[n] = f"{type(error).__name__}: {error}"
                else:
                    outcomes[n] = "ok"
        finally:
            connection.close()

    at_once(run, [(n,) for n in range(THREADS)])
    assert sorted(outcomes) == ["double"] * (THREADS - 1) + ["ok"], outcomes
    assert DutyAssignment.objects.filter(person=who).count() == 1
