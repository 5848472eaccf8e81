"""The disinfection plan's windows and the rule for missed and overdue, as pure functions.

A plan of N times a day splits the day's active hours [start, end) (local time) into N
equal windows, each half-open: window k is [start + k·L, start + (k+1)·L) with
L = (end − start) / N, its edges rounded up to the second. A log belongs to the window
that holds its time; a log at a window's end belongs to the next one; a log before the
day's start belongs to none, and one at or after the day's end to the "after hours"
slot N (done late, it still counts as done since, see below).

- A window is **missed** once it has ended (at its end minute, exactly) with no log in
  it. A log after the window ended does not undo the miss: it is counted in its own
  window.
- A place is **overdue now** when a window of today has ended and no log was made since
  the start of the last ended window. A late log (in the next window, or after hours)
  ends the overdue state, not the miss. Before today's first window ends nothing is
  overdue: yesterday's misses stay yesterday's.

Which windows of a day hold a log is kept on the place as a bit mask (bit k: window k,
bit N: after hours) for the latest day logged, so that the dashboard counts missed and
overdue places without reading the logs (``places.selectors.alert_counts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

MAX_TIMES = 12


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class Plan:
    times: int  # windows a day, 1..MAX_TIMES
    start: time
    end: time

    @property
    def span(self) -> int:
        return _seconds(self.end) - _seconds(self.start)

    def edge(self, k: int) -> int:
        """Seconds after the day's start where window ``k`` begins (k = times: the end)."""
        return -(-k * self.span // self.times)

    def window(self, day: date, k: int) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(day, self.start), zone)
        return start + timedelta(seconds=self.edge(k)), start + timedelta(seconds=self.edge(k + 1))

    def windows(self, day: date) -> list[tuple[datetime, datetime]]:
        return [self.window(day, k) for k in range(self.times)]

    def slot(self, at: datetime) -> tuple[date, int]:
        """(local day, slot) of a log at ``at``: -1 before the day's start, ``times`` at
        or after its end, else the window's number."""
        local = timezone.localtime(at)
        s = _seconds(local.time()) + local.microsecond / 1_000_000 - _seconds(self.start)
        if s < 0:
            return local.date(), -1
        if s >= self.span:
            return local.date(), self.times
        return local.date(), int(s * self.times // self.span)

    def ended(self, now: datetime) -> int:
        """How many of today's windows have ended at ``now`` (the end minute included)."""
        _day, k = self.slot(now)
        return max(k, 0)

    def current(self, now: datetime) -> int | None:
        """The window open at ``now``, if any."""
        _day, k = self.slot(now)
        return k if 0 <= k < self.times else None


def bits(slots: int, below: int) -> int:
    """How many windows below ``below`` the mask marks done."""
    return bin(slots & ((1 << below) - 1)).count("1")


def missed(plan: Plan, slots: int, now: datetime) -> int:
    """Windows of today ended without a log, given today's mask."""
    ended = plan.ended(now)
    return ended - bits(slots, ended)


def overdue(plan: Plan, slots: int, now: datetime) -> bool:
    """No log since the start of the last ended window of today."""
    ended = plan.ended(now)
    return ended > 0 and slots >> (ended - 1) == 0
