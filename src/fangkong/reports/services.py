"""Writing daily reports: submit, zero report, amend. Rules live here (STYLE.md, 5).

Who may submit: a grid's report needs ``Perm.RECORD_VISITS`` at the grid (the grid worker,
and the officers and command above it); a report of any other level needs
``Perm.MANAGE_CAMPAIGNS`` at the unit (unit officers and the command, not grid workers).
Reading needs ``Perm.VIEW_UNITS`` (reports.selectors). roles.py is left as it is; these
choices are named once, in :data:`SUBMIT_PERM`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.reports import prefill, totals
from fangkong.reports.deadlines import REPORTING_LEVELS, is_late
from fangkong.reports.models import Amendment, DailyReport, Indicator, ReportState

SUBMIT_PERM: dict[str, Perm] = {
    level: (Perm.RECORD_VISITS if level == Level.GRID else Perm.MANAGE_CAMPAIGNS)
    for level in REPORTING_LEVELS
}


def submit_perm(level: str) -> Perm:
    try:
        return SUBMIT_PERM[level]
    except KeyError:
        raise ValidationError(
            _("Units of this level do not report."), code="not_reporting"
        ) from None


def may_submit(actor: User, unit: OrgUnit) -> bool:
    return unit.level in SUBMIT_PERM and has_perm_at(actor, SUBMIT_PERM[unit.level], unit.path)


def _require_submit(actor: User, unit: OrgUnit) -> None:
    if not has_perm_at(actor, submit_perm(unit.level), unit.path):
        raise PermissionDenied(_("You may not report for this unit."))


def indicators_for(unit: OrgUnit) -> list[Indicator]:
    return [i for i in Indicator.objects.filter(active=True) if i.applies_to(unit.level)]


def report_prefill(unit: OrgUnit, day: date) -> dict[str, int]:
    """The computed indicators of ``unit``'s report for ``day``, from the line lists now."""
    return {
        i.code: prefill.compute(i.source, unit.path, day)
        for i in indicators_for(unit)
        if i.computed
    }


def _typed(indicators: list[Indicator], values: dict[str, Any]) -> dict[str, int]:
    """Every typed indicator as a non-negative whole number; anything else is refused."""
    typed = {i.code: i for i in indicators if not i.computed}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(values) - set(typed))
    if unknown:
        errors["values"] = [
            _("Not typed in this report: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    clean: dict[str, int] = {}
    for code, indicator in typed.items():
        raw = values.get(code)
        if raw is None or raw == "":
            errors[code] = [_("%(name)s: a figure is needed.") % {"name": indicator.label}]
            continue
        try:
            number = int(raw) if not isinstance(raw, bool) else -1
            if isinstance(raw, float) and raw != number:
                raise ValueError
        except (TypeError, ValueError):
            number = -1
        if number < 0:
            errors[code] = [_("%(name)s: a whole number, 0 or more.") % {"name": indicator.label}]
            continue
        clean[code] = number
    if errors:
        raise ValidationError(errors)
    return clean


def _check_day(unit: OrgUnit, day: date, now: datetime) -> None:
    if day > timezone.localtime(now).date():
        raise ValidationError({"day": _("A day that has not begun cannot be reported.")})


def _store(
    *, actor: User, unit: OrgUnit, day: date, values: dict[str, int], zero: bool, now: datetime
) -> DailyReport:
    try:
        with transaction.atomic():
            report = DailyReport.objects.select_for_update().filter(unit=unit, day=day).first()
            if report is not None and report.is_submitted:
                raise ValidationError(
                    _("%(unit)s has already reported %(day)s; amend it instead.")
                    % {"unit": unit.name, "day": day.isoformat()},
                    code="locked",
                )
            if report is None:
                report = DailyReport(unit=unit, day=day, org_path=unit.path)
            report.values = values
            report.zero = zero
            report.state = ReportState.SUBMITTED
            report.submitted_at = now
            report.submitted_by = actor
            report.full_clean(exclude=["unit", "submitted_by"], validate_unique=False)
            report.save()
            totals.add(
                report, level=unit.level, values=values, reports=1, zero=int(zero),
                late=int(is_late(unit, day, now)),
            )  # fmt: skip
    except IntegrityError:
        # Another submission for the same unit and day won the race.
        raise ValidationError(
            _("%(unit)s has already reported %(day)s; amend it instead.")
            % {"unit": unit.name, "day": day.isoformat()},
            code="locked",
        ) from None
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=report,
        changes={"day": day.isoformat(), "zero": zero, "values": values},
    )  # fmt: skip
    return report


def report_submit(
    *,
    actor: User,
    unit: OrgUnit,
    day: date,
    values: dict[str, Any],
    now: datetime | None = None,
) -> DailyReport:
    """Submit ``unit``'s report for ``day``: typed ``values`` as given, computed ones from the
    line lists at this moment. A submitted report is locked (amend it)."""
    now = now or timezone.now()
    _require_submit(actor, unit)
    _check_day(unit, day, now)
    indicators = indicators_for(unit)
    stored = _typed(indicators, values) | report_prefill(unit, day)
    return _store(actor=actor, unit=unit, day=day, values=stored, zero=False, now=now)


def report_zero(
    *, actor: User, unit: OrgUnit, day: date, now: datetime | None = None
) -> DailyReport:
    """The zero report in one action: every typed figure 0, refused if the line lists show
    anything (the non-zero indicators are named)."""
    now = now or timezone.now()
    _require_submit(actor, unit)
    _check_day(unit, day, now)
    indicators = indicators_for(unit)
    computed = report_prefill(unit, day)
    labels = {i.code: i.label for i in indicators}
    nonzero = [f"{labels[code]} {n}" for code, n in computed.items() if n]
    if nonzero:
        raise ValidationError(
            _("Not a zero report: the line lists show %(figures)s.")
            % {"figures": ", ".join(nonzero)},
            code="not_zero",
        )
    stored = {i.code: 0 for i in indicators if not i.computed} | computed
    return _store(actor=actor, unit=unit, day=day, values=stored, zero=True, now=now)


@transaction.atomic
def report_amend(
    *,
    actor: User,
    report: DailyReport,
    values: dict[str, Any],
    reason: str,
    now: datetime | None = None,
) -> DailyReport:
    """Change typed figures of a submitted report, keeping what it said, who and why."""
    now = now or timezone.now()
    report = DailyReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    _require_submit(actor, report.unit)
    if not report.is_submitted:
        raise ValidationError(_("Only a submitted report is amended."), code="not_submitted")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is amended.")})
    indicators = indicators_for(report.unit)
    typed = {i.code: report.values.get(i.code, 0) for i in indicators if not i.computed}
    merged = typed | dict(values)
    changed = _typed(indicators, merged)
    before = dict(report.values)
    after = before | changed
    if after == before:
        raise ValidationError({"values": _("Nothing was changed.")}, code="unchanged")
    report.values = after
    was_zero = report.zero
    report.zero = report.zero and not any(after.values())
    report.save(update_fields=["values", "zero"])
    totals.add(
        report, level=report.unit.level, values=totals.difference(before, after), reports=0,
        late=0, zero=int(report.zero) - int(was_zero),
    )  # fmt: skip
    Amendment.objects.create(
        report=report, org_path=report.org_path, before=before, after=after,
        reason=reason[:200], by=actor, at=now,
    )  # fmt: skip
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=report,
        changes={k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]},
        note=reason[:200],
    )  # fmt: skip
    return report
