"""What the command dashboard shows for a unit's subtree on a day, one function per panel.

Each function takes the unit (already fetched within the actor's scope) and the day and
returns plain data; :func:`panels` gathers them all for the page with a fixed number of
queries, sharing the line-list counts (dashboard.counting) and the reports
(dashboard.reporting) between the panels that need them. Live figures come from the line
lists now (or at most a minute ago, for a large subtree: ``counting.counted``); reported
figures are the submitted daily reports of the day before, added up (reports.totals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.dashboard.counting import (  # noqa: F401  (the panels counted there)
    CHECKPOINT_DAYS,
    CURVE_DAYS,
    Curve,
    Live,
    Screening,
    checkpoints,
    counted,
    epidemic_curve,
    live_counts,
    screening,
)
from fangkong.dashboard.live import BEFORE
from fangkong.dashboard.reporting import Reporting
from fangkong.dashboard.reporting import reporting as read_reports
from fangkong.orgunits.models import OrgUnit
from fangkong.reports import prefill
from fangkong.reports.selectors import ChildRow

# Figures of the line lists that are no indicator of the daily report.
UNDER_OBSERVATION = "under_observation"
CONFIRMED_TOTAL = "confirmed_total"
EXTRA_LABELS = {
    UNDER_OBSERVATION: _("Under observation"),
    CONFIRMED_TOTAL: _("Confirmed cases so far"),
}
# The cards at the top, in this order; every figure is in the table below them.
HEADLINE = (
    UNDER_OBSERVATION, "arrivals", "fever_referrals", "suspected", "confirmed",
    CONFIRMED_TOTAL, "asymptomatic", "contacts_traced",
)  # fmt: skip


def reports(
    unit: OrgUnit, day: date, now: datetime | None = None, *,
    units: dict[str, dict[str, int]] | None = None,
) -> Reporting:  # fmt: skip
    """The reports of the day before ``day`` (due on ``day``), and their figures;
    ``units``: the reporting units counted already (``Counted.units``)."""
    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    return read_reports(unit, day - timedelta(days=1), children, now or timezone.now(), units)


# Sources that dashboard.live counts (a zero leaves no key behind).
COUNTED = frozenset({
    "arrivals", "home_observation", "centralized_observation", "observations_started",
    "observations_released", "fever_referrals", "suspected", "confirmed", "asymptomatic",
    "contacts_traced", "letters_sent", "overdue_handoffs",
})  # fmt: skip


# --- key figures ----------------------------------------------------------------------------


@dataclass
class Figure:
    code: str
    label: str
    today: int | None  # from the line lists (None: a typed figure, only reported)
    yesterday: int | None  # the same count for the day before
    reported: int | None  # the day before's reports added up (None: not in the report)
    reported_before: int | None  # the reports of the day before that
    parts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def change(self) -> int | None:
        if self.today is None or self.yesterday is None:
            return None
        return self.today - self.yesterday


def _pair(total: dict[str, int], name: str) -> tuple[int, int]:
    return total.get(name, 0), total.get(name + BEFORE, 0)


def figures(
    unit: OrgUnit, day: date, *, live: Live | None = None, reported: Reporting | None = None
) -> list[Figure]:
    """Every indicator of the unit's report, with two figures of the line lists (under
    observation in all, confirmed cases so far) before and among them."""
    live = live or live_counts(unit, day)
    reported = reported or reports(unit, day)
    total = live.total
    out: list[Figure] = []
    for i in reported.indicators:
        now = then = None
        if i.computed and i.source in COUNTED:
            now, then = _pair(total, i.source)
        elif i.computed and i.source in prefill.SOURCES:
            # A source added to the reports since: counted the reports' way, two queries.
            now = prefill.compute(i.source, unit.path, day)
            then = prefill.compute(i.source, unit.path, day - timedelta(days=1))
        out.append(Figure(i.code, i.label, now, then, reported.values.get(i.code, 0),
                          reported.before.get(i.code, 0)))  # fmt: skip
    home, home_before = _pair(total, "home_observation")
    away, away_before = _pair(total, "centralized_observation")
    codes = {f.code for f in out}
    both = [reported.values.get(c) for c in ("home_observation", "centralized_observation")]
    earlier = [reported.before.get(c) for c in ("home_observation", "centralized_observation")]
    observed = Figure(
        UNDER_OBSERVATION, str(EXTRA_LABELS[UNDER_OBSERVATION]), home + away,
        home_before + away_before,
        sum(n or 0 for n in both) if "home_observation" in codes else None,
        sum(n or 0 for n in earlier) if "home_observation" in codes else None,
        parts=[(str(_("At home")), home), (str(_("Centralized")), away)],
    )  # fmt: skip
    so_far, so_far_before = _pair(total, "confirmed_total")
    confirmed = Figure(CONFIRMED_TOTAL, str(EXTRA_LABELS[CONFIRMED_TOTAL]), so_far,
                       so_far_before, None, None)  # fmt: skip
    at = next((n + 1 for n, f in enumerate(out) if f.code == "confirmed"), len(out))
    return [observed, *out[:at], confirmed, *out[at:]]


def headline(all_figures: list[Figure]) -> list[Figure]:
    by_code = {f.code: f for f in all_figures}
    return [by_code[c] for c in HEADLINE if c in by_code]


# --- observations by state, what is overdue (the curve, checkpoints, screening: counting) ---


@dataclass
class StateRow:
    state: str
    label: str
    home: int
    centralized: int

    @property
    def total(self) -> int:
        return self.home + self.centralized


def observation_states(unit: OrgUnit, day: date, *, live: Live | None = None) -> list[StateRow]:
    """Every observation of the subtree by the state it is in now, home and centralized."""
    from fangkong.observation.models import Kind, State

    live = live or live_counts(unit, day)
    rows = {s.value: StateRow(s.value, str(s.label), 0, 0) for s in State}
    for s in live.states:
        row = rows[s.state]
        if s.kind == Kind.HOME:
            row.home += s.n
        else:
            row.centralized += s.n
    return list(rows.values())


@dataclass
class Overdue:
    handoffs: int  # arrivals past their visit time
    followups: int  # follow-ups missed
    letters: int  # assistance letters past their due time
    referrals: int  # fever referrals waiting for their outcome
    reports: int  # units whose report of the day before is past its deadline


def overdue(
    unit: OrgUnit, day: date, *, live: Live | None = None, reported: Reporting | None = None
) -> Overdue:
    """What is late now in the subtree; the reports of the day before ``day``."""
    total = (live or live_counts(unit, day)).total
    reported = reported or reports(unit, day)
    return Overdue(
        total.get("now_overdue_handoffs", 0), total.get("now_overdue_followups", 0),
        total.get("now_overdue_letters", 0), total.get("now_open_referrals", 0),
        reported.completeness.total.missing,
    )  # fmt: skip


def support(unit: OrgUnit) -> dict[str, dict[str, int]]:
    """The support modules' alerts in the subtree: stock and supply requests, tips, duty
    posts short of people, disinfection and venues (a few aggregate queries each)."""
    from fangkong.duty.selectors import alert_counts as duty_alerts
    from fangkong.places.selectors import alert_counts as places_alerts
    from fangkong.supplies.selectors import alert_counts as supplies_alerts
    from fangkong.tips.selectors import alert_counts as tips_alerts

    return {
        "supplies": supplies_alerts(unit),
        "tips": tips_alerts(unit),
        "duty": duty_alerts(unit),
        "places": places_alerts(unit),
    }


# --- drill-down -----------------------------------------------------------------------------


@dataclass
class ChildFigures:
    unit: OrgUnit
    live: dict[str, int]
    reports: ChildRow | None
    coverage: int | None  # percent of households screened, when a campaign covers it
    url: str = ""  # its dashboard (set by the view)

    @property
    def home(self) -> int:
        return self.live.get("home_observation", 0)

    @property
    def centralized(self) -> int:
        return self.live.get("centralized_observation", 0)

    @property
    def observed(self) -> int:
        return self.home + self.centralized

    @property
    def arrivals(self) -> int:
        return self.live.get("arrivals", 0)

    @property
    def confirmed(self) -> int:
        return self.live.get(CONFIRMED_TOTAL, 0)

    @property
    def overdue(self) -> int:
        return sum(
            self.live.get(k, 0)
            for k in ("now_overdue_handoffs", "now_overdue_followups", "now_overdue_letters")
        )


def needing_attention(rows: list[ChildFigures], limit: int) -> list[ChildFigures]:
    """The ``limit`` units that need the command first: the most overdue, then the most
    reports missing, the most under observation, the most confirmed cases."""

    def urgency(r: ChildFigures) -> tuple[int, int, int, int, str]:
        missing = r.reports.missing if r.reports else 0
        return (-r.overdue, -missing, -r.observed, -r.confirmed, r.unit.path)

    return sorted(rows, key=urgency)[:limit]


def _percent(value: float | None) -> int | None:
    return None if value is None else round(value)


def drilldown(
    unit: OrgUnit, day: date, *, live: Live | None = None, reported: Reporting | None = None,
    covered: Screening | None = None,
) -> list[ChildFigures]:  # fmt: skip
    """One row per unit directly below, in the tree's order: its live figures, its
    reports of the day before and its screening coverage."""
    live = live or live_counts(unit, day)
    reported = reported or reports(unit, day)
    out = []
    for child in reported.below:
        out.append(
            ChildFigures(
                child, dict(live.counts.get(child.path, {})), reported.children.get(child.pk),
                _percent(covered.rows.get(child.pk)) if covered else None,
            )
        )  # fmt: skip
    return out


# --- everything -----------------------------------------------------------------------------


def panels(unit: OrgUnit, day: date, now: datetime | None = None) -> dict[str, Any]:
    """All the page needs, in a fixed number of queries whatever the size of the tree."""
    found = counted(unit, day, now)
    live = found.live
    now = now or timezone.now()
    reported = reports(unit, day, now, units=found.units)
    every = figures(unit, day, live=live, reported=reported)
    return {
        "unit": unit,
        "day": day,
        "now": now,
        "counted_at": found.taken_at,
        "today": day == timezone.localtime(now).date(),
        "figures": every,
        "headline": headline(every),
        "curve": found.curve,
        "observations": observation_states(unit, day, live=live),
        "checkpoints": found.checkpoints,
        "screening": found.screening,
        "overdue": overdue(unit, day, live=live, reported=reported),
        "reporting": reported,
        "children": drilldown(unit, day, live=live, reported=reported, covered=found.screening),
    }
