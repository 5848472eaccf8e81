"""A slow count is kept for a minute; a fast one, or one asked for a moment, never."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.dashboard import selectors
from fangkong.dashboard.tests import scenario

pytestmark = pytest.mark.django_db


def _panels(unit):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        data = selectors.panels(unit, timezone.localdate())
    return data, len(queries)


def test_a_slow_count_is_kept_and_read_back_with_the_time_it_was_made(world, settings):
    scenario.build(world)
    settings.FANGKONG_KEEP_SLOWER_THAN = -1.0  # every count is slow
    first, counted = _panels(world.a.district)
    again, kept = _panels(world.a.district)
    assert kept < counted
    assert again["counted_at"] == first["counted_at"]
    assert [(f.code, f.today, f.yesterday) for f in again["figures"]] == [
        (f.code, f.today, f.yesterday) for f in first["figures"]
    ]
    assert [(c.unit, c.live) for c in again["children"]] == [
        (c.unit, c.live) for c in first["children"]
    ]
    # The reports are read afresh every time.
    assert again["reporting"].completeness.levels == first["reporting"].completeness.levels
    # Another unit, and another day, are counted on their own.
    _other, street = _panels(world.a.street)
    assert street == counted


def test_a_fast_count_or_one_for_a_given_moment_is_never_kept(world, settings):
    scenario.build(world)
    _first, counted = _panels(world.a.district)
    _again, again = _panels(world.a.district)
    assert again == counted  # the test settings keep nothing
    settings.FANGKONG_KEEP_SLOWER_THAN = -1.0
    now = timezone.now()
    selectors.panels(world.a.district, timezone.localdate(), now)
    with CaptureQueriesContext(connection) as queries:
        selectors.panels(world.a.district, timezone.localdate(), now)
    assert len(queries) == counted - 1  # counted afresh, without looking for a kept copy
