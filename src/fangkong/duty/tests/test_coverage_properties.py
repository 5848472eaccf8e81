"""Coverage and double bookings, whatever the roster: random shifts (crossing midnight,
on quarter hours, some overlapping) with random people at two posts, read through the
selectors, agree with a brute-force count minute by minute and pair by pair."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.core.testing import World
from fangkong.duty import selectors
from fangkong.duty.coverage import Span, overlapping_pairs, staffed
from fangkong.duty.models import DutyAssignment, Post
from fangkong.duty.tests.helpers import at, on, person, post, shift

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)

rosters = st.lists(
    st.tuples(
        st.integers(0, 1),  # post
        st.integers(-8 * 4, 28 * 4),  # start, in quarter hours from the day's midnight
        st.integers(1, 16 * 4),  # length, in quarter hours
        st.sets(st.integers(0, 3), max_size=3),  # people
    ),
    max_size=8,
)
needs = st.lists(st.integers(0, 3), min_size=24, max_size=24)


class _Rollback(Exception):
    pass


def _brute_force(post_id: int, rows: list[tuple[int, int, object, object]], need: list[int]):  # type: ignore[no-untyped-def]
    """Per hour: the fewest distinct people on shift at any minute of it, and whether
    the need is met at every minute."""
    out = []
    for hour in range(24):
        fewest = None
        for minute in range(60):
            moment = at(DAY, hour) + timedelta(minutes=minute)
            here = {p for (post, p, s, e) in rows if post == post_id and s <= moment < e}  # type: ignore[operator]
            fewest = len(here) if fewest is None else min(fewest, len(here))
        out.append((need[hour], fewest, fewest < need[hour]))  # type: ignore[operator]
    return out


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(roster=rosters, need_a=needs, need_b=needs)
def test_coverage_and_double_bookings_match_a_brute_force_count(
    world: World, roster, need_a, need_b
):
    from fangkong.duty import services

    try:
        with transaction.atomic():
            posts = [
                post(world, name="甲岗", staffing=",".join(map(str, need_a))),
                post(world, unit=world.a.grid, name="乙岗", staffing=",".join(map(str, need_b))),
            ]
            people = [person(world, name=f"人{n}") for n in range(4)]
            midnight = at(DAY, 0)
            for p, start, length, who in roster:
                s = midnight + timedelta(minutes=15 * start)
                made = shift(world, posts[p], s, length / 4)
                for k in sorted(who):
                    on(world, made, people[k], overlap_ok=True)
            rows = [
                (a.post_id, a.person_id, a.starts_at, a.ends_at)
                for a in DutyAssignment.objects.all()
            ]
            got = selectors.coverage(list(Post.objects.order_by("pk")), DAY)
            for row, need in zip(got, (need_a, need_b), strict=True):
                brute = _brute_force(row.post.pk, rows, need)  # type: ignore[attr-defined]
                assert [(c.needed, c.staffed, c.gap) for c in row.cells] == brute
                assert row.missing == sum(max(0, n - f) for n, f, _gap in brute)
            # Double bookings: the database's clash flag against every pair.
            spans = [Span(p, who, s, e) for (p, who, s, e) in rows]
            pairs = overlapping_pairs(spans)
            flagged = {i for pair in pairs for i in pair}
            ids = list(DutyAssignment.objects.values_list("pk", flat=True))
            clashing = set(
                DutyAssignment.objects.filter(selectors.clash_q()).values_list("pk", flat=True)
            )
            assert clashing == {ids[i] for i in flagged}
            # Without "assign anyway" every one of those pairs is refused at assignment.
            if pairs:
                _first, j = min(pairs)
                second = DutyAssignment.objects.get(pk=ids[j])
                second.delete()
                with pytest.raises(ValidationError) as refused:
                    services.assign(actor=world.a.commander, shift=second.shift,
                                    person=second.person)  # fmt: skip
                assert services.is_double_booking(refused.value)
            raise _Rollback
    except _Rollback:
        pass


@settings(max_examples=200, deadline=None)
@given(
    spans=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 120), st.integers(1, 120)), max_size=8
    ),
    window=st.tuples(st.integers(0, 100), st.integers(1, 60)),
)
def test_staffed_is_the_fewest_people_at_any_minute(spans, window):
    base = timezone.make_aware(datetime(2026, 1, 1))
    made = [
        Span(1, p, base + timedelta(minutes=s), base + timedelta(minutes=s + n))
        for p, s, n in spans
    ]
    start = base + timedelta(minutes=window[0])
    end = start + timedelta(minutes=window[1])
    brute = min(
        len({s.person for s in made if s.start <= start + timedelta(minutes=m) < s.end})
        for m in range(window[1])
    )
    assert staffed(made, start, end) == brute
