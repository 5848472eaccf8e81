"""The arithmetic of an observation, pure so that it can be tested across every edge.

- The period: the policy in force on the day of the last exposure decides how many
  days; day 1 is the day after the exposure, so 14 days from the 24th end on the 7th
  (the same count as people.risk).
- The slots: each day from the start to the planned end, one slot per policy time; a
  slot is due from its time until the next slot's time, the last until midnight. Times
  are wall-clock times of the district's time zone, whatever the server's clock says.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo


def planned_end(last_exposure: date, days: int) -> date:
    return last_exposure + timedelta(days=days)


@dataclass(frozen=True)
class Slot:
    day: date
    index: int
    opens_at: datetime
    closes_at: datetime


def _at(day: date, moment: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def day_slots(day: date, times: Sequence[time], zone: tzinfo) -> list[Slot]:
    """The slots of one day; the last closes at the next midnight."""
    bounds = [_at(day, t, zone) for t in times]
    bounds.append(_at(day + timedelta(days=1), time(0), zone))
    return [Slot(day, i, bounds[i], bounds[i + 1]) for i in range(len(times))]


def slots(
    *, first: date, last: date, times: Sequence[time], zone: tzinfo, not_before: datetime
) -> Iterator[Slot]:
    """Every slot from ``first`` to ``last`` (both included) still open at ``not_before``.

    A slot that had already closed when the observation began is not owed.
    """
    day = first
    while day <= last:
        for slot in day_slots(day, times, zone):
            if slot.closes_at > not_before:
                yield slot
        day += timedelta(days=1)


def current_slot(now: datetime, times: Sequence[time], zone: tzinfo) -> Slot | None:
    """The slot open at ``now`` (None before the day's first time)."""
    local = now.astimezone(zone)
    for slot in day_slots(local.date(), times, zone):
        if slot.opens_at <= now < slot.closes_at:
            return slot
    return None
