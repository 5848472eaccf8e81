"""The counting behind the dashboard: everything it reads from the line lists and the
tallies of a unit's subtree, whose cost grows with the subtree (a city: 100,000 units).

:func:`count` does it in a fixed number of grouped queries. :func:`counted` is what the page
uses: a count that was slow (a street, a city) is kept for every server worker and counted
again in the background when it ages (core.kept), and the page shows when it was counted;
a small subtree is counted afresh on every view. The daily reports are never
kept: their totals cost a few rows at any size (dashboard.reporting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fangkong.core import kept
from fangkong.dashboard import live as lines
from fangkong.dashboard.live import Counts, Moments, StateCount
from fangkong.dashboard.reporting import reporting_units
from fangkong.orgunits.models import OrgUnit

CURVE_DAYS = 30
# A fortnight of checkpoint traffic: the longest usual observation period, and the
# passages are the largest table the page reads.
CHECKPOINT_DAYS = 14


@dataclass
class Live:
    """The line-list counts of the subtree, by child (see dashboard.live)."""

    moments: Moments
    counts: Counts
    states: list[StateCount]

    @property
    def total(self) -> dict[str, int]:
        return self.counts.total()


def live_counts(unit: OrgUnit, day: date, now: datetime | None = None) -> Live:
    """Every line-list figure of the page: one grouped query per source table (nine)."""
    m = Moments.of(day, now)
    counts = Counts()
    states = lines.observations(unit, m, counts)
    for source in (lines.cases, lines.referrals, lines.contacts, lines.letters,
                   lines.handoffs, lines.arrivals, lines.followups):  # fmt: skip
        source(unit, m, counts)
    return Live(m, counts, states)


@dataclass
class Curve:
    days: list[date]
    codes: list[str]  # the classifications, in the order stacked
    onset: dict[str, list[int]]  # classification: cases by onset date
    report: dict[str, list[int]]  # classification: cases by report date
    no_onset: int  # reported in these days without an onset date

    @property
    def classes(self) -> list[tuple[str, str]]:
        """(classification, label) in the reader's language (a kept count has no labels)."""
        from fangkong.cases.models import Classification

        return [(code, str(Classification(code).label)) for code in self.codes]

    @property
    def empty(self) -> bool:
        return not self.onset_rows and not self.report_rows

    def _rows(self, counts: dict[str, list[int]]) -> list[tuple[date, list[int], int]]:
        """(day, count per class, all classes) for the days with a case."""
        rows = []
        for n, day in enumerate(self.days):
            values = [counts[code][n] for code in self.codes]
            if any(values):
                rows.append((day, values, sum(values)))
        return rows

    def _totals(self, counts: dict[str, list[int]]) -> list[tuple[str, int]]:
        """(label, count) per class, then ("", all classes)."""
        per_class = [(label, sum(counts[code])) for code, label in self.classes]
        return [*per_class, ("", sum(n for _label, n in per_class))]

    @property
    def onset_rows(self) -> list[tuple[date, list[int], int]]:
        return self._rows(self.onset)

    @property
    def report_rows(self) -> list[tuple[date, list[int], int]]:
        return self._rows(self.report)

    @property
    def onset_totals(self) -> list[tuple[str, int]]:
        return self._totals(self.onset)

    @property
    def report_totals(self) -> list[tuple[str, int]]:
        return self._totals(self.report)


def epidemic_curve(unit: OrgUnit, day: date) -> Curve:
    """The last ``CURVE_DAYS`` days up to ``day``: cases by onset and by report date,
    stacked by the classification they hold now (excluded cases left out). Two queries."""
    from fangkong.cases.models import Classification

    days = lines.days_up_to(day, CURVE_DAYS)
    got = lines.cases_by_day(unit, days)
    codes = [c.value for c in Classification if c != Classification.EXCLUDED]
    onset = {c: [got["onset"].get((d, c), 0) for d in days] for c in codes}
    report = {c: [got["report"].get((d, c), 0) for d in days] for c in codes}
    return Curve(days, codes, onset, report, sum(got["no_onset"].values()))


def checkpoints(unit: OrgUnit, day: date) -> list[lines.CheckpointDay]:
    """Passages and fevers at the subtree's checkpoints, and the arrivals bound for it
    (hand-offs), per day of the last ``CHECKPOINT_DAYS``. Three queries."""
    return lines.checkpoint_days(unit, lines.days_up_to(day, CHECKPOINT_DAYS))


@dataclass
class Screening:
    """A campaign's coverage, numbers only (kept with the counts: no model instances)."""

    campaign: int  # screening.models.Campaign id
    name: str
    starts_on: date
    ends_on: date
    running: bool
    covered: int  # households settled by a visit
    households: int  # what coverage counts against (screening.selectors.CoverageRow)
    percent: float
    arrivals: int
    fevers: int
    rows: dict[int, float | None]  # unit id of each unit directly below: percent screened


def screening(unit: OrgUnit, day: date) -> Screening | None:
    """Coverage of the latest campaign that covers the whole unit (declared at it or above)
    and began by ``day``; the screening app's own selector, four queries."""
    from fangkong.people.risk import prefixes
    from fangkong.screening import selectors as screening_selectors
    from fangkong.screening.models import Campaign

    campaign = (
        Campaign.objects.filter(org_path__in=prefixes(unit.path), starts_on__lte=day)
        .order_by("-starts_on", "-id")
        .first()
    )
    if campaign is None:
        return None
    t, rows = screening_selectors.coverage(campaign=campaign, unit=unit)
    return Screening(
        campaign.pk, campaign.name, campaign.starts_on, campaign.ends_on,
        campaign.starts_on <= day <= campaign.ends_on, t.covered, t.denominator, t.percent,
        t.arrivals, t.fevers,
        {r.unit.pk: r.percent if r.denominator else None for r in rows},
    )  # fmt: skip


@dataclass
class Counted:
    """What :func:`count` found for a unit and a day, at ``live.moments.now``."""

    live: Live
    curve: Curve
    checkpoints: list[lines.CheckpointDay]
    screening: Screening | None
    units: dict[str, dict[str, int]]  # reporting units by child path, then level

    @property
    def taken_at(self) -> datetime:
        return self.live.moments.now


@kept.counter
def count(unit: OrgUnit, day: date, now: datetime | None = None) -> Counted:
    """Everything the page counts, afresh: nine grouped queries over the line lists, two for
    the curve, three for the checkpoints, four for screening, one over the units."""
    live = live_counts(unit, day, now)
    return Counted(
        live, epidemic_curve(unit, day), checkpoints(unit, day), screening(unit, day),
        reporting_units(unit),
    )  # fmt: skip


def counted(unit: OrgUnit, day: date, now: datetime | None = None) -> Counted:
    """:func:`count`, or a copy kept for every worker when counting it was slow (a street,
    a city: core.kept). With ``now`` given, always afresh (the tests, and a past moment)."""
    if now is not None:
        return count(unit, day, now)
    return kept.get(count, unit, day)[0]
