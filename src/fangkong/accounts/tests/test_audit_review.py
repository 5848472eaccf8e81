"""The audit review counts reveals and exports per user in the period, marks what stands
out, stays in the reviewer's scope, and its CSV download is itself audited."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from fangkong.accounts import audit
from fangkong.accounts.models import AuditEntry
from fangkong.accounts.review import DAILY_REVEALS, review

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _at(day_offset: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(TODAY - timedelta(days=day_offset), time(hour)))


def _reveal(actor, target, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """A reveal written at ``at`` (the log is append-only: made so, never moved)."""
    AuditEntry.objects.create(
        at=at, actor=actor, actor_name=actor.username, action=audit.Action.REVEAL,
        target_type="orgunits.orgunit", target_id=str(target.pk), target_repr=str(target),
        org_path=target.path, changes={"field": "phone"},
    )  # fmt: skip


def test_counts_and_marks(world) -> None:  # type: ignore[no-untyped-def]
    worker, officer = world.a.grid_worker_local, world.a.officer
    for n in range(DAILY_REVEALS + 1):
        _reveal(worker, world.a.grid if n % 2 else world.a.grid2, _at(1, 10))
    _reveal(officer, world.a.grid, _at(2, 23))  # at night
    _reveal(officer, world.a.grid, _at(20, 10))  # before the period
    audit.record(actor=officer, action=audit.Action.EXPORT, changes={"full_numbers": True})

    result = review(AuditEntry.objects.all(), TODAY - timedelta(days=6), TODAY)
    rows = {r.actor_name: r for r in result.rows}
    w, o = rows[worker.username], rows[officer.username]
    assert (w.reveals, w.records, w.night, w.busiest) == (
        DAILY_REVEALS + 1,
        2,
        0,
        DAILY_REVEALS + 1,
    )
    assert w.flagged and str(DAILY_REVEALS + 1) in w.reasons[0]
    assert (o.reveals, o.night, o.exports, o.full_exports) == (1, 1, 1, 1)
    assert len(o.reasons) == 2
    assert result.reveals == DAILY_REVEALS + 2


def test_an_ordinary_day_is_not_marked(world) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        _reveal(world.a.grid_worker_local, world.a.grid, _at(0, 9))
    (row,) = review(AuditEntry.objects.all(), TODAY, TODAY).rows
    assert not row.flagged


def test_the_page_is_scoped_and_the_csv_audited(world, login) -> None:  # type: ignore[no-untyped-def]
    _reveal(world.a.grid_worker_local, world.a.grid, _at(0, 9))
    _reveal(world.b.grid_worker_local, world.b.grid, _at(0, 9))
    client = login(world.a.commander)
    page = client.get("/audit/review/")
    assert page.status_code == 200
    names = [r.actor_name for r in page.context["result"].rows]
    assert world.a.grid_worker_local.username in names
    assert world.b.grid_worker_local.username not in names
    day = TODAY.isoformat()
    got = client.get("/audit/review/", {"start": day, "end": day, "format": "csv"})
    assert got["Content-Type"].startswith("text/csv")
    assert world.a.grid_worker_local.username in got.content.decode("utf-8-sig")
    assert AuditEntry.objects.filter(
        action=audit.Action.EXPORT, actor=world.a.commander, changes__has_key="audit_review"
    ).exists()


def test_a_bad_period_says_why(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.a.commander)
    page = client.get("/audit/review/", {"start": "2020-02-10", "end": "2020-02-01"})
    assert page.status_code == 200 and page.context["result"] is None
    assert page.context["form"].non_field_errors()
    assert login(world.a.grid_worker_local).get("/audit/review/").status_code == 403
