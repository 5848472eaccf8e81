"""The HQ's bulletin pages: the list, a draft for a day, edit, approve and publish, correct,
and a preview of the downloads. Everything needs ``Perm.PUBLISH_BULLETIN`` at the district;
a bulletin outside the user's units is a 404, one inside without the permission a 403."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import audit
from fangkong.bulletin import selectors, services
from fangkong.bulletin import text as bulletin_text
from fangkong.bulletin.forms import CorrectForm, EditForm, GenerateForm
from fangkong.bulletin.image import bulletin_png
from fangkong.bulletin.models import Bulletin
from fangkong.bulletin.pdf import bulletin_pdf
from fangkong.core.exports import pdf_response
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.orgunits.models import OrgUnit


def _bulletin(request: AuthedRequest, pk: int) -> Bulletin:
    bulletin = get_object_or_404(selectors.bulletin_for(actor=request.user), pk=pk)
    if not services.may_publish(request.user, bulletin.unit):
        raise PermissionDenied
    return bulletin


def _district(request: AuthedRequest, pk: int) -> OrgUnit:
    unit = get_object_or_404(selectors.district_for(actor=request.user), pk=pk)
    if not services.may_publish(request.user, unit):
        raise PermissionDenied
    return unit


def manage(request: AuthedRequest) -> HttpResponse:
    if not has_perm_at(request.user, Perm.PUBLISH_BULLETIN, None):
        raise PermissionDenied
    rows = selectors.bulletin_list(actor=request.user).order_by("-day", "org_path")
    return render(
        request,
        "bulletin/manage_list.html",
        {
            "districts": list(selectors.districts(actor=request.user)),
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
        },
    )


def new(request: AuthedRequest, unit: int) -> HttpResponse:
    """Generate the draft of a day (or refresh the day's draft)."""
    district = _district(request, unit)
    initial = {
        "day": timezone.localdate() - timedelta(days=1),
        "language": translation.get_language(),
    }
    form = GenerateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.bulletin_generate(
                actor=request.user, unit=district, day=form.cleaned_data["day"],
                language=form.cleaned_data["language"],
            )  # fmt: skip
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The draft was generated from the daily reports."))
            return redirect("bulletin:edit", bulletin.pk)
    recent = selectors.bulletin_list(actor=request.user).filter(unit=district).order_by("-day")
    return render(
        request,
        "bulletin/manage_new.html",
        {"district": district, "form": form, "recent": recent[:7]},
    )


def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    if bulletin.is_published and request.method == "POST":
        messages.error(request, _("A published bulletin is locked; correct it instead."))
        return redirect("bulletin:correct", bulletin.pk)
    form = EditForm(request.POST or None, initial={"title": bulletin.title, "text": bulletin.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_edit(actor=request.user, bulletin=bulletin, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("bulletin:edit", bulletin.pk)
    return render(
        request,
        "bulletin/manage_edit.html",
        {
            "bulletin": bulletin,
            "form": form,
            "rows": bulletin_text.figure_rows(bulletin.figures),
            "revisions": bulletin.revisions.select_related("approved_by", "corrected_by"),
            "day_over": bulletin.day < timezone.localdate(),
        },
    )


def _refused(request: AuthedRequest, error: ValidationError) -> None:
    for problem in error.messages:
        messages.error(request, problem)


@require_POST
def regenerate(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    try:
        services.bulletin_generate(
            actor=request.user, unit=bulletin.unit, day=bulletin.day, language=bulletin.language
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The figures and the text were generated again."))
    return redirect("bulletin:edit", bulletin.pk)


@require_POST
def publish(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    try:
        services.bulletin_publish(actor=request.user, bulletin=bulletin)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The bulletin was approved and published."))
    return redirect("bulletin:edit", bulletin.pk)


def correct(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    if not bulletin.is_published:
        return redirect("bulletin:edit", bulletin.pk)
    form = CorrectForm(
        request.POST or None, initial={"title": bulletin.title, "text": bulletin.text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_correct(actor=request.user, bulletin=bulletin, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The correction was published."))
            return redirect("bulletin:edit", bulletin.pk)
    return render(request, "bulletin/manage_correct.html", {"bulletin": bulletin, "form": form})


def preview(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The PDF or the phone image of any bulletin, drafts included: an audited export."""
    bulletin = _bulletin(request, pk)
    name = f"bulletin-{bulletin.unit.code}-{bulletin.day.isoformat()}"
    if fmt == "pdf":
        return pdf_response(
            request, bulletin_pdf(bulletin), target=bulletin, filename=f"{name}.pdf",
            format="pdf", revision=bulletin.revision, state=bulletin.state,
        )  # fmt: skip
    if fmt != "png":
        raise Http404
    audit.record(
        actor=request.user, action=audit.Action.EXPORT, target=bulletin,
        changes={"format": "png", "revision": bulletin.revision, "state": bulletin.state},
    )  # fmt: skip
    response = HttpResponse(bulletin_png(bulletin), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{name}.png"'
    return response
