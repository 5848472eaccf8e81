"""The worker's day: today's follow-ups with entry in place, fever referrals, support."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.observation import selectors, services, services_sites
from fangkong.observation.forms import FollowUpForm, OutcomeForm, SupportCloseForm
from fangkong.observation.models import FollowUp, Kind, Method
from fangkong.observation.views import _require_any


def _initial(followup: FollowUp) -> dict[str, str]:
    # Home observation is mostly checked by phone or self-report; a site's staff visit.
    home = followup.observation.kind == Kind.HOME
    return {"method": Method.PHONE if home else Method.VISIT}


def followups_today(request: AuthedRequest) -> HttpResponse:
    """The day's slots for the worker's people: what is due now and what was missed first."""
    _require_any(request, Perm.RECORD_FOLLOWUPS)
    now = timezone.now()
    rows = list(selectors.followups_due(actor=request.user, now=now)[:300])
    todo = [f for f in rows if f.recorded_at is None]
    done = [f for f in rows if f.recorded_at is not None]
    forms = {f.pk: FollowUpForm(prefix=f"f{f.pk}", initial=_initial(f)) for f in todo}
    return render(
        request,
        "observation/followups_today.html",
        {
            "todo": [(f, forms[f.pk]) for f in todo],
            "today": timezone.localtime(now).date(),
            "done": done,
            "now": now,
            "overdue": sum(1 for f in todo if f.closes_at <= now),
            "open_now": sum(1 for f in todo if f.opens_at <= now < f.closes_at),
        },
    )


def followup_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """One slot's entry: answered with the row alone for htmx, or back to the list."""
    _require_any(request, Perm.RECORD_FOLLOWUPS)
    followup = get_object_or_404(
        FollowUp.objects.visible_to(request.user, Perm.RECORD_FOLLOWUPS).select_related(
            "observation__person", "observation__unit", "observation__room"
        ),
        pk=pk,
    )  # fmt: skip
    form = FollowUpForm(request.POST or None, prefix=f"f{pk}", initial=_initial(followup))
    referral = None
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.followup_record(
                actor=request.user, followup=followup, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to(form, error)
        else:
            followup, referral = recorded.followup, recorded.referral
            if not request.htmx:  # type: ignore[attr-defined]
                if referral is not None:
                    messages.warning(request, _("Fever: %(name)s is referred to the fever clinic.")
                                     % {"name": followup.observation.person.full_name})  # fmt: skip
                else:
                    messages.success(request, _("Recorded."))
                return redirect("observation:followups")
    template = "observation/_followup_row.html"
    if not request.htmx and followup.recorded_at is None:  # type: ignore[attr-defined]
        template = "observation/followup_form.html"
    return render(
        request,
        template,
        {
            "f": followup,
            "form": form,
            "now": timezone.now(),
            "referral": referral,
            "today": timezone.localdate(),
        },
    )


def referral_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.RECORD_REFERRALS)
    _require_any(request, Perm.VIEW_PEOPLE)
    return render(
        request,
        "observation/referral_list.html",
        {"page": Paginator(selectors.referrals_open(actor=request.user), 30).get_page(
            request.GET.get("page"))},
    )  # fmt: skip


def referral_close(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(selectors.referrals_open(actor=request.user), pk=pk)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_close(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The outcome for %(name)s was recorded.") % {
                "name": referral.observation.person.full_name})  # fmt: skip
            return redirect("observation:referrals")
    return render(request, "observation/referral_form.html", {"form": form, "referral": referral})


def support_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.RECORD_FOLLOWUPS)
    open_only = request.GET.get("all") != "1"
    rows = selectors.support_list(actor=request.user, open_only=open_only)
    return render(
        request,
        "observation/support_list.html",
        {"page": Paginator(rows, 30).get_page(request.GET.get("page")), "open_only": open_only},
    )


def support_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Take a request on (assign it to oneself) or close it with what happened."""
    item = get_object_or_404(selectors.support_list(actor=request.user, open_only=False), pk=pk)
    form = SupportCloseForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST":
        if not has_perm_at(request.user, Perm.RECORD_FOLLOWUPS, item.org_path):
            raise PermissionDenied
        try:
            if request.POST.get("action") == "take":
                services_sites.support_assign(
                    actor=request.user, request=item, user=User.objects.get(pk=request.user.pk)
                )
                messages.success(request, _("The request is yours."))
                return redirect("observation:support_item", item.pk)
            if request.POST.get("action") == "close" and form.is_valid():
                services_sites.support_close(actor=request.user, request=item, **form.cleaned_data)
                messages.success(request, _("The request was closed."))
                return redirect("observation:support")
        except ValidationError as error:
            errors_to(form, error)
    return render(request, "observation/support_detail.html", {"item": item, "form": form})
