"""Counts kept for a while, shared by every server worker, recounted in the background.

Some figures are counted from the line lists of a whole subtree: at a city (100,000 units,
10 million persons) that takes a second or more (docs/performance.md). A page must not
make each viewer wait for it. :func:`get` answers with

- a copy kept in the shared cache (the database: every worker sees it, and a restart does
  not lose it) less than ``FRESH`` old: as it is;
- a copy older than that, up to ``STALE``: as it is, while the task :func:`recount`
  counts again in the background (one recount at a time per count), so that the next
  viewer has it fresh;
- no copy, or an older one: counted in the request, and kept when counting took longer
  than ``settings.FANGKONG_KEEP_SLOWER_THAN`` seconds (a small subtree is counted afresh on
  every view; ``None`` keeps nothing, as in the tests).

Every answer comes with the moment it was counted, for the page to show. Nothing depends
on the background worker: without one, a copy is shown for at most ``STALE`` seconds after
it was counted, and then counted again in the request.

A counter is a module-level function ``(unit, day) -> value`` marked with :func:`counter`;
its value must pickle (numbers, dates, dataclasses: no model instances, whose labels and
translations belong to the reader).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.module_loading import import_string

from fangkong.orgunits.models import OrgUnit

CACHE = "kept"  # settings.CACHES: a cache every worker shares
FRESH = 60  # seconds: a copy younger than this is shown without a recount
STALE = 15 * 60  # seconds: a copy is shown at most this long after it was counted
# The number changes with the shape of what is kept, so that a new server never reads an
# older server's copy it cannot understand.
VERSION = 1

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def counter(fn: F) -> F:
    """Mark ``fn`` as a count that may be kept and recounted by name in the background."""
    fn._kept_counter = True  # type: ignore[attr-defined]
    return fn


def _name(fn: Callable[..., Any]) -> str:
    if not getattr(fn, "_kept_counter", False):
        raise ValueError(f"{fn!r} is not marked with kept.counter")
    return f"{fn.__module__}.{fn.__qualname__}"


def key(fn: Callable[..., Any], unit: OrgUnit, day: date) -> str:
    # The moment the unit was made too: an id used again (SQLite after a rollback) is not
    # the same unit; and its path, since a unit moved has another subtree.
    made = unit.created_at.timestamp() if unit.created_at else ""
    return f"fangkong.kept.{VERSION}:{_name(fn)}:{unit.pk}:{made}:{unit.path}:{day.isoformat()}"


def _age(at: datetime) -> float:
    return (timezone.now() - at).total_seconds()


def get(fn: Callable[[OrgUnit, date], T], unit: OrgUnit, day: date) -> tuple[T, datetime]:
    """``fn(unit, day)`` and the moment it was counted: kept, or counted now (above)."""
    cache = caches[CACHE]
    k = key(fn, unit, day)
    found = cache.get(k)
    if found is not None:
        at, value = found
        age = _age(at)
        if age < FRESH:
            return value, at
        if age < STALE:
            if cache.add(k + ":recount", True, FRESH):  # one recount at a time
                from fangkong.core.tasks import recount

                recount.enqueue(_name(fn), unit.pk, day.isoformat())
            return value, at
    return count(fn, unit, day)


def count(
    fn: Callable[[OrgUnit, date], T], unit: OrgUnit, day: date, *, keep: bool = False
) -> tuple[T, datetime]:
    """``fn(unit, day)`` counted now; kept if ``keep`` or if it was slow."""
    slower_than = settings.FANGKONG_KEEP_SLOWER_THAN
    at = timezone.now()
    started = time.monotonic()
    value = fn(unit, day)
    if keep or (slower_than is not None and time.monotonic() - started > slower_than):
        caches[CACHE].set(key(fn, unit, day), (at, value), STALE)
    return value, at


def recount_now(name: str, unit_id: int, day: date) -> bool:
    """The background recount: count ``name`` for the unit and day and keep it, unless a
    copy younger than ``FRESH`` is there already (a recount queued twice, or a viewer who
    counted meanwhile). True if it counted."""
    fn = import_string(name)
    if not getattr(fn, "_kept_counter", False):
        raise ValueError(f"{name} is not a kept count")
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        return False  # the unit was removed since
    cache = caches[CACHE]
    k = key(fn, unit, day)
    try:
        found = cache.get(k)
        if found is not None and _age(found[0]) < FRESH:
            return False
        count(fn, unit, day, keep=True)
        return True
    finally:
        cache.delete(k + ":recount")
