"""Kept counts: a slow count is kept for every worker, shown while fresh, shown while a
background recount runs when it ages, and counted in the request when it is too old."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from fangkong.core import kept, tasks
from fangkong.core.tasks import recount
from fangkong.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

DAY = date(2026, 2, 3)
CALLS: list[tuple[int, date]] = []


@kept.counter
def tally(unit: OrgUnit, day: date) -> dict[str, int]:
    """A stand-in count: how often it ran, for this unit and day."""
    CALLS.append((unit.pk, day))
    return {"n": len(CALLS)}


class Queue:
    """Stands for the task: what is queued goes to ``put``, and nothing runs."""

    def __init__(self, put: Callable[[tuple[object, ...]], object]) -> None:
        self.put = put

    def enqueue(self, *args: object) -> None:
        self.put(args)


def not_marked(unit: OrgUnit, day: date) -> int:
    return 0


@pytest.fixture(autouse=True)
def _fresh(settings):  # type: ignore[no-untyped-def]
    CALLS.clear()
    caches[kept.CACHE].clear()
    settings.FANGKONG_KEEP_SLOWER_THAN = -1.0  # every count is slow
    yield
    caches[kept.CACHE].clear()


def _age_copy(unit: OrgUnit, day: date, seconds: float) -> None:
    """Make the kept copy ``seconds`` old."""
    cache = caches[kept.CACHE]
    k = kept.key(tally, unit, day)
    _at, value = cache.get(k)
    cache.set(k, (timezone.now() - timedelta(seconds=seconds), value), kept.STALE)


def test_a_slow_count_is_kept_and_shown_with_the_moment_it_was_counted(world):
    first, at = kept.get(tally, world.a.district, DAY)
    again, at_again = kept.get(tally, world.a.district, DAY)
    assert first == again == {"n": 1} and at_again == at
    assert [(world.a.district.pk, DAY)] == CALLS
    # Another unit, another day: counted on their own.
    kept.get(tally, world.a.street, DAY)
    kept.get(tally, world.a.district, DAY - timedelta(days=1))
    assert len(CALLS) == 3


def test_a_fast_count_is_never_kept(world, settings):
    settings.FANGKONG_KEEP_SLOWER_THAN = 10.0
    kept.get(tally, world.a.district, DAY)
    kept.get(tally, world.a.district, DAY)
    assert len(CALLS) == 2
    settings.FANGKONG_KEEP_SLOWER_THAN = None  # keeping turned off
    kept.get(tally, world.a.district, DAY)
    assert len(CALLS) == 3


def test_an_aging_copy_is_shown_while_the_background_recounts_it_once(world, monkeypatch):
    kept.get(tally, world.a.district, DAY)
    _age_copy(world.a.district, DAY, kept.FRESH + 1)
    queued: list[tuple[object, ...]] = []
    monkeypatch.setattr(tasks, "recount", Queue(queued.append))
    shown, at = kept.get(tally, world.a.district, DAY)
    assert shown == {"n": 1} and len(CALLS) == 1  # the viewer did not wait
    assert timezone.now() - at > timedelta(seconds=kept.FRESH)
    kept.get(tally, world.a.district, DAY)
    assert queued == [(f"{__name__}.tally", world.a.district.pk, DAY.isoformat())]  # once
    # The background task counts it again and keeps it; the next viewer has it fresh.
    name, unit_id, day = queued[0]
    assert recount.call(str(name), int(str(unit_id)), str(day)) is True
    shown, at = kept.get(tally, world.a.district, DAY)
    assert shown == {"n": 2} and timezone.now() - at < timedelta(seconds=kept.FRESH)
    # Once it has run, the copy may be recounted again when it ages again.
    _age_copy(world.a.district, DAY, kept.FRESH + 1)
    kept.get(tally, world.a.district, DAY)
    assert len(queued) == 2


def test_the_background_worker_runs_the_recount(world):
    """With the test settings' immediate task backend, the recount runs as it is queued."""
    kept.get(tally, world.a.district, DAY)
    _age_copy(world.a.district, DAY, kept.FRESH + 1)
    shown, _at = kept.get(tally, world.a.district, DAY)
    assert shown == {"n": 1} and len(CALLS) == 2  # shown the old one, recounted behind it
    assert kept.get(tally, world.a.district, DAY)[0] == {"n": 2}


def test_a_copy_too_old_is_counted_again_in_the_request(world, monkeypatch):
    kept.get(tally, world.a.district, DAY)
    _age_copy(world.a.district, DAY, kept.STALE + 1)
    monkeypatch.setattr(tasks, "recount", Queue(lambda args: pytest.fail("not here")))
    shown, at = kept.get(tally, world.a.district, DAY)
    assert shown == {"n": 2} and timezone.now() - at < timedelta(seconds=5)


def test_a_recount_queued_twice_counts_once(world):
    kept.get(tally, world.a.district, DAY)
    args = (f"{__name__}.tally", world.a.district.pk, DAY.isoformat())
    assert recount.call(*args) is False  # still fresh: nothing to do
    _age_copy(world.a.district, DAY, kept.FRESH + 1)
    assert recount.call(*args) is True
    assert recount.call(*args) is False
    assert len(CALLS) == 2


def test_a_moved_unit_or_a_removed_one_is_not_read_from_an_old_copy(world):
    unit = world.a.grid
    kept.get(tally, unit, DAY)
    before = kept.key(tally, unit, DAY)
    unit.path = unit.path[:-4] + "9999"
    assert kept.key(tally, unit, DAY) != before
    gone = OrgUnit.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]
    assert kept.recount_now(f"{__name__}.tally", gone, DAY) is False


def test_only_marked_counts_are_kept_or_recounted_by_name(world):
    with pytest.raises(ValueError):
        kept.get(not_marked, world.a.district, DAY)
    with pytest.raises(ValueError):
        kept.recount_now(f"{__name__}.not_marked", world.a.district.pk, DAY)
    with pytest.raises(ValueError):
        kept.recount_now("os.system", world.a.district.pk, DAY)
