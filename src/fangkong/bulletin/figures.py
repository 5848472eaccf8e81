"""The figures of a district's bulletin for one day: counts only.

Where they come from:

- the day's new cases and the people under observation: the roll-up of the submitted
  daily reports (``reports.selectors.rollup``, the figure each report gave);
- cumulative confirmed cases, close contacts traced and releases from observation: the same
  indicators added up over every submitted report up to the day (one aggregate query);
- discharges, deaths and cases in hospital, which no daily report carries: one aggregate
  query over the cases of the district's subtree (confirmed cases, by the classification
  they hold now, as the reports' own prefill counts them).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.paths import subtree_q
from fangkong.orgunits.models import LEVEL_RANK, OrgUnit

# The snapshot's keys, in the order the pages show them, with their labels.
LABELS: dict[str, Any] = {
    "new_confirmed": _("New confirmed cases"),
    "new_suspected": _("New suspected cases"),
    "new_asymptomatic": _("New asymptomatic infections"),
    "new_discharged": _("Newly cured and discharged"),
    "new_deaths": _("New deaths"),
    "confirmed_total": _("Confirmed cases in total"),
    "discharged_total": _("Cured and discharged in total"),
    "deaths_total": _("Deaths in total"),
    "in_hospital": _("In hospital now"),
    "contacts_total": _("Close contacts traced in total"),
    "released_total": _("Released from medical observation in total"),
    "under_observation": _("Under medical observation now"),
    "home_observation": _("In home observation"),
    "centralized_observation": _("In centralized observation"),
}
KEYS: tuple[str, ...] = tuple(LABELS)
# The four shown as big numbers (the page's cards, the phone image).
HEADLINE: tuple[str, ...] = ("new_confirmed", "confirmed_total", "in_hospital", "under_observation")

# Figure of the day ← indicator of the daily report.
FROM_DAY = {
    "new_confirmed": "confirmed",
    "new_suspected": "suspected",
    "new_asymptomatic": "asymptomatic",
    "home_observation": "home_observation",
    "centralized_observation": "centralized_observation",
}
# Cumulative figure ← indicator added up over the days.
FROM_DAYS = {
    "confirmed_total": "confirmed",
    "contacts_total": "contacts_traced",
    "released_total": "observations_released",
}


def compute(unit: OrgUnit, day: date) -> dict[str, int]:
    """Every figure of ``unit``'s bulletin for ``day`` (a missing indicator counts 0)."""
    from fangkong.reports.selectors import rollup

    reported = {row.indicator.code: row.reported for row in rollup(unit, day, line_lists=False)}
    figures = {key: int(reported.get(code, 0)) for key, code in FROM_DAY.items()}
    totals = reported_totals(unit, day, set(FROM_DAYS.values()))
    figures |= {key: totals.get(code, 0) for key, code in FROM_DAYS.items()}
    figures |= line_list_figures(unit, day)
    figures["under_observation"] = figures["home_observation"] + figures["centralized_observation"]
    return {key: figures.get(key, 0) for key in KEYS}


def reported_totals(unit: OrgUnit, day: date, codes: set[str]) -> dict[str, int]:
    """``codes`` summed over every submitted report up to ``day`` in ``unit``'s subtree, each
    from the reports of the level that reports it (as the roll-up adds them), read from the
    totals kept on write (reports.totals): a row per day and level, whatever the tree's size."""
    from fangkong.reports.models import DailyReport, Indicator, ReportState, ReportTotal

    level_of = dict(Indicator.objects.filter(code__in=codes).values_list("code", "level"))
    wanted = {
        level for level, r in LEVEL_RANK.items() if r in {LEVEL_RANK[v] for v in level_of.values()}
    }
    totals: dict[str, int] = defaultdict(int)

    def add(level: str, values: dict[str, int]) -> None:
        for code, at in level_of.items():
            if LEVEL_RANK[at] == LEVEL_RANK[level]:
                totals[code] += int(values.get(code, 0))

    for level, values in ReportTotal.objects.filter(
        unit=unit, day__lte=day, level__in=wanted
    ).values_list("level", "values"):
        add(level, values)
    if unit.level in wanted:
        for values in DailyReport.objects.filter(
            unit=unit, day__lte=day, state=ReportState.SUBMITTED
        ).values_list("values", flat=True):
            add(unit.level, values)
    return {code: totals.get(code, 0) for code in level_of}


def line_list_figures(unit: OrgUnit, day: date) -> dict[str, int]:
    """Discharges and deaths (that day and in total) and cases in hospital at the end of the
    day, among the confirmed cases reported by then: one query.

    A case's discharge or death is dated by the end of its last admission. A case never
    admitted has no such date: it counts from the day it was reported (a death found at
    home is reported the day it is found).
    """
    from fangkong.cases.models import Admission, Case, Classification, Outcome
    from fangkong.reports.prefill import Window

    w = Window.of(unit.path, day)
    admissions = Admission.objects.filter(case=OuterRef("pk"))
    # Out of hospital by the end of the day: no admission open then (nor begun after).
    out_by_end = ~Exists(
        admissions.filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=w.end))
    )
    left_that_day = Exists(admissions.filter(discharged_at__gte=w.start, discharged_at__lt=w.end))
    never_admitted = ~Exists(admissions)
    reported_that_day = Q(reported_at__gte=w.start)  # and before the end: all of them are
    ended_that_day = out_by_end & (left_that_day | (never_admitted & reported_that_day))
    in_hospital = Exists(
        admissions.filter(admitted_at__lt=w.end).filter(
            Q(discharged_at__isnull=True) | Q(discharged_at__gte=w.end)
        )
    )
    cured = Q(outcome=Outcome.RECOVERED)
    died = Q(outcome=Outcome.DIED)
    # No annotations: with one, Django 5.2 moves the query into a subquery and the
    # conditions' outer references no longer resolve.
    counts = Case.objects.filter(
        subtree_q("org_path", unit.path),
        classification=Classification.CONFIRMED,
        reported_at__lt=w.end,
    ).aggregate(
        discharged_total=Count("pk", filter=cured & out_by_end),
        new_discharged=Count("pk", filter=cured & ended_that_day),
        deaths_total=Count("pk", filter=died & out_by_end),
        new_deaths=Count("pk", filter=died & ended_that_day),
        in_hospital=Count("pk", filter=in_hospital),
    )
    return {key: int(n or 0) for key, n in counts.items()}
