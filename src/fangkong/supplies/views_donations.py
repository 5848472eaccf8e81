"""Donation pages: the list, recording one, its page, its receipt (a PDF, audited as an
export) and the donor's phone (masked; revealed into the audit log)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.exports import pdf_response
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.core.types import AuthedRequest
from fangkong.orgunits.models import OrgUnit
from fangkong.supplies import receipt, selectors, services_donations
from fangkong.supplies.forms import DonationForm
from fangkong.supplies.models import Donation
from fangkong.supplies.views import require_any


def _donation_or_404(request: AuthedRequest, pk: int) -> Donation:
    require_any(request, Perm.VIEW_SUPPLIES)
    return get_object_or_404(selectors.donation_list(actor=request.user), pk=pk)


def donation_list(request: AuthedRequest) -> HttpResponse:
    require_any(request, Perm.VIEW_SUPPLIES)
    rows = selectors.donation_list(actor=request.user).prefetch_related("lines")
    return render(
        request,
        "supplies/donations.html",
        {"page": Paginator(rows, 30).get_page(request.GET.get("page")),
         "may_add": has_perm_at(request.user, Perm.MANAGE_SUPPLIES, None)},
    )  # fmt: skip


def _home_unit(request: AuthedRequest) -> str:
    roots = scope_roots(request.user, Perm.MANAGE_SUPPLIES) or []
    found = OrgUnit.objects.filter(path__in=roots).order_by("path").first()
    return found.code if found else ""


def donation_create(request: AuthedRequest) -> HttpResponse:
    require_any(request, Perm.MANAGE_SUPPLIES)
    initial = {"received_on": timezone.localdate(), "unit": _home_unit(request)}
    form = DonationForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = [services_donations.Line(item, quantity, value)
                 for item, quantity, value in form.lines()]  # fmt: skip
        if not form.errors:
            try:
                donation = services_donations.donation_receive(
                    actor=request.user, kind=data["kind"], donor_kind=data["donor_kind"],
                    donor_name=data["donor_name"], donor_phone=data["donor_phone"],
                    unit=data["unit"], store=data["store"], amount=data["amount"], lines=lines,
                    received_on=data["received_on"], note=data["note"],
                )  # fmt: skip
            except ValidationError as error:
                errors_to(form, error)
            else:
                messages.success(
                    request,
                    _("Recorded as %(number)s. Print the receipt for the donor.")
                    % {"number": donation.number},
                )
                return redirect("supplies:donation", pk=donation.pk)
    return render(request, "supplies/donation_form.html", {"form": form})


def donation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    donation = _donation_or_404(request, pk)
    return render(
        request,
        "supplies/donation.html",
        {"d": donation, "lines": donation.lines.select_related("item"),
         "may_manage": has_perm_at(request.user, Perm.MANAGE_SUPPLIES, donation.org_path)},
    )  # fmt: skip


def donation_receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    donation = _donation_or_404(request, pk)
    if not has_perm_at(request.user, Perm.MANAGE_SUPPLIES, donation.org_path):
        raise PermissionDenied
    return pdf_response(
        request, receipt.receipt_pdf(donation, request.user), target=donation,
        filename=f"receipt-{donation.number}.pdf", receipt=donation.number,
    )  # fmt: skip


@require_POST
def donation_phone(request: AuthedRequest, pk: int) -> HttpResponse:
    require_any(request, Perm.MANAGE_SUPPLIES)
    donation = _donation_or_404(request, pk)
    value = services_donations.donation_reveal_phone(actor=request.user, donation=donation)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.info(request, value or "—")
        return redirect("supplies:donation", pk=donation.pk)
    return render(request, "supplies/_revealed.html", {"value": value})
