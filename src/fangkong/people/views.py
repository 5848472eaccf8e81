"""Persons, households and journeys: the registry's staff pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.observation import views as observation_views
from fangkong.observation.models import OPEN_STATES
from fangkong.people import exporting, merging, risk, selectors, services
from fangkong.people.forms import PersonEditForm, PersonFilterForm, PersonForm, TravelForm
from fangkong.people.models import Household, Person, RiskStatus, TravelRecord

PER_PAGE = 50


def _require(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def _person_or_404(request: AuthedRequest, pk: int, perm: Perm = Perm.VIEW_PEOPLE) -> Person:
    return get_object_or_404(selectors.person_get_queryset(actor=request.user, perm=perm), pk=pk)


SEARCH = "people_search"  # session key: the last search text, kept out of every URL


def _filters(request: AuthedRequest) -> tuple[PersonFilterForm, dict[str, str]]:
    """The list's filters: status and tag from the URL; the search text (a name, or an ID
    or phone number) from the session, where the search form's POST put it, so that no
    number lands in a URL, a browser history or a server log."""
    data = request.GET.copy()
    if request.GET.get("search") == "1":
        data["q"] = request.session.get(SEARCH, "")
    form = PersonFilterForm(data or None)
    filters: dict[str, str] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    return form, filters


def person_list(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.VIEW_PEOPLE)
    if request.method == "POST":
        posted = PersonFilterForm(request.POST)
        query = posted.cleaned_data.get("q", "") if posted.is_valid() else ""
        request.session[SEARCH] = query
        params = {k: request.POST.get(k, "") for k in ("status", "tag") if request.POST.get(k)}
        if query:
            params["search"] = "1"
        return redirect(f"{reverse('people:list')}?{urlencode(params)}")
    form, filters = _filters(request)
    people = selectors.person_list(
        actor=request.user,
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        tag=filters.get("tag", ""),
    )
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/person_list.html",
        {
            "page": page,
            "form": form,
            "filtered": bool(filters),
            "may_add": has_perm_at(request.user, Perm.MANAGE_PEOPLE, None),
            "may_export": has_perm_at(request.user, Perm.EXPORT, None),
            "may_export_full": has_perm_at(request.user, Perm.EXPORT, None)
            and exporting.may_export_full(request.user),
            "statuses": RiskStatus,
        },
    )


def person_export(request: AuthedRequest) -> HttpResponse:
    """The list as filtered, to XLSX; numbers masked unless ``full=1`` and allowed."""
    _require(request, Perm.EXPORT)
    _require(request, Perm.VIEW_PEOPLE)
    _form, filters = _filters(request)
    people = selectors.person_list(
        actor=request.user,
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        tag=filters.get("tag", ""),
    ).filter(pk__in=selectors.person_list(actor=request.user, perm=Perm.EXPORT).values("pk"))
    full = request.GET.get("full") == "1"
    # A number typed as a search term is not written into the log.
    logged = {k: v for k, v in filters.items() if k != "q"} | ({"q": "…"} if "q" in filters else {})
    content = exporting.export_persons(
        actor=request.user, persons=people, full=full, filters=logged
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="persons-{stamp}.xlsx"'
    return response


def _household_for(request: AuthedRequest, data: dict[str, Any]) -> Household | None:
    address = data.pop("household_address", "")
    if not address:
        return None
    household, _created = services.household_get_or_create(
        actor=request.user, unit=data["unit"], address=address
    )
    return household


def _duplicate_error(
    form: PersonForm, error: services.DuplicatePerson, request: AuthedRequest
) -> Any:
    form.add_error("id_number", error.messages[0])
    if has_perm_at(request.user, Perm.VIEW_PEOPLE, error.existing.org_path):
        return error.existing
    return None


def person_create(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.MANAGE_PEOPLE)
    form = PersonForm(request.POST or None, actor=request.user)
    existing = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                household = _household_for(request, data)
                person = services.person_create(actor=request.user, household=household, **data)
        except services.DuplicatePerson as error:
            existing = _duplicate_error(form, error, request)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            form.add_error("unit", _("You may not register persons in this unit."))
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": person.full_name})
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "existing": existing})


def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.VIEW_PEOPLE)
    person = _person_or_404(request, pk)
    if person.merged_into_id is not None:
        messages.info(request, _("This record was merged into another one."))
        return redirect("people:detail", pk=person.merged_into_id)
    today = timezone.localdate()
    travels = list(person.travels.all())
    assessment = risk.assess(
        travels=travels,
        areas=risk.areas_for(person.org_path),
        policy_for=risk.policies_for(person.org_path),
        today=today,
    )
    may_manage = has_perm_at(request.user, Perm.MANAGE_PEOPLE, person.org_path)
    members: list[Person] = []
    if person.household is not None:
        members = list(
            Person.objects.current().filter(household=person.household).exclude(pk=person.pk)
        )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "travels": travels,
            "assessment": assessment,
            "members": members,
            "may_manage": may_manage,
            "may_reveal": has_perm_at(request.user, Perm.REVEAL_PERSONAL, person.org_path),
            "duplicates": selectors.possible_duplicates(actor=request.user, person=person)
            if may_manage
            else [],
            "merges": person.merges.select_related("merged", "by"),
            "travel_form": TravelForm() if may_manage else None,
            "age": person.age_on(today),
            "observation": person.observations.filter(state__in=OPEN_STATES).first(),
            "may_observe": has_perm_at(request.user, Perm.MANAGE_OBSERVATION, person.org_path),
            "observe_from": observation_views.start_query(person),
            "may_report": has_perm_at(request.user, Perm.DIAGNOSE_CASES, person.org_path),
            "case": person.cases.exclude(classification="excluded").first(),
        },
    )


def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_PEOPLE)
    person = _person_or_404(request, pk, Perm.MANAGE_PEOPLE)
    if person.merged_into_id is not None:
        raise Http404
    initial = {
        "full_name": person.full_name,
        "id_type": person.id_type,
        "unit": person.unit.code,
        "household_address": person.household.address if person.household else "",
        "relation": person.relation,
        "address": person.address,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "tags": ", ".join(person.tag_list),
        "note": person.note,
    }
    form = PersonEditForm(request.POST or None, initial=initial, actor=request.user)
    existing = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for secret in services.SECRET_FIELDS:
            if not data.get(secret):
                data.pop(secret, None)  # blank keeps the number on file
        try:
            with transaction.atomic():
                data["household"] = _household_for(request, data)
                services.person_update(actor=request.user, person=person, **data)
        except services.DuplicatePerson as error:
            existing = _duplicate_error(form, error, request)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            form.add_error("unit", _("You may not move persons to this unit."))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:detail", pk=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "person": person, "existing": existing}
    )


@require_POST
def person_reveal(request: AuthedRequest, pk: int, field: str) -> HttpResponse:
    _require(request, Perm.REVEAL_PERSONAL)
    if field not in services.SECRET_FIELDS:
        raise Http404
    person = _person_or_404(request, pk, Perm.REVEAL_PERSONAL)
    value = services.person_reveal(actor=request.user, person=person, field=field)
    return render(request, "people/_revealed.html", {"value": value})


@require_POST
def travel_add(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_PEOPLE)
    person = _person_or_404(request, pk, Perm.MANAGE_PEOPLE)
    form = TravelForm(request.POST)
    if form.is_valid():
        try:
            _travel, created = services.travel_add(
                actor=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            if created:
                messages.success(request, _("The journey was recorded."))
            else:
                messages.info(request, _("This journey was already recorded."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
    return redirect("people:detail", pk=person.pk)


@require_POST
def travel_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_PEOPLE)
    travel = get_object_or_404(
        TravelRecord.objects.visible_to(request.user, Perm.MANAGE_PEOPLE), pk=pk
    )
    person_pk = travel.person_id
    services.travel_delete(actor=request.user, travel=travel)
    messages.success(request, _("The journey was removed."))
    return redirect("people:detail", pk=person_pk)


def person_merge(request: AuthedRequest, pk: int, other: int) -> HttpResponse:
    """Confirm, then fold record ``other`` into record ``pk``."""
    _require(request, Perm.MANAGE_PEOPLE)
    kept = _person_or_404(request, pk, Perm.MANAGE_PEOPLE)
    merged = _person_or_404(request, other, Perm.MANAGE_PEOPLE)
    if request.method == "POST":
        try:
            merging.person_merge(actor=request.user, kept=kept, merged=merged)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The two records are now one."))
            return redirect("people:detail", pk=kept.pk)
    return render(request, "people/person_merge.html", {"kept": kept, "merged": merged})


def household_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.VIEW_PEOPLE)
    household = get_object_or_404(selectors.household_list(actor=request.user), pk=pk)
    members = household.members.filter(merged_into__isnull=True).order_by("full_name")
    return render(
        request, "people/household_detail.html", {"household": household, "members": members}
    )
