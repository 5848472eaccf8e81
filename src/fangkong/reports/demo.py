"""The demo's daily reports: a fortnight of them from every reporting unit, most on time,
a few late, yesterday's still coming in (some grids and a community are missing), and a
few grids and a community that never sent the day before yesterday's (past their
deadline at any hour: the completeness page has someone to call), so that the
completeness page, the roll-up, the dashboard and the bulletin have a history.

Computed figures are what the line lists say for that day (reports.prefill): a unit whose
subtree holds no line-list record has only zeros there, which one query per source finds
out, so that only the units with something to count are counted one by one.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from fangkong.accounts.models import Assignment
from fangkong.core.paths import subtree_q
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.reports import totals
from fangkong.reports.deadlines import REPORTING_LEVELS, deadline_at, policies_under
from fangkong.reports.models import DailyReport, ReportState
from fangkong.reports.services import indicators_for, report_prefill

DAYS = 14


def _busy_paths(district: OrgUnit) -> list[str]:
    """The org paths of every line-list row under ``district`` that a computed indicator
    counts (each source reads one of these tables)."""
    from fangkong.cases.models import AssistanceLetter, Case, Contact
    from fangkong.checkpoints.models import Handoff
    from fangkong.observation.models import Observation, Referral
    from fangkong.people.models import TravelRecord

    paths: set[str] = set()
    for model in (TravelRecord, Observation, Referral, Case, Contact, AssistanceLetter, Handoff):
        paths.update(
            model.objects.filter(subtree_q("org_path", district.path))  # type: ignore[attr-defined]
            .values_list("org_path", flat=True)
            .distinct()
        )
    return sorted(paths)


def _submitter(units: list[OrgUnit]) -> dict[int, int]:
    """The demo user who answers for a unit, where there is one (else nobody is named)."""
    rows = Assignment.objects.filter(unit__in=units).order_by("user__username")
    return {a.unit_id: a.user_id for a in rows}


def load_reports(district: OrgUnit, *, seed: int = 2020, days: int = DAYS) -> int:
    """Returns the number of reports written."""
    rng = random.Random(f"{seed}:reports")
    today = timezone.localdate()
    units = list(
        OrgUnit.objects.filter(
            subtree_q("path", district.path), level__in=REPORTING_LEVELS
        ).order_by("path")
    )
    busy = _busy_paths(district)
    counted = {u.pk for u in units if any(p.startswith(u.path) for p in busy)}
    by_unit = _submitter(units)
    indicators = {level: indicators_for(OrgUnit(level=level)) for level in REPORTING_LEVELS}
    reports: list[DailyReport] = []
    never_sent = _never_sent(units, random.Random(f"{seed}:never-sent"))
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        policy_of = policies_under(district.path, day)
        for unit in units:
            fate = rng.random()
            if back == 1 and fate < (0.08 if unit.level == Level.GRID else 0.03):
                continue  # yesterday: not in yet
            if back == 2 and unit.pk in never_sent:
                continue  # the day before: never sent, past the deadline
            due = deadline_at(unit.level, day, policy_of(unit.path))
            late = fate > 0.95
            at = due + timedelta(minutes=rng.randint(5, 180) if late else -rng.randint(5, 600))
            if at > timezone.now():
                continue
            computed = (
                report_prefill(unit, day) if unit.pk in counted
                else {i.code: 0 for i in indicators[unit.level] if i.computed}
            )  # fmt: skip
            quiet = not any(computed.values()) and rng.random() < 0.3
            typed = {
                i.code: 0 if quiet else _typed_figure(rng, i.code, unit.level)
                for i in indicators[unit.level]
                if not i.computed
            }
            reports.append(
                DailyReport(
                    unit=unit,
                    org_path=unit.path,
                    day=day,
                    state=ReportState.SUBMITTED,
                    zero=quiet,
                    values=typed | computed,
                    submitted_at=at,
                    submitted_by_id=by_unit.get(unit.pk),
                )
            )
    DailyReport.objects.bulk_create(reports, batch_size=2000)
    totals.rebuild(
        OrgUnit.objects.filter(subtree_q("path", district.path), last_child__gt=0).order_by("path")
    )
    return len(reports)


def _never_sent(units: list[OrgUnit], rng: random.Random) -> set[int]:
    """The units that never sent the day before yesterday's report: about one grid in 30
    and one community or village in 50, and at least one grid."""
    grids = [u for u in units if u.level == Level.GRID]
    out = {
        u.pk
        for u in units
        if u.level in (Level.GRID, Level.COMMUNITY, Level.VILLAGE)
        and rng.random() < (0.03 if u.level == Level.GRID else 0.02)
    }
    if grids and not out & {g.pk for g in grids}:
        out.add(rng.choice(grids).pk)
    return out


def _typed_figure(rng: random.Random, code: str, level: str) -> int:
    """Masks handed out and volunteers on duty, of the size a grid (or the office of a
    community or street itself) reports."""
    base = {"masks_distributed": 60, "volunteers_on_duty": 3}.get(code, 1)
    scale = 1 if level == Level.GRID else 3
    return max(0, int(rng.gauss(base * scale, base * scale / 3)))
