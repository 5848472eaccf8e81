"""Coverage arithmetic, apart from the database so that it can be checked against a
brute-force count (tests/test_coverage_properties.py).

An hour is covered when, at every moment of it, at least as many distinct people are on
shift at the post as it needs: a hand-over inside the hour is no gap, a half-hour with
nobody is. The same person on two overlapping shifts of one post counts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.utils import timezone

from fangkong.duty.models import HOURS


@dataclass(frozen=True)
class Span:
    """One person's assignment at a post, from ``start`` to ``end`` (end excluded)."""

    post: int
    person: int
    start: datetime
    end: datetime
    clash: bool = False  # the person is on another shift at an overlapping time


def present(spans: Iterable[Span], at: datetime) -> int:
    """Distinct people on shift at the instant ``at``."""
    return len({s.person for s in spans if s.start <= at < s.end})


def staffed(spans: Sequence[Span], start: datetime, end: datetime) -> int:
    """The fewest distinct people on shift at any moment of ``[start, end)``.

    The count only changes where a span starts or ends, so it is enough to look at
    ``start`` and at every such point inside the interval.
    """
    inside = [s for s in spans if s.start < end and s.end > start]
    if not inside:
        return 0
    points = {start}
    for s in inside:
        if start < s.start < end:
            points.add(s.start)
        if start < s.end < end:
            points.add(s.end)
    return min(present(inside, p) for p in points)


def day_bounds(day: date) -> list[datetime]:
    """The 25 hour boundaries of a local calendar day, midnight to midnight."""
    zone = timezone.get_current_timezone()
    bounds = [timezone.make_aware(datetime.combine(day, time(h)), zone) for h in range(HOURS)]
    bounds.append(timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone))
    return bounds


@dataclass(frozen=True)
class Cell:
    """One hour at one post."""

    hour: int
    start: datetime
    needed: int
    staffed: int
    clash: bool = False  # someone counted here is double-booked

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.staffed)

    @property
    def gap(self) -> bool:
        return self.staffed < self.needed


def cells(needed: Sequence[int], spans: Sequence[Span], bounds: Sequence[datetime]) -> list[Cell]:
    """One cell per interval ``bounds[i]..bounds[i+1]``, the need taken from the local hour
    at which the interval starts (so a window may begin at any hour of the day)."""
    out = []
    for start, end in pairwise(bounds):
        hour = timezone.localtime(start).hour
        inside = [s for s in spans if s.start < end and s.end > start]
        out.append(
            Cell(hour, start, needed[hour], staffed(inside, start, end),
                 any(s.clash for s in inside))
        )  # fmt: skip
    return out


@dataclass
class GapRun:
    """Consecutive hours short by the same number of people."""

    start: int
    end: int  # exclusive
    missing: int


def gap_runs(row: Sequence[Cell]) -> list[GapRun]:
    runs: list[GapRun] = []
    for c in row:
        if not c.gap:
            continue
        if runs and runs[-1].end == c.hour and runs[-1].missing == c.missing:
            runs[-1].end = c.hour + 1
        else:
            runs.append(GapRun(c.hour, c.hour + 1, c.missing))
    return runs


@dataclass
class PostDay:
    """A post's 24 hours on one day."""

    post: object
    cells: list[Cell] = field(default_factory=list)

    @property
    def gap_hours(self) -> int:
        return sum(1 for c in self.cells if c.gap)

    @property
    def missing(self) -> int:
        """Person-hours short over the day."""
        return sum(c.missing for c in self.cells)

    @property
    def clashes(self) -> int:
        return sum(1 for c in self.cells if c.clash)

    @property
    def runs(self) -> list[GapRun]:
        return gap_runs(self.cells)


def overlapping_pairs(spans: Sequence[Span]) -> set[tuple[int, int]]:
    """Indexes (i, j), i < j, of spans of the same person that overlap in time."""
    found = set()
    for i, a in enumerate(spans):
        for j in range(i + 1, len(spans)):
            b = spans[j]
            if a.person == b.person and a.start < b.end and b.start < a.end:
                found.add((i, j))
    return found
