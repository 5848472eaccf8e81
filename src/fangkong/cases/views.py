"""Case pages: the list (late reports marked), reporting, a case with its chain, contacts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases import chains, selectors, services, services_letters
from fangkong.cases.forms import (
    ClassifyForm,
    ContactForm,
    EventForm,
    LetterForm,
    ObserveForm,
    ReportForm,
    TreatmentForm,
)
from fangkong.cases.models import Case, Classification, Contact, Tracing
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.text import is_id
from fangkong.core.types import AuthedRequest
from fangkong.observation.models import Referral, ReferralOutcome
from fangkong.observation.services import Member
from fangkong.people.models import Person

TABS = ("active", *Classification.values, "all")


def _require_any(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def case_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.VIEW_PEOPLE)
    tab = request.GET.get("c", "active")
    tab = tab if tab in TABS else "active"
    query = request.GET.get("q", "").strip()
    rows = selectors.case_list(actor=request.user, classification=tab, query=query)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    late = {case.pk for case in page if services.is_late(case)}
    tabs = [("active", _("Active")), *Classification.choices, ("all", _("All"))]
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "tab": tab, "tabs": tabs, "query": query, "late": late},
    )


def case_report(request: AuthedRequest, person: int) -> HttpResponse:
    """A new case for a person of the registry, from a fever referral when there is one."""
    found = get_object_or_404(Person.objects.visible_to(request.user, Perm.VIEW_PEOPLE), pk=person)
    if not (
        has_perm_at(request.user, Perm.DIAGNOSE_CASES, found.org_path)
        or has_perm_at(request.user, Perm.MANAGE_CASES, found.org_path)
    ):
        raise PermissionDenied
    referral = None
    referral_id = request.GET.get("referral") or request.POST.get("referral")
    if referral_id and is_id(referral_id):
        referral = get_object_or_404(
            Referral.objects.visible_to(request.user, Perm.VIEW_PEOPLE),
            pk=referral_id, observation__person=found, outcome=ReferralOutcome.SUSPECTED,
        )  # fmt: skip
    initial: dict[str, Any] = {"classification": Classification.SUSPECTED}
    if referral is not None:
        at = timezone.localtime(referral.closed_at or timezone.now())
        initial |= {
            "diagnosed_at": at.strftime("%Y-%m-%dT%H:%M"),
            "reporting_institution": referral.clinic,
        }
    form = ReportForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_report(
                actor=request.user, person=found, referral=referral, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to(form, error)
        except PermissionDenied as error:
            form.add_error("classification", str(error))
        else:
            messages.success(request, _("Case %(number)s was reported.") % {"number": case.number})
            return redirect("cases:detail", case.pk)
    return render(
        request, "cases/case_report.html", {"person": found, "form": form, "referral": referral}
    )


def _case_or_404(request: AuthedRequest, pk: int) -> Case:
    return get_object_or_404(selectors.case_list(actor=request.user), pk=pk)


def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    user = request.user
    steps = [
        s for s, perm in services.rules.next_steps(case.classification).items()
        if has_perm_at(user, perm, case.org_path)
    ]  # fmt: skip
    action = request.POST.get("action", "")
    posted = request.POST if request.method == "POST" else None
    forms: dict[str, Form] = {
        "classify": ClassifyForm(posted if action == "classify" else None, steps=steps,
                                 prefix="classify"),
        "treatment": TreatmentForm(
            posted if action == "treatment" else None, actor=user, prefix="treatment",
            initial={"severity": case.severity, "hospital": case.hospital_id,
                     "outcome": case.outcome},
        ),
    }  # fmt: skip
    if request.method == "POST":
        form = forms.get(action)
        if form is None or (
            not has_perm_at(user, Perm.DIAGNOSE_CASES, case.org_path)
            and not (action == "classify" and steps)
        ):
            raise PermissionDenied
        if form.is_valid():
            try:
                if action == "classify":
                    services.case_classify(actor=user, case=case, **form.cleaned_data)
                else:
                    services.case_treatment(actor=user, case=case, **form.cleaned_data)
            except ValidationError as error:
                errors_to(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("cases:detail", case.pk)
    root = chains.tree(case.person_id)
    names, numbers = selectors.chain_labels(actor=user, root=root)
    contacts = (
        case.contacts.visible_to(user, Perm.VIEW_PEOPLE)
        .select_related("person", "observation", "via__person")
        .order_by("level", "id")
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "forms": forms,
            "action": action,
            "steps": steps,
            "window": services.window(case),
            "late": services.is_late(case),
            "history": case.history.select_related("by"),
            "contacts": contacts,
            "tree": root,
            "names": names,
            "numbers": numbers,
            "may_trace": has_perm_at(user, Perm.MANAGE_CASES, case.org_path),
            "may_treat": has_perm_at(user, Perm.DIAGNOSE_CASES, case.org_path),
            "counts": {t: sum(1 for c in contacts if c.state == t) for t in Tracing.values},
        },
    )


def contact_add(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    if not has_perm_at(request.user, Perm.MANAGE_CASES, case.org_path):
        raise PermissionDenied
    form = ContactForm(request.POST or None, actor=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        who = services.PersonIn(
            full_name=data["full_name"], id_type=data["id_type"], id_number=data["id_number"],
            phone=data["phone"], unit=data["unit"],
        )  # fmt: skip
        try:
            contact = services.contact_add(
                actor=request.user, case=case, who=who, setting=data["setting"],
                last_contact=data["last_contact"], relation=data["relation"],
                level=data["level"], via=data["via"], gone_to=data["gone_to"],
                event=data["event"],
            )  # fmt: skip
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": contact.person})
            return redirect("cases:contact", contact.pk)
    return render(
        request,
        "cases/contact_form.html",
        {"case": case, "form": form, "window": services.window(case)},
    )


def contact_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The next step for a contact: observation here, or a letter to where they went."""
    contact = get_object_or_404(selectors.contact_list(actor=request.user), pk=pk)
    may = has_perm_at(request.user, Perm.MANAGE_CASES, contact.org_path)
    action = request.POST.get("action", "")
    posted = request.POST if request.method == "POST" else None
    observe = ObserveForm(
        posted if action == "observe" else None, actor=request.user, prefix="observe",
        initial={"lead": request.user.full_name},
    )  # fmt: skip
    letter = LetterForm(
        posted if action == "letter" else None, prefix="letter",
        initial={"region": contact.gone_to},
    )  # fmt: skip
    if request.method == "POST":
        if not may or action not in ("observe", "letter"):
            raise PermissionDenied
        form: Form = observe if action == "observe" else letter
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "observe":
                    room = data["room"]
                    done = services.contact_observe(
                        actor=request.user, contact=contact, kind=data["kind"],
                        team=[Member("cadre", data["lead"], data["lead_phone"], lead=True)],
                        site=room.site if room else None, room=room,
                    )  # fmt: skip
                    return redirect("observation:detail", done.pk)
                sent = services_letters.letter_draft(actor=request.user, contact=contact, **data)
                return redirect("cases:letter", sent.pk)
            except ValidationError as error:
                errors_to(form, error)
    return render(
        request,
        "cases/contact_detail.html",
        {"contact": contact, "may": may and contact.state == Tracing.FOUND,
         "observe": observe, "letter": letter, "action": action},
    )  # fmt: skip


def event_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.VIEW_PEOPLE)
    may_add = has_perm_at(request.user, Perm.MANAGE_CASES, None)
    form = EventForm(request.POST or None, actor=request.user) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                event = services.event_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to(form, error)
            else:
                return redirect("cases:event", event.pk)
    rows = selectors.event_list(actor=request.user)
    return render(
        request,
        "cases/event_list.html",
        {"page": Paginator(rows, 30).get_page(request.GET.get("page")), "form": form},
    )


def event_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A cluster: every case linked to the event, each with its chain."""
    event = get_object_or_404(selectors.event_list(actor=request.user), pk=pk)
    contacts = list(
        Contact.objects.visible_to(request.user, Perm.VIEW_PEOPLE)
        .filter(event=event, case__in=selectors.case_list(actor=request.user))
        .select_related("case__person")
    )
    cases = {c.case for c in contacts}
    trees = []
    for case in sorted(cases, key=lambda c: c.number):
        root = chains.tree(case.person_id)
        names, numbers = selectors.chain_labels(actor=request.user, root=root)
        trees.append((case, root, names, numbers))
    return render(request, "cases/event_detail.html", {"event": event, "trees": trees})
