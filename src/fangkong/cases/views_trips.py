"""A case's trips with the passengers found on them; the public trip check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from fangkong.cases import trips
from fangkong.cases.forms_trips import TripCheckForm, TripForm
from fangkong.cases.models import Case
from fangkong.core.forms import errors_to
from fangkong.core.middleware import current_ip
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.text import is_id
from fangkong.core.types import AuthedRequest


def case_trips(request: AuthedRequest, pk: int) -> HttpResponse:
    if not has_perm_at(request.user, Perm.MANAGE_CASES, None):
        raise PermissionDenied
    case = get_object_or_404(
        trips.cases_managed(actor=request.user).select_related("person"), pk=pk
    )
    action = request.POST.get("action", "")
    form = TripForm(request.POST if action == "add" else None, prefix="trip")
    if request.method == "POST":
        try:
            done = _act(request, case, action, form)
        except ValidationError as error:
            if action != "add":
                for problem in error.messages:
                    messages.error(request, problem)
                return redirect("cases:trips", case.pk)
            errors_to(form, error)
        else:
            if done is not None:
                return done
    return render(
        request,
        "cases/trips.html",
        {
            "case": case,
            "form": form,
            "results": trips.same_trip(actor=request.user, case=case),
            "public_ok": case.classification in trips.PUBLIC_CLASSIFICATIONS,
        },
    )


def _act(request: AuthedRequest, case: Case, action: str, form: TripForm) -> HttpResponse | None:
    """One POST of the trips page: a response, or None to show the form's errors."""
    if action == "add":
        if not form.is_valid():
            return None
        trips.trip_add(actor=request.user, case=case, **form.cleaned_data)
        messages.success(request, _("The trip was recorded."))
        return redirect("cases:trips", case.pk)
    trip_id = request.POST.get("trip", "")
    if action not in ("publish", "unpublish", "contact") or not is_id(trip_id):
        return HttpResponseBadRequest()
    trip = get_object_or_404(case.trips.all(), pk=int(trip_id))
    if action == "contact":
        key = request.POST.get("key", "")
        contact = trips.contact_from_match(actor=request.user, case=case, trip=trip, key=key)
        messages.success(
            request,
            _("%(name)s is now a close contact of the case.") % {"name": contact.person.full_name},
        )
    else:
        trips.trip_publish(actor=request.user, trip=trip, published=action == "publish")
        messages.success(request, _("Saved."))
    return redirect("cases:trips", case.pk)


@login_not_required
@never_cache
def trip_check(request: HttpRequest) -> HttpResponse:
    """Was I on a flight or train with a case? Anyone may ask; the answer names nobody."""
    form = TripCheckForm(request.POST or None)
    context: dict[str, object] = {"form": form, "hotline": trips.hotline()}
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            # Answer as if checked; look nothing up.
            context["found"] = []
        else:
            try:
                context["found"] = trips.trip_check(
                    number=form.cleaned_data["number"], day=form.cleaned_data["day"],
                    ip=current_ip.get(),
                )  # fmt: skip
            except trips.RateLimited:
                return render(request, "public/trip_check.html", {"limited": True}, status=429)
        context["asked"] = {
            "number": trips.normalize_number(form.cleaned_data["number"]),
            "day": form.cleaned_data["day"],
        }
    return render(request, "public/trip_check.html", context)
