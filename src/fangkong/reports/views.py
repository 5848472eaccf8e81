"""Daily report pages: the units a user reports for, one unit's report of a day (prefilled,
submitted, zero-reported, amended), and who has reported, level by level."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import kept
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.core.types import AuthedRequest
from fangkong.orgunits import selectors as unit_selectors
from fangkong.orgunits.models import OrgUnit
from fangkong.reports import prefill, selectors, services, services_indicators, suggest
from fangkong.reports.deadlines import REPORTING_LEVELS, deadline
from fangkong.reports.models import DailyReport


def _day(request: AuthedRequest, value: str | None = None) -> date:
    """The reported day: yesterday by default (today's report is due tomorrow)."""
    try:
        return date.fromisoformat(value or request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate() - timedelta(days=1)


def my_reports(request: AuthedRequest) -> HttpResponse:
    """The units this user reports for, with yesterday's state and deadline."""
    day = _day(request)
    roots = scope_roots(request.user) or []
    units = [
        u
        for u in OrgUnit.objects.filter(path__in=roots, level__in=REPORTING_LEVELS).order_by("path")
        if services.may_submit(request.user, u)
    ]
    if not units and not has_perm_at(request.user, Perm.VIEW_UNITS, None):
        raise PermissionDenied
    reports = {r.unit_id: r for r in DailyReport.objects.filter(unit__in=units, day=day)}
    rows = [(u, reports.get(u.pk), deadline(u, day)) for u in units]
    return render(
        request,
        "reports/my_reports.html",
        {"rows": rows, "day": day, "now": timezone.now(),
         "previous": day - timedelta(days=1), "next": day + timedelta(days=1),
         "today": timezone.localdate(),
         "may_manage_indicators": services_indicators.may_manage(request.user)},
    )  # fmt: skip


class ReportForm(forms.Form):
    """One field per typed indicator of the unit."""

    def __init__(self, *args: Any, indicators: list[Any], initial_values: dict[str, int],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            if indicator.computed:
                continue
            self.fields[indicator.code] = forms.IntegerField(
                label=indicator.label, min_value=0, max_value=10_000_000,
                initial=initial_values.get(indicator.code),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )  # fmt: skip


class AmendForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it is amended"), max_length=200)


def report_detail(request: AuthedRequest, unit: int, day: str) -> HttpResponse:
    target = get_object_or_404(unit_selectors.unit_list(actor=request.user), pk=unit)
    reported_day = _day(request, day)
    if target.level not in REPORTING_LEVELS:
        raise PermissionDenied
    report = DailyReport.objects.filter(unit=target, day=reported_day).first()
    may = services.may_submit(request.user, target)
    indicators = services.indicators_for(target)
    action = request.POST.get("action", "")
    bound = action in ("submit", "amend")
    values = report.values if report else {}
    # The suggestions and the figures from the line lists are for the page: a submission
    # computes its own (the deadline burst showed the page's work done twice per post).
    if request.method != "POST" and (not report or not report.is_submitted):
        typed = [i.code for i in indicators if not i.computed and i.code not in values]
        values = suggest.suggested(target.path, reported_day, typed) | values
    form = ReportForm(
        request.POST if bound else None, indicators=indicators, initial_values=values,
        prefix="v",
    )  # fmt: skip
    amend = AmendForm(request.POST if action == "amend" else None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        try:
            if action == "zero":
                services.report_zero(actor=request.user, unit=target, day=reported_day)
                messages.success(request, _("Zero report submitted."))
                return redirect(request.path)
            if action == "submit" and form.is_valid():
                services.report_submit(
                    actor=request.user, unit=target, day=reported_day, values=form.cleaned_data
                )
                messages.success(request, _("Report submitted."))
                return redirect(request.path)
            if action == "amend" and report is not None and form.is_valid() and amend.is_valid():
                services.report_amend(
                    actor=request.user, report=report, values=form.cleaned_data,
                    reason=amend.cleaned_data["reason"],
                )  # fmt: skip
                messages.success(request, _("The report was amended."))
                return redirect(request.path)
        except ValidationError as error:
            if action == "zero":
                for problem in error.messages:
                    messages.error(request, problem)
                return redirect(request.path)
            errors_to(form, error)
    computed = (
        report.values if report and report.is_submitted
        else services.report_prefill(target, reported_day)
    )  # fmt: skip
    due = deadline(target, reported_day)
    return render(
        request,
        "reports/report_detail.html",
        {
            "unit": target,
            "day": reported_day,
            "report": report,
            "may": may,
            "indicators": indicators,
            "computed": computed,
            "form": form,
            "amend": amend,
            "due": due,
            "now": timezone.now(),
            "amendments": report.amendments.select_related("by") if report else [],
        },
    )


# Units to call a page: enough for a round of calls, short enough for a phone (and quick
# to write out for a city); the next ones are a tap away.
TO_CALL = 50
# Units below shown at first: a city's hundred streets make a long page on a phone. Those
# with the most missing come first, and the whole list is a tap away (as on the dashboard).
CHILD_ROWS = 20


def _most_missing(rows: list[selectors.ChildRow], limit: int) -> list[selectors.ChildRow]:
    return sorted(rows, key=lambda r: (-r.missing, -r.late, r.unit.path))[:limit]


def completeness(request: AuthedRequest, unit: int | None = None) -> HttpResponse:
    """Who has reported for a day, level by level, and whom to call."""
    if not has_perm_at(request.user, Perm.VIEW_UNITS, None):
        raise PermissionDenied
    target = unit_selectors.figures_unit(actor=request.user, pk=unit)
    day = _day(request)
    now = timezone.now()
    try:
        start = max(0, int(request.GET.get("from", "0")))
    except ValueError:
        start = 0
    after = selectors.parse_after(request.GET.get("after", "")) if start else None
    figures = selectors.completeness(target, day, now, limit=TO_CALL, start=start, after=after)
    if start and not figures.missing:  # past the end (the list got shorter): from the first
        figures = selectors.completeness(target, day, now, limit=TO_CALL)
    children = selectors.by_child(target, day, now)
    every = request.GET.get("all") == "1" or len(children) <= CHILD_ROWS
    shown = children if every else _most_missing(children, CHILD_ROWS)
    # The line lists of a whole city take a while to count: a copy kept for every worker
    # when slow, with the moment it was counted shown (core.kept).
    lists, counted_at = kept.get(prefill.line_lists, target, day)
    return render(
        request,
        "reports/completeness.html",
        {"unit": target, "day": day, "figures": figures, "children": children, "shown": shown,
         "crumbs": unit_selectors.breadcrumbs(actor=request.user, unit=target),
         "rollup": selectors.rollup(target, day, line_lists=lists),
         "counted_at": counted_at, "counted_long_ago": (now - counted_at).total_seconds() > 5,
         "previous": day - timedelta(days=1), "next": day + timedelta(days=1),
         "today": timezone.localdate()},
    )  # fmt: skip
