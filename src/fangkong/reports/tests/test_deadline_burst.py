"""The deadline burst: 500 grids submit within a few seconds on PostgreSQL, none is lost
and none is stored twice (each thread its own connection, released at once)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.testing import build_world, make_unit
from fangkong.orgunits.models import Level
from fangkong.reports import services
from fangkong.reports.models import DailyReport

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writer at a time: the burst needs concurrent connections",
    ),
]

UNITS = 500
THREADS = 8  # a server worker: 8 threads, a pool of 8 connections (FANGKONG_DB_POOL_SIZE)


def test_five_hundred_grids_submit_at_once_and_every_report_is_kept():
    world = build_world()
    community = world.a.community
    grids = [
        make_unit(community, f"{community.code}{900 + n:03d}", f"突击网格{n}", Level.GRID)
        for n in range(UNITS)
    ]
    actor = User.objects.get(pk=world.a.commander.pk)
    day = timezone.localdate() - timedelta(days=1)
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def run(share: list) -> None:  # type: ignore[type-arg]
        try:
            barrier.wait(timeout=30)
            for index, grid in enumerate(share):
                try:
                    if index % 2:
                        services.report_zero(actor=actor, unit=grid, day=day)
                    else:
                        typed = {i.code: index for i in services.indicators_for(grid)
                                 if not i.computed}  # fmt: skip
                        services.report_submit(actor=actor, unit=grid, day=day, values=typed)
                except Exception as error:
                    errors.append(f"{grid.code}: {type(error).__name__}: {error}")
                finally:
                    # As at the end of a request: the connection goes back to the pool.
                    connection.close()
        finally:
            connection.close()

    shares = [grids[n::THREADS] for n in range(THREADS)]
    threads = [threading.Thread(target=run, args=(share,)) for share in shares]
    started = timezone.now()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    took = (timezone.now() - started).total_seconds()
    print(f"{UNITS} reports by {THREADS} threads in {took:.1f} s")  # shown with -s
    assert not any(t.is_alive() for t in threads) and errors == []
    stored = DailyReport.objects.filter(unit__in=grids, day=day, state="submitted")
    assert stored.count() == UNITS, took
    assert stored.filter(zero=True).count() == sum(len(share) // 2 for share in shares)
    # The totals every submission added to its community, street and district, under
    # contention on the same rows, equal the totals recomputed from the reports.
    from fangkong.reports import totals
    from fangkong.reports.models import ReportTotal

    for unit in (community, world.a.street, world.a.district):
        kept = ReportTotal.objects.get(unit=unit, day=day, level=Level.GRID)
        (again,) = [t for t in totals.computed_rows(unit, [day]) if t.level == Level.GRID]
        assert (kept.reports, kept.zero, kept.values) == (again.reports, again.zero, again.values)
        assert kept.reports == UNITS
