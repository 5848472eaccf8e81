"""Officers at the street and the district press "remind" at the same moment on PostgreSQL:
each overdue unit is reminded once (each thread its own connection)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.testing import build_world
from fangkong.notices.models import Notice, ReportReminder
from fangkong.notices.reminders import remind_missing_reports
from fangkong.orgunits.models import OrgUnit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writer at a time: the race needs concurrent connections",
    ),
]

THREADS = 6


def test_simultaneous_reminders_remind_each_unit_once():
    world = build_world()
    day = timezone.localdate() - timedelta(days=2)
    pairs = [
        (world.a.commander, world.a.district),
        (world.a.street_officer, world.a.street),
        (world.a.community_officer, world.a.community),
    ]
    # Fresh objects for each thread: nothing cached is shared between connections.
    callers = [
        (User.objects.get(pk=u.pk), OrgUnit.objects.get(pk=unit.pk)) for u, unit in pairs * 2
    ]
    barrier = threading.Barrier(THREADS)
    counts: list[int] = []
    errors: list[str] = []

    def run(actor: User, unit: OrgUnit) -> None:
        try:
            barrier.wait(timeout=30)
            counts.append(remind_missing_reports(actor=actor, unit=unit, day=day))
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=caller) for caller in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    reminders = ReportReminder.objects.filter(day=day)
    assert reminders.exists() and all(r.times == 1 for r in reminders)
    per_user = Notice.objects.values_list("recipient_id", "link")
    assert len(per_user) == len(set(per_user)) == sum(counts)
