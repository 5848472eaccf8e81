"""Hand-offs to the destination community, fever referrals, and alerts."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.checkpoints import selectors, services
from fangkong.checkpoints.forms import HandoffCloseForm, HandoffConfirmForm, ReferralForm
from fangkong.checkpoints.models import HandoffState
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.text import is_id
from fangkong.core.types import AuthedRequest
from fangkong.orgunits import selectors as unit_selectors

FIGURE_DAYS = 14
TABS = ("open", "overdue", HandoffState.CONFIRMED, HandoffState.NOT_FOUND, HandoffState.LEFT)


def _require_any(request: AuthedRequest, *perms: Perm) -> None:
    if not any(has_perm_at(request.user, perm, None) for perm in perms):
        raise PermissionDenied


def handoff_list(request: AuthedRequest) -> HttpResponse:
    """The destination's list: the open hand-offs, those past their due time first."""
    _require_any(request, Perm.RECORD_VISITS)
    state = request.GET.get("state", "open")
    state = state if state in TABS else "open"
    query = request.GET.get("q", "").strip()
    handoffs = selectors.handoff_list(actor=request.user, state=state, query=query)
    return render(
        request,
        "checkpoints/handoff_list.html",
        {
            "page": Paginator(handoffs, 30).get_page(request.GET.get("page")),
            "state": state,
            "query": query,
            "tabs": [
                (t, HandoffState(t).label if t in HandoffState.values else None) for t in TABS
            ],
            "now": timezone.now(),
        },
    )


def _handoff_or_404(request: AuthedRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(selectors.handoff_list(actor=request.user, state="all"), pk=pk)


def handoff_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    handoff = _handoff_or_404(request, pk)
    may_close = request.user.has_perm(Perm.RECORD_VISITS, handoff) and handoff.state == "open"
    community = services.handoff_community(handoff)
    confirm = HandoffConfirmForm(
        request.POST if request.POST.get("action") == "confirm" else None, actor=request.user,
        initial={"unit": handoff.unit.code if handoff.unit_id != community.pk else "",
                 "address": handoff.address},
    )  # fmt: skip
    close = HandoffCloseForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST":
        if not may_close:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "confirm" and confirm.is_valid():
                services.handoff_confirm(
                    actor=request.user, handoff=handoff, **confirm.cleaned_data
                )
                messages.success(request, _("Confirmed: %(name)s is in the registry.") % {
                    "name": handoff.full_name})  # fmt: skip
                return redirect("checkpoints:handoffs")
            if request.POST.get("action") == "close" and close.is_valid():
                services.handoff_close(actor=request.user, handoff=handoff, **close.cleaned_data)
                messages.success(request, _("The hand-off was closed."))
                return redirect("checkpoints:handoffs")
        except ValidationError as error:
            errors_to(confirm if request.POST.get("action") == "confirm" else close, error)
    travellers = handoff.travellers.select_related("passage__checkpoint").order_by(
        "passage__passed_at"
    )
    return render(
        request,
        "checkpoints/handoff_detail.html",
        {
            "handoff": handoff,
            "travellers": travellers,
            "community": community,
            "confirm": confirm,
            "close": close,
            "may_close": may_close,
            "may_observe": handoff.person_id is not None
            and has_perm_at(request.user, Perm.MANAGE_OBSERVATION, handoff.org_path)
            and not handoff.person.observations.filter(state__in=["active", "escalated"]).exists(),
            "now": timezone.now(),
        },
    )


def handoff_figures(request: AuthedRequest, unit: int | None = None) -> HttpResponse:
    """Hand-offs issued, closed, open and overdue per unit, from the district down."""
    _require_any(request, Perm.VIEW_UNITS)
    target = unit_selectors.figures_unit(actor=request.user, pk=unit)
    since = timezone.now() - timedelta(days=FIGURE_DAYS)
    total, rows = selectors.handoff_figures(target, since)
    crumbs = unit_selectors.breadcrumbs(actor=request.user, unit=target)
    return render(
        request,
        "checkpoints/handoff_figures.html",
        {"unit": target, "total": total, "rows": rows, "crumbs": crumbs, "days": FIGURE_DAYS},
    )


def referral_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.RECORD_REFERRALS)
    return render(
        request,
        "checkpoints/referral_list.html",
        {"page": Paginator(selectors.referrals_open(actor=request.user), 30).get_page(
            request.GET.get("page"))},
    )  # fmt: skip


def referral_close(request: AuthedRequest, pk: int) -> HttpResponse:
    traveller = get_object_or_404(selectors.referrals_open(actor=request.user), pk=pk)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_close(actor=request.user, traveller=traveller, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The outcome for %(name)s was recorded.") % {
                "name": traveller.full_name})  # fmt: skip
            return redirect("checkpoints:referrals")
    return render(request, "checkpoints/referral_form.html", {"form": form, "traveller": traveller})


def alert_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.RECEIVE_ALERTS)
    alerts = selectors.alerts_for(actor=request.user)
    unseen = request.GET.get("all") != "1"
    if unseen:
        alerts = alerts.filter(seen_at__isnull=True)
    return render(
        request,
        "checkpoints/alert_list.html",
        {"page": Paginator(alerts, 30).get_page(request.GET.get("page")), "unseen": unseen},
    )


@require_POST
def alerts_seen(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.RECEIVE_ALERTS)
    ids = [int(i) for i in request.POST.getlist("alert") if is_id(i)]
    count = services.alerts_seen(
        actor=request.user, alerts=selectors.alerts_for(actor=request.user).filter(pk__in=ids)
    )
    messages.success(request, _("Alerts marked as seen: %(count)d.") % {"count": count})
    return redirect("checkpoints:alerts")
