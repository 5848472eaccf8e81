"""Computed indicators: one day's figures from the line lists of a unit's subtree.

Each source is a small function of a :class:`Window` doing one query; ``SOURCES`` names
them for ``Indicator.source``. A day is the local calendar day (settings.TIME_ZONE).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from fangkong.core import kept
from fangkong.core.paths import subtree_q
from fangkong.orgunits.models import OrgUnit


@dataclass(frozen=True)
class Window:
    path: str
    day: date
    start: datetime  # the day's first moment, aware
    end: datetime  # the next day's first moment

    @classmethod
    def of(cls, path: str, day: date) -> Window:
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(day, time.min), tz)
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)
        return cls(path, day, start, end)

    def q(self) -> Q:
        return subtree_q("org_path", self.path)


def arrivals(w: Window) -> int:
    from fangkong.people.models import TravelRecord

    return TravelRecord.objects.filter(w.q(), arrived_on=w.day).count()


def _under_observation(w: Window, kind: str) -> int:
    """Open at the end of the day: begun by then, not ended by then; cancelled never counted."""
    from fangkong.observation.models import Observation, State

    return (
        Observation.objects.filter(w.q(), kind=kind, starts_on__lte=w.day)
        .exclude(state=State.CANCELLED)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=w.end))
        .count()
    )


def home_observation(w: Window) -> int:
    return _under_observation(w, "home")


def centralized_observation(w: Window) -> int:
    return _under_observation(w, "centralized")


def observations_started(w: Window) -> int:
    from fangkong.observation.models import Observation, State

    return Observation.objects.filter(w.q(), starts_on=w.day).exclude(state=State.CANCELLED).count()


def observations_released(w: Window) -> int:
    from fangkong.observation.models import Observation, State

    return Observation.objects.filter(
        w.q(), state=State.RELEASED, ended_at__gte=w.start, ended_at__lt=w.end
    ).count()


def fever_referrals(w: Window) -> int:
    from fangkong.observation.models import Referral

    return Referral.objects.filter(w.q(), opened_at__gte=w.start, opened_at__lt=w.end).count()


def _cases(w: Window, classification: str) -> int:
    # By the classification the case holds now, among those reported that day.
    from fangkong.cases.models import Case

    return Case.objects.filter(
        w.q(), classification=classification, reported_at__gte=w.start, reported_at__lt=w.end
    ).count()


def suspected(w: Window) -> int:
    return _cases(w, "suspected")


def confirmed(w: Window) -> int:
    return _cases(w, "confirmed")


def asymptomatic(w: Window) -> int:
    return _cases(w, "asymptomatic")


def contacts_traced(w: Window) -> int:
    from fangkong.cases.models import Contact

    return Contact.objects.filter(w.q(), created_at__gte=w.start, created_at__lt=w.end).count()


def letters_sent(w: Window) -> int:
    from fangkong.cases.models import AssistanceLetter, Direction

    return AssistanceLetter.objects.filter(
        w.q(), direction=Direction.OUT, sent_at__gte=w.start, sent_at__lt=w.end
    ).count()


def overdue_handoffs(w: Window) -> int:
    """Arrivals not yet visited at the end of the day although their time was up."""
    from fangkong.checkpoints.models import Handoff

    return (
        Handoff.objects.filter(w.q(), created_at__lt=w.end, due_at__lt=w.end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=w.end))
        .count()
    )


SOURCES: dict[str, Callable[[Window], int]] = {
    f.__name__: f
    for f in (
        arrivals,
        home_observation,
        centralized_observation,
        observations_started,
        observations_released,
        fever_referrals,
        suspected,
        confirmed,
        asymptomatic,
        contacts_traced,
        letters_sent,
        overdue_handoffs,
    )
}


def compute(source: str, path: str, day: date) -> int:
    return SOURCES[source](Window.of(path, day))


@kept.counter
def line_lists(unit: OrgUnit, day: date) -> dict[str, int]:
    """Every source for ``unit``'s subtree and ``day``: one query each (kept for every
    worker when slow, core.kept)."""
    w = Window.of(unit.path, day)
    return {name: fn(w) for name, fn in SOURCES.items()}
