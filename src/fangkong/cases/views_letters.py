"""Assistance letters: the district's list, one letter, a letter received, the PDF."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.cases import letters_pdf
from fangkong.cases import services_letters as letters
from fangkong.cases.forms_letters import LetterReceiveForm, LetterResultForm
from fangkong.cases.models import AssistanceLetter, Direction
from fangkong.cases.services import PersonIn
from fangkong.core.exports import pdf_response
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest

TAB_LABELS = {
    "waiting": gettext_lazy("Waiting for an answer"),
    "overdue": gettext_lazy("Overdue"),
    "drafted": gettext_lazy("Drafted"),
    "result": gettext_lazy("Result received"),
    "received": gettext_lazy("Received from elsewhere"),
}


def _require_any(request: AuthedRequest) -> None:
    if not has_perm_at(request.user, Perm.MANAGE_CASES, None):
        raise PermissionDenied


def _letter_or_404(request: AuthedRequest, pk: int) -> AssistanceLetter:
    _require_any(request)
    return get_object_or_404(letters.letter_list(actor=request.user), pk=pk)


def _shown(letter: AssistanceLetter, now: datetime) -> AssistanceLetter:
    """What a page shows of a letter beside its fields (derived, never stored)."""
    letter.shown_number = letters.sender_number(letter)  # type: ignore[attr-defined]
    letter.overdue = letters.is_overdue(letter, now)  # type: ignore[attr-defined]
    letter.name = (  # type: ignore[attr-defined]
        letter.person.full_name if letter.person else letter.handoff.full_name if letter.handoff
        else ""
    )  # fmt: skip
    return letter


def letter_list(request: AuthedRequest) -> HttpResponse:
    """Letters by where they stand; those waiting by their due time, the overdue first."""
    _require_any(request)
    tab = request.GET.get("tab", "waiting")
    tab = tab if tab in letters.TABS else "waiting"
    now = timezone.now()
    visible = letters.letter_list(actor=request.user)
    counts = letters.letter_counts(visible, now)
    page = Paginator(letters.letters_in(visible, tab, now), 30).get_page(request.GET.get("page"))
    page.object_list = [_shown(letter, now) for letter in page.object_list]
    return render(
        request,
        "cases/letter_list.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [(t, TAB_LABELS[t], counts[t]) for t in letters.TABS],
            "now": now,
        },
    )


def letter_receive(request: AuthedRequest) -> HttpResponse:
    """A letter from another locality: the person goes to a unit's hand-offs to visit."""
    _require_any(request)
    form = LetterReceiveForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        who = PersonIn(
            full_name=data["full_name"], id_type=data["id_type"], id_number=data["id_number"],
            phone=data["phone"],
        )  # fmt: skip
        try:
            letter = letters.letter_receive(
                actor=request.user, unit=data["unit"], authority=data["authority"],
                region=data["region"], number=data["number"], who=who,
                exposure=data["exposure"], address=data["address"],
            )  # fmt: skip
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(
                request,
                _("Received: %(name)s is in the hand-offs of %(unit)s.")
                % {"name": data["full_name"], "unit": letter.unit.name},
            )
            return redirect("cases:letter", letter.pk)
    return render(request, "cases/letter_receive.html", {"form": form})


def letter_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One letter, its steps so far, and the next one."""
    letter = _letter_or_404(request, pk)
    action = request.POST.get("action", "")
    result = LetterResultForm(request.POST if action == "result" else None)
    if request.method == "POST":
        try:
            if action == "send":
                letters.letter_send(actor=request.user, letter=letter)
                messages.success(request, _("Letter %(number)s is sent.") % {
                    "number": letter.number})  # fmt: skip
                return redirect("cases:letter", letter.pk)
            if action == "acknowledge":
                letters.letter_acknowledge(actor=request.user, letter=letter)
                messages.success(request, _("Recorded."))
                return redirect("cases:letter", letter.pk)
            if action == "result" and result.is_valid():
                letters.letter_result(actor=request.user, letter=letter, **result.cleaned_data)
                messages.success(request, _("The result was recorded."))
                return redirect("cases:letter", letter.pk)
        except ValidationError as error:
            if action == "result":
                errors_to(result, error)
            else:  # a button pressed twice, or in two tabs: nothing to correct in a form
                messages.error(request, " ".join(error.messages))
                return redirect("cases:letter", letter.pk)
    identity = letters.identity_of(letter)
    masked = letter.person.masked_id_number if letter.person else ""
    return render(
        request,
        "cases/letter_detail.html",
        {
            "letter": _shown(letter, timezone.now()),
            "incoming": letter.direction == Direction.IN,
            "masked_id": masked or (identity.masked_id_number if identity else ""),
            "waiting": letter.direction == Direction.OUT and letter.state in letters.WAITING,
            "result": result,
            "may_print": letter.direction == Direction.OUT
            and has_perm_at(request.user, Perm.REVEAL_PERSONAL, letter.org_path),
            "may_see_handoff": letter.handoff is not None
            and has_perm_at(request.user, Perm.RECORD_VISITS, letter.handoff.org_path),
            "now": timezone.now(),
        },
    )


def letter_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The letter to print and send; its full ID number makes every print an export."""
    letter = _letter_or_404(request, pk)
    if letter.direction != Direction.OUT or not has_perm_at(
        request.user, Perm.REVEAL_PERSONAL, letter.org_path
    ):
        raise PermissionDenied
    return pdf_response(
        request, letters_pdf.letter_pdf(letter, request.user), target=letter,
        filename=f"letter-{letter.pk}.pdf", letter=letter.number,
    )  # fmt: skip
