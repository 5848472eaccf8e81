"""The line lists, live: one grouped aggregate per source table for a unit's subtree.

Each query counts what ``reports.prefill`` counts for the daily report, for the day asked
and for the day before (the change), and splits it by the unit directly below, so that the
drill-down table comes from the same queries as the totals. Rows are filtered by the
``org_path`` copied onto each of them (an indexed range, never a join over the tree), and
only groups come back to Python: a few per child unit, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from fangkong.core.paths import SEGMENT_WIDTH, subtree_q
from fangkong.orgunits.models import OrgUnit

# What a day "before" is called among the figures: ``arrivals`` and ``arrivals.before``.
BEFORE = ".before"


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


@dataclass(frozen=True)
class Moments:
    """The day shown, the day before it, and now."""

    day: date
    now: datetime
    start: datetime  # the day's first moment
    end: datetime  # the next day's first moment
    before_start: datetime  # the day before's first moment (it ends at ``start``)

    @classmethod
    def of(cls, day: date, now: datetime | None = None) -> Moments:
        return cls(
            day=day, now=now or timezone.now(), start=_midnight(day),
            end=_midnight(day + timedelta(days=1)), before_start=_midnight(day - timedelta(days=1)),
        )  # fmt: skip

    @property
    def before(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def at(self) -> datetime:
        """Where the day's overdue items stand: its end, or now while it lasts."""
        return min(self.now, self.end)

    def windows(self) -> tuple[tuple[str, datetime, datetime], tuple[str, datetime, datetime]]:
        """(suffix, start, end) of the day and of the day before."""
        return ("", self.start, self.end), (BEFORE, self.before_start, self.start)


class Counts(dict[str, dict[str, int]]):
    """Figures by key: the path of a unit directly below, or the unit's own path for rows
    that hang at the unit itself."""

    def add(self, key: str, figure: str, n: int) -> None:
        if n:
            figures = self.setdefault(key, {})
            figures[figure] = figures.get(figure, 0) + n

    def total(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for figures in self.values():
            for figure, n in figures.items():
                out[figure] += n
        return dict(out)


def _split(rows: QuerySet, unit: OrgUnit, field: str = "org_path") -> QuerySet:
    return rows.filter(subtree_q(field, unit.path)).annotate(
        child=Substr(field, 1, len(unit.path) + SEGMENT_WIDTH)
    )


def _during(field: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


# --- the figures of the daily report, and what is overdue now ------------------------------


@dataclass
class StateCount:
    state: str
    kind: str
    n: int


def observations(unit: OrgUnit, m: Moments, into: Counts) -> list[StateCount]:
    """Under observation at the end of each day (home / centralized), begun and released
    each day, due for release; and every observation by its state now and kind."""
    from fangkong.observation.models import Observation, State

    def open_at(day: date, end: datetime) -> Q:
        return Q(starts_on__lte=day) & (Q(ended_at__isnull=True) | Q(ended_at__gte=end))

    rows = (
        _split(Observation.objects.all(), unit)
        .values("child", "state", "kind")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=open_at(m.day, m.end)),
            open_before=Count("id", filter=open_at(m.before, m.start)),
            started=Count("id", filter=Q(starts_on=m.day)),
            started_before=Count("id", filter=Q(starts_on=m.before)),
            released=Count("id", filter=_during("ended_at", m.start, m.end)),
            released_before=Count("id", filter=_during("ended_at", m.before_start, m.start)),
            due=Count("id", filter=Q(planned_end__lte=m.day)),
        )
    )
    states: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        key, state = r["child"], r["state"]
        states[(state, r["kind"])] += r["n"]
        if state == State.CANCELLED:
            continue
        kept = f"{r['kind']}_observation"
        into.add(key, kept, r["open"])
        into.add(key, kept + BEFORE, r["open_before"])
        into.add(key, "observations_started", r["started"])
        into.add(key, "observations_started" + BEFORE, r["started_before"])
        if state == State.RELEASED:
            into.add(key, "observations_released", r["released"])
            into.add(key, "observations_released" + BEFORE, r["released_before"])
        if state == State.ACTIVE:
            into.add(key, "due_release", r["due"])
    return [StateCount(state, kind, n) for (state, kind), n in sorted(states.items())]


def cases(unit: OrgUnit, m: Moments, into: Counts) -> None:
    """Cases reported each day by the classification they hold now, and all those reported
    by the end of each day (``confirmed_total``: confirmed cases so far)."""
    from fangkong.cases.models import Case

    rows = (
        _split(Case.objects.filter(reported_at__lt=m.end), unit)
        .values("child", "classification")
        .annotate(
            new=Count("id", filter=_during("reported_at", m.start, m.end)),
            new_before=Count("id", filter=_during("reported_at", m.before_start, m.start)),
            total=Count("id"),
            total_before=Count("id", filter=Q(reported_at__lt=m.start)),
        )
    )
    for r in rows:
        key, kind = r["child"], r["classification"]
        into.add(key, kind, r["new"])
        into.add(key, kind + BEFORE, r["new_before"])
        into.add(key, f"{kind}_total", r["total"])
        into.add(key, f"{kind}_total" + BEFORE, r["total_before"])


def _per_day(
    rows: QuerySet, figure: str, field: str, m: Moments, into: Counts, **extra: Count
) -> None:
    """Rows whose ``field`` falls on each day, by child, as ``figure``; and ``extra``
    counts under their own names."""
    (day, start, end), (before, before_start, _) = m.windows()
    got = rows.values("child").annotate(
        on_day=Count("id", filter=_during(field, start, end)),
        on_before=Count("id", filter=_during(field, before_start, start)),
        **extra,
    )
    for r in got:
        into.add(r["child"], figure + day, r["on_day"])
        into.add(r["child"], figure + before, r["on_before"])
        for name in extra:
            into.add(r["child"], name, r[name])


def referrals(unit: OrgUnit, m: Moments, into: Counts) -> None:
    """Sent to the fever clinic each day; waiting for their outcome now."""
    from fangkong.observation.models import Referral

    waiting = Count("id", filter=Q(closed_at__isnull=True))
    _per_day(_split(Referral.objects.all(), unit), "fever_referrals", "opened_at", m, into,
             now_open_referrals=waiting)  # fmt: skip


def contacts(unit: OrgUnit, m: Moments, into: Counts) -> None:
    from fangkong.cases.models import Contact

    recent = Contact.objects.filter(created_at__gte=m.before_start, created_at__lt=m.end)
    rows = _split(recent, unit)
    _per_day(rows, "contacts_traced", "created_at", m, into)


def letters(unit: OrgUnit, m: Moments, into: Counts) -> None:
    """Assistance letters sent each day; sent letters past their due time without an answer."""
    from fangkong.cases.models import AssistanceLetter, Direction
    from fangkong.cases.services_letters import overdue_q

    rows = (
        _split(AssistanceLetter.objects.filter(direction=Direction.OUT), unit)
        .values("child")
        .annotate(
            sent=Count("id", filter=_during("sent_at", m.start, m.end)),
            sent_before=Count("id", filter=_during("sent_at", m.before_start, m.start)),
            overdue=Count("id", filter=overdue_q(m.now)),
        )
    )
    for r in rows:
        into.add(r["child"], "letters_sent", r["sent"])
        into.add(r["child"], "letters_sent" + BEFORE, r["sent_before"])
        into.add(r["child"], "now_overdue_letters", r["overdue"])


def handoffs(unit: OrgUnit, m: Moments, into: Counts) -> None:
    """Arrivals not visited although their time was up: at the end of the day before, at
    the end of the day (now, while it lasts), and now."""
    from fangkong.checkpoints.models import Handoff, HandoffState

    def overdue_at(at: datetime) -> Q:
        return Q(created_at__lt=at, due_at__lt=at) & (
            Q(closed_at__isnull=True) | Q(closed_at__gte=at)
        )

    rows = (
        _split(Handoff.objects.filter(due_at__lt=m.now), unit)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=m.start))
        .values("child")
        .annotate(
            late=Count("id", filter=overdue_at(m.at)),
            late_before=Count("id", filter=overdue_at(m.start)),
            now=Count("id", filter=Q(state=HandoffState.OPEN, due_at__lt=m.now)),
        )
    )
    for r in rows:
        into.add(r["child"], "overdue_handoffs", r["late"])
        into.add(r["child"], "overdue_handoffs" + BEFORE, r["late_before"])
        into.add(r["child"], "now_overdue_handoffs", r["now"])


def arrivals(unit: OrgUnit, m: Moments, into: Counts) -> None:
    """Journeys into the area registered as arriving each day."""
    from fangkong.people.models import TravelRecord

    rows = (
        _split(TravelRecord.objects.filter(arrived_on__in=[m.before, m.day]), unit)
        .values("child", "arrived_on")
        .annotate(n=Count("id"))
    )
    for r in rows:
        into.add(r["child"], "arrivals" + ("" if r["arrived_on"] == m.day else BEFORE), r["n"])


def followups(unit: OrgUnit, m: Moments, into: Counts) -> None:
    """Follow-ups of open observations whose time has passed with nothing recorded."""
    from fangkong.observation.models import OPEN_STATES, FollowUp

    rows = (
        _split(FollowUp.objects.filter(recorded_at__isnull=True, closes_at__lte=m.now), unit)
        # The observation's own path too (a slot hangs where its observation does), so
        # that the open observations are read from the same subtree, not the whole city.
        .filter(subtree_q("observation__org_path", unit.path))
        .filter(observation__state__in=OPEN_STATES)
        .values("child")
        .annotate(n=Count("id"))
    )
    for r in rows:
        into.add(r["child"], "now_overdue_followups", r["n"])


# --- day by day, for the charts ------------------------------------------------------------


def days_up_to(day: date, n: int) -> list[date]:
    return [day - timedelta(days=k) for k in range(n - 1, -1, -1)]


def cases_by_day(unit: OrgUnit, days: list[date]) -> dict[str, dict[tuple[date, str], int]]:
    """Cases by onset date and by report date (local), each by classification, over
    ``days``; excluded cases are left out. ``no_onset`` holds, by report date, those
    without an onset date (an asymptomatic infection has none)."""
    from fangkong.cases.models import Case, Classification

    cases = Case.objects.filter(subtree_q("org_path", unit.path)).exclude(
        classification=Classification.EXCLUDED
    )
    onset: dict[tuple[date, str], int] = {}
    for r in (
        cases.filter(onset_date__gte=days[0], onset_date__lte=days[-1])
        .values("onset_date", "classification")
        .annotate(n=Count("id"))
    ):
        onset[(r["onset_date"], r["classification"])] = r["n"]
    report: dict[tuple[date, str], int] = {}
    no_onset: dict[tuple[date, str], int] = {}
    for r in (
        cases.filter(
            reported_at__gte=_midnight(days[0]),
            reported_at__lt=_midnight(days[-1] + timedelta(days=1)),
        )
        .annotate(on=TruncDate("reported_at"))
        .values("on", "classification")
        .annotate(n=Count("id"), none=Count("id", filter=Q(onset_date__isnull=True)))
    ):
        report[(r["on"], r["classification"])] = r["n"]
        no_onset[(r["on"], r["classification"])] = r["none"]
    return {"onset": onset, "report": report, "no_onset": no_onset}


@dataclass
class CheckpointDay:
    day: date
    passages: int = 0  # vehicles (or groups on foot) through the subtree's checkpoints
    fevers: int = 0  # travellers there with a fever (either way)
    handoffs: int = 0  # arrivals bound for the subtree (from any checkpoint or a letter)


def checkpoint_days(unit: OrgUnit, days: list[date]) -> list[CheckpointDay]:
    """Per day: passages and travellers with a fever at the checkpoints in the subtree,
    and the hand-offs of arrivals bound for it. Three grouped queries; the travellers are
    read only where a fever sent them to the clinic (their ``referral``), never all."""
    from fangkong.checkpoints.models import Handoff, Passage, Referral, Traveller

    start, end = _midnight(days[0]), _midnight(days[-1] + timedelta(days=1))
    out = {d: CheckpointDay(d) for d in days}
    in_days = {"passed_at__gte": start, "passed_at__lt": end}
    for on, n in (
        Passage.objects.filter(subtree_q("org_path", unit.path), **in_days)
        .annotate(on=TruncDate("passed_at"))
        .values("on")
        .annotate(n=Count("id"))
        .values_list("on", "n")
    ):
        if on in out:
            out[on].passages = n
    for on, n in (
        Traveller.objects.filter(
            subtree_q("org_path", unit.path),
            referral__in=[Referral.OPEN, Referral.CLOSED],
            fever=True,
            **{f"passage__{k}": v for k, v in in_days.items()},
        )
        .annotate(on=TruncDate("passage__passed_at"))
        .values("on")
        .annotate(n=Count("id"))
        .values_list("on", "n")
    ):
        if on in out:
            out[on].fevers = n
    for on, n in (
        Handoff.objects.filter(subtree_q("org_path", unit.path), arrived_at__gte=start)
        .filter(arrived_at__lt=end)
        .annotate(on=TruncDate("arrived_at"))
        .values("on")
        .annotate(n=Count("id"))
        .values_list("on", "n")
    ):
        if on in out:
            out[on].handoffs = n
    return list(out.values())
