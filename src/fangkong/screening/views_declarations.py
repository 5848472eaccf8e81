"""The verification queue: staff turn declarations into registry records."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.crypto import mask
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.screening import declarations
from fangkong.screening.forms_declarations import RejectForm, VerifyForm
from fangkong.screening.models import Declaration, DeclarationStatus

PER_PAGE = 30


def _require(request: AuthedRequest) -> None:
    if not has_perm_at(request.user, Perm.VERIFY_DECLARATIONS, None):
        raise PermissionDenied


def _declaration_or_404(request: AuthedRequest, pk: int) -> Declaration:
    return get_object_or_404(declarations.queue(actor=request.user), pk=pk)


def declaration_list(request: AuthedRequest) -> HttpResponse:
    _require(request)
    status = request.GET.get("status", DeclarationStatus.PENDING)
    rows = declarations.queue(actor=request.user)
    if status in DeclarationStatus.values:
        rows = rows.filter(status=status)
    pending_first = Case(When(status=DeclarationStatus.PENDING, then=Value(0)), default=Value(1),
                         output_field=IntegerField())  # fmt: skip
    ordered = (
        rows.order_by(pending_first, "submitted_at")
        if status == "pending"
        else rows.order_by("-submitted_at")
    )
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/declaration_list.html",
        {
            "page": page,
            "status": status,
            "statuses": DeclarationStatus,
            "communities": declarations.poster_communities(actor=request.user)[:30],
        },
    )


def declaration_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    declaration = _declaration_or_404(request, pk)
    review = declarations.review(actor=request.user, declaration=declaration)
    masked = {
        "id_number": mask(review.data.get("id_number", ""), keep_start=4, keep_end=4),
        "phone": mask(review.data.get("phone", "")),
    }
    for member in review.data.get("members", []):
        member["masked"] = mask(member.get("id_number", ""), keep_start=4, keep_end=4)
    pending = declaration.status == DeclarationStatus.PENDING
    return render(
        request,
        "screening/declaration_detail.html",
        {
            "review": review,
            "d": declaration,
            "data": review.data,
            "masked": masked,
            "may_reveal": declarations.may_act(request.user, Perm.REVEAL_PERSONAL, declaration),
            "verify_form": VerifyForm(actor=request.user, community=declaration.unit)
            if pending
            else None,
            "reject_form": RejectForm() if pending else None,
        },
    )


@require_POST
def declaration_reveal(request: AuthedRequest, pk: int, field: str) -> HttpResponse:
    _require(request)
    if field not in ("id_number", "phone"):
        raise Http404
    declaration = _declaration_or_404(request, pk)
    value = declarations.reveal(actor=request.user, declaration=declaration, field=field)
    return render(request, "people/_revealed.html", {"value": value})


@require_POST
def declaration_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    declaration = _declaration_or_404(request, pk)
    form = VerifyForm(request.POST, actor=request.user, community=declaration.unit)
    if not form.is_valid():
        messages.error(request, _("Pick the grid the household lives in."))
        return redirect("screening:declaration", pk=pk)
    try:
        person = declarations.declaration_verify(
            actor=request.user, declaration=declaration, grid=form.cleaned_data["grid"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("screening:declaration", pk=pk)
    messages.success(
        request, _("Verified: %(name)s is in the registry.") % {"name": person.full_name}
    )
    return redirect(reverse("screening:declarations"))


@require_POST
def declaration_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    declaration = _declaration_or_404(request, pk)
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the declaration is rejected."))
        declarations.declaration_reject(
            actor=request.user, declaration=declaration, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("screening:declaration", pk=pk)
    messages.success(request, _("The declaration was rejected; the reason is kept."))
    return redirect("screening:declarations")


def declaration_poster(request: AuthedRequest, pk: int) -> HttpResponse:
    """A printable poster with the community's QR code for the public form."""
    _require(request)
    # A community's own workers print it too, from the grids inside it.
    community = get_object_or_404(declarations.poster_communities(actor=request.user), pk=pk)
    url = request.build_absolute_uri(reverse("declare:form", args=[community.code]))
    svg = segno.make(url, error="m").svg_inline(scale=8, dark="#000", omitsize=True)
    return render(
        request,
        "screening/declaration_poster.html",
        {"community": community, "url": url, "qr": mark_safe(svg)},
    )
