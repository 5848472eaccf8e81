"""Campaigns, the grid worker's door-to-door list, the visit form, and coverage."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.core.types import AuthedRequest
from fangkong.orgunits import selectors as unit_selectors
from fangkong.orgunits.models import OrgUnit
from fangkong.people import risk
from fangkong.people import services as people
from fangkong.people.models import Household, Person
from fangkong.screening import selectors, services
from fangkong.screening.forms import CampaignForm, HouseholdAddForm, VisitForm
from fangkong.screening.models import Campaign, VisitResult

PER_PAGE = 30


def _require(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def campaign_list(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.VIEW_UNITS)
    campaigns = selectors.campaign_list(actor=request.user)
    running = (
        list(selectors.campaigns_running(actor=request.user))
        if has_perm_at(request.user, Perm.RECORD_VISITS, None)
        else []
    )
    return render(
        request,
        "screening/campaign_list.html",
        {
            "campaigns": campaigns,
            "running": running,
            "today": timezone.localdate(),
            "may_add": has_perm_at(request.user, Perm.MANAGE_CAMPAIGNS, None),
        },
    )


def campaign_create(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.MANAGE_CAMPAIGNS)
    form = CampaignForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The campaign was created."))
            return redirect("screening:coverage", pk=campaign.pk)
    return render(request, "screening/campaign_form.html", {"form": form})


def coverage(request: AuthedRequest, pk: int, unit: int | None = None) -> HttpResponse:
    """Households screened per unit, from the campaign's area down to the grids."""
    _require(request, Perm.VIEW_UNITS)
    campaign = get_object_or_404(
        Campaign.objects.select_related("unit").filter(
            pk__in=selectors.campaigns_visible_from_below(actor=request.user)
        ),
        pk=pk,
    )
    if unit is None:
        roots = scope_roots(request.user, Perm.VIEW_UNITS)
        start = campaign.unit
        if roots is not None and not any(start.path.startswith(r) for r in roots):
            # A worker sees the district's campaign from its own unit down.
            start = OrgUnit.objects.filter(path__in=roots).order_by("path").first() or start
        target = start
    else:
        target = get_object_or_404(unit_selectors.unit_list(actor=request.user), pk=unit)
        if not target.path.startswith(campaign.org_path):
            target = get_object_or_404(OrgUnit.objects.none(), pk=unit)
    total, rows = selectors.coverage(campaign=campaign, unit=target)
    crumbs = [u for u in target.ancestors() if request.user.has_perm(Perm.VIEW_UNITS, u)]
    crumbs = [u for u in crumbs if u.path.startswith(campaign.org_path)]
    return render(
        request,
        "screening/coverage.html",
        {
            "campaign": campaign,
            "unit": target,
            "total": total,
            "rows": rows,
            "crumbs": crumbs,
            "may_visit": has_perm_at(request.user, Perm.RECORD_VISITS, target.path)
            and campaign.starts_on <= timezone.localdate() <= campaign.ends_on,
        },
    )


def _running_or_404(request: AuthedRequest, pk: int) -> Campaign:
    return get_object_or_404(selectors.campaigns_running(actor=request.user), pk=pk)


def household_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """The worker's list: the households still to visit first, one tap to the visit form."""
    _require(request, Perm.RECORD_VISITS)
    campaign = _running_or_404(request, pk)
    query = request.GET.get("q", "").strip()
    households = selectors.worker_households(actor=request.user, campaign=campaign, query=query)
    page = Paginator(households, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/household_list.html",
        {
            "campaign": campaign,
            "page": page,
            "query": query,
            "add_form": HouseholdAddForm(actor=request.user),
            "results": VisitResult,
        },
    )


@require_POST
def household_add(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.RECORD_VISITS)
    campaign = _running_or_404(request, pk)
    form = HouseholdAddForm(request.POST, actor=request.user)
    if form.is_valid() and form.cleaned_data["unit"].path.startswith(campaign.org_path):
        try:
            household, created = people.household_get_or_create(
                actor=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            if not created:
                messages.info(request, _("This household is already registered."))
            return redirect("screening:visit", pk=campaign.pk, household=household.pk)
    else:
        messages.error(request, _("Pick a grid in the campaign's area and enter the address."))
    return redirect("screening:households", pk=campaign.pk)


def visit(request: AuthedRequest, pk: int, household: int) -> HttpResponse:
    _require(request, Perm.RECORD_VISITS)
    campaign = _running_or_404(request, pk)
    home = get_object_or_404(
        Household.objects.visible_to(request.user, Perm.RECORD_VISITS)
        .in_subtree(campaign.org_path)
        .select_related("unit"),
        pk=household,
    )
    members = list(Person.objects.current().filter(household=home).order_by("id"))
    form = VisitForm(request.POST or None, household=home, members=members)
    threshold = risk.policy_on(home.org_path, timezone.localdate()).fever_threshold
    if request.method == "POST" and form.is_valid():
        result = form.cleaned_data["result"]
        settled = result not in (VisitResult.NOBODY_HOME, VisitResult.VACANT)
        try:
            services.visit_record(
                actor=request.user,
                campaign=campaign,
                household=home,
                result=result,
                findings=form.findings if settled else [],
                new_members=form.new_members if settled else [],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            field_errors = error.message_dict if hasattr(error, "error_dict") else {}
            for name, texts in field_errors.items():
                target = f"new_{name}" if f"new_{name}" in form.fields else None
                for text in texts:
                    form.add_error(target, text)
            if not field_errors:
                form.add_error(None, error)
        else:
            fevers = [
                f.person.full_name
                for f in form.findings
                if settled and f.temperature is not None and f.temperature >= threshold
            ]
            if fevers:
                messages.warning(
                    request,
                    _("Fever recorded for %(names)s: report it to the community doctor now.")
                    % {"names": ", ".join(fevers)},
                )
            messages.success(request, _("Visit to %(address)s saved.") % {"address": home.address})
            return redirect(reverse("screening:households", args=[campaign.pk]) + "#next")
    return render(
        request,
        "screening/visit_form.html",
        {"campaign": campaign, "household": home, "form": form, "threshold": threshold},
    )
