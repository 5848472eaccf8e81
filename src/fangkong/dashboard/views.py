"""The command dashboard (指挥调度): one page per unit of the user's scope."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.dashboard import charts, selectors
from fangkong.orgunits import selectors as unit_selectors

CHILD_ROWS = 20


def _day(request: AuthedRequest, today: date) -> date:
    """The day shown: today unless asked for an earlier one."""
    try:
        asked = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return today
    return min(asked, today)


def dashboard(request: AuthedRequest, unit: int | None = None) -> HttpResponse:
    """Today's figures of a unit's subtree, live and reported, the curves, what is late,
    and the units directly below to drill into (404 outside the user's scope)."""
    if not has_perm_at(request.user, Perm.VIEW_UNITS, None):
        raise PermissionDenied
    target = unit_selectors.figures_unit(actor=request.user, pk=unit)
    today = timezone.localdate()
    day = _day(request, today)
    data = selectors.panels(target, day)
    suffix = "" if day == today else f"?day={day.isoformat()}"

    def url(pk: int) -> str:
        return reverse("dashboard:unit", args=[pk]) + suffix

    for row in data["children"]:
        row.url = url(row.unit.pk)
    # A hundred units below make a long page on a phone (and a slow one to write): those
    # that need the command first, and the whole list a tap away.
    every = data["children"]
    shown = (
        every
        if request.GET.get("all") == "1" or len(every) <= CHILD_ROWS
        else selectors.needing_attention(every, CHILD_ROWS)
    )
    user, path = request.user, target.path
    may = {
        "people": has_perm_at(user, Perm.VIEW_PEOPLE, path),
        "letters": has_perm_at(user, Perm.MANAGE_CASES, None),
        "referrals": has_perm_at(user, Perm.RECORD_REFERRALS, None)
        and has_perm_at(user, Perm.VIEW_PEOPLE, None),
        "supplies": has_perm_at(user, Perm.VIEW_SUPPLIES, path),
        "triage": has_perm_at(user, Perm.TRIAGE_TIPS, path),
        "tips": has_perm_at(user, Perm.HANDLE_TIPS, path),
        "duty": has_perm_at(user, Perm.VIEW_DUTY, path),
        "places": has_perm_at(user, Perm.VIEW_PLACES, path),
    }
    return render(
        request,
        "dashboard/dashboard.html",
        {
            **data,
            "crumbs": unit_selectors.breadcrumbs(actor=user, unit=target),
            "charts": charts.build(data),
            "suffix": suffix,
            "previous": day - timedelta(days=1),
            "reported_before": data["reporting"].day - timedelta(days=1),
            "next": day + timedelta(days=1) if day < today else None,
            "may": may,
            "shown": shown,
            "support": selectors.support(target),
        },
    )
