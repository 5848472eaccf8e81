"""Places pages: disinfection per unit (drill-down), the places and one place's day, the
field log form; venues with their orders and inspections, open follow-ups.

Who sees: ``Perm.VIEW_PLACES`` where the record hangs (elsewhere it does not exist: 404).
Who logs and inspects: ``Perm.RECORD_DISINFECTION``; who runs places, plans, venues and
orders: ``Perm.MANAGE_PLACES``. The services check again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.core.text import is_id
from fangkong.core.types import AuthedRequest
from fangkong.orgunits import selectors as unit_selectors
from fangkong.orgunits.models import OrgUnit
from fangkong.places import selectors, services
from fangkong.places.forms import (
    DISINFECTANTS,
    FollowupForm,
    InspectionForm,
    LogForm,
    OrderForm,
    PlaceForm,
    VenueForm,
    local_now,
)
from fangkong.places.models import Place, Venue, VenueState


def _require_any(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def _query(request: AuthedRequest) -> str:
    return request.GET.get("q", "").strip()[:60]


# --- disinfection per unit -------------------------------------------------------------


def _top_unit(request: AuthedRequest) -> OrgUnit:
    roots = scope_roots(request.user, Perm.VIEW_PLACES)
    units = (
        OrgUnit.objects.filter(depth=1) if roots is None else OrgUnit.objects.filter(path__in=roots)
    )
    found = units.order_by("path").first()
    if found is None:
        raise PermissionDenied
    return found


def index(request: AuthedRequest, unit: int | None = None) -> HttpResponse:
    """Disinfection today in the unit's subtree and per unit below: places, windows done,
    missed, places overdue now; with the venues' alerts beside it."""
    _require_any(request, Perm.VIEW_PLACES)
    if unit is None:
        target = _top_unit(request)
    else:
        target = get_object_or_404(
            OrgUnit.objects.visible_to(request.user, Perm.VIEW_PLACES), pk=unit
        )
    now = timezone.now()
    total, rows = selectors.unit_figures(target, now)
    busy = [r for r in rows if r.tally.places]
    # A grid holds its places itself: list them, not a table of one row.
    here_only = None
    if len(busy) == 1 and busy[0].itself:
        here_only = selectors.place_list(actor=request.user, unit=target, now=now)
    return render(
        request,
        "places/index.html",
        {
            "unit": target,
            "total": total,
            "rows": busy,
            "here_only": here_only,
            "quiet": len(rows) - len(busy),
            "alerts": selectors.alert_counts(target, now),
            "now": now,
            "may_log": has_perm_at(request.user, Perm.RECORD_DISINFECTION, None),
            "crumbs": unit_selectors.breadcrumbs(actor=request.user, unit=target)
            if unit is not None
            else [],
        },
    )


def place_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.VIEW_PLACES)
    state = request.GET.get("state", "")
    state = state if state in ("overdue", "missed") else ""
    unit = None
    if is_id(request.GET.get("unit", "")):
        unit = get_object_or_404(
            OrgUnit.objects.visible_to(request.user, Perm.VIEW_PLACES), pk=request.GET["unit"]
        )
    query = _query(request)
    rows = selectors.place_list(actor=request.user, query=query, state=state, unit=unit)
    return render(
        request,
        "places/places.html",
        {
            "page": Paginator(rows, 40).get_page(request.GET.get("page")),
            "state": state,
            "query": query,
            "unit": unit,
            "may_add": has_perm_at(request.user, Perm.MANAGE_PLACES, None),
        },
    )


def place_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_any(request, Perm.VIEW_PLACES)
    place = get_object_or_404(selectors.places(actor=request.user), pk=pk)
    now = timezone.now()
    return render(
        request,
        "places/place.html",
        {
            "place": place,
            "state": selectors.state_of(place, now),
            "windows": selectors.place_windows(place, now),
            "logs": selectors.recent_logs(place),
            "may_log": place.active
            and has_perm_at(request.user, Perm.RECORD_DISINFECTION, place.org_path),
            "may_manage": has_perm_at(request.user, Perm.MANAGE_PLACES, place.org_path),
        },
    )


def place_create(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.MANAGE_PLACES)
    form = PlaceForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The place was added."))
            return redirect("places:place", pk=place.pk)
    return render(
        request,
        "places/form.html",
        {"form": form, "title": _("New public place"), "back": reverse("places:places")},
    )


def place_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_any(request, Perm.MANAGE_PLACES)
    place = get_object_or_404(selectors.places(actor=request.user), pk=pk)
    if not has_perm_at(request.user, Perm.MANAGE_PLACES, place.org_path):
        raise PermissionDenied
    initial = {name: getattr(place, name) for name in services.PLACE_FIELDS}
    form = PlaceForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_update(actor=request.user, place=place, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("places:place", pk=place.pk)
    return render(
        request,
        "places/form.html",
        {"form": form, "title": place.name, "back": reverse("places:place", args=[pk])},
    )


# --- the field form --------------------------------------------------------------------


def _posted_place(request: AuthedRequest) -> Place | None:
    """The place a log is posted for: 404 if the user cannot see it, 403 if they may see
    it but not log there."""
    raw = request.POST.get("place", "")
    if not is_id(raw):
        return None
    place = get_object_or_404(selectors.places(actor=request.user), pk=raw)
    if not has_perm_at(request.user, Perm.RECORD_DISINFECTION, place.org_path):
        raise PermissionDenied
    return place


def log(request: AuthedRequest) -> HttpResponse:
    """Log a disinfection in the field: pick the place (those due now first, search by
    name), the time is now, the disinfectant the one used last; after sending, the form
    comes back for the next place."""
    _require_any(request, Perm.RECORD_DISINFECTION)
    user = request.user
    last = selectors.last_log_by(user)
    initial = {
        "at": local_now(),
        "disinfectant": last.disinfectant if last else "",
        "concentration": last.concentration if last else "",
    }
    picked = request.GET.get("place", "")
    form = LogForm(request.POST or None, initial={**initial, "place": picked})
    if request.method == "POST":
        place = _posted_place(request)
        if form.is_valid():
            data = form.cleaned_data
            if place is None:
                form.add_error(None, _("Pick the place you disinfected."))
            else:
                try:
                    services.disinfection_log(
                        actor=user,
                        place=place,
                        at=data["at"],
                        disinfectant=data["disinfectant"],
                        concentration=data["concentration"],
                        area=data["area"],
                        note=data["note"],
                    )
                except ValidationError as error:
                    errors_to(form, error)
                else:
                    messages.success(
                        request,
                        _("Logged: %(place)s, %(time)s.")
                        % {
                            "place": place.name,
                            "time": timezone.localtime(data["at"]).strftime("%H:%M"),
                        },
                    )
                    query = request.POST.get("q", "").strip()[:60]
                    url = reverse("places:log")
                    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
        picked = request.POST.get("place", "")
    query = _query(request) or request.POST.get("q", "").strip()[:60]
    choices, total = selectors.log_choices(actor=user, query=query)
    return render(
        request,
        "places/log.html",
        {
            "form": form,
            "choices": choices,
            "total": total,
            "query": query,
            "picked": picked,
            "disinfectants": DISINFECTANTS,
        },
    )


# --- venues ----------------------------------------------------------------------------


def venue_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.VIEW_PLACES)
    state = request.GET.get("state", "")
    state = state if state in selectors.VENUE_FILTERS else ""
    query = _query(request)
    rows = selectors.venue_list(actor=request.user, state=state, query=query)
    labels = {
        "closed": pgettext("venue", "Closed"),
        "restricted": pgettext("venue", "Restricted"),
        "open": pgettext("venue", "Open"),
        "followups": _("Follow-up late"),
        "found_open": _("Found open while closed"),
    }
    return render(
        request,
        "places/venues.html",
        {
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "state": state,
            "query": query,
            "filters": list(labels.items()),
            "may_add": has_perm_at(request.user, Perm.MANAGE_PLACES, None),
        },
    )


ACTIONS = {
    "order": Perm.MANAGE_PLACES,
    "inspect": Perm.RECORD_DISINFECTION,
    "followup": Perm.RECORD_DISINFECTION,
}


def _venue_forms(request: AuthedRequest, action: str, closed: bool) -> dict[str, Form]:
    posted = request.POST if request.method == "POST" else None

    def bound(name: str) -> Any:
        return posted if action == name else None

    now = local_now()
    return {
        "order": OrderForm(bound("order"), prefix="order", initial={"effective_at": now}),
        "inspect": InspectionForm(
            bound("inspect"), prefix="inspect", closed=closed, initial={"at": now}
        ),
        "followup": FollowupForm(bound("followup"), prefix="followup"),
    }


def _venue_act(request: AuthedRequest, venue: Venue, action: str, form: Form) -> str | None:
    if not form.is_valid():
        return None
    data, actor = form.cleaned_data, request.user
    if action == "order":
        order = services.order_issue(actor=actor, venue=venue, **data)
        return _("Order issued: %(kind)s.") % {"kind": order.get_kind_display()}
    if action == "inspect":
        services.inspection_record(actor=actor, venue=venue, **data)
        return _("The inspection was recorded.")
    inspection = venue.inspections.filter(pk=data["inspection"]).first()
    if inspection is None:
        raise ValidationError(_("This inspection has no open follow-up."))
    services.followup_close(actor=actor, inspection=inspection, note=data["note"])
    return _("The follow-up is closed.")


def venue_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_any(request, Perm.VIEW_PLACES)
    venue = get_object_or_404(selectors.venues(actor=request.user), pk=pk)
    user, now = request.user, timezone.now()
    current = venue.order_at(now)
    state = current.kind if current is not None else VenueState.OPEN
    action = request.POST.get("action", "")
    forms = _venue_forms(request, action, closed=state == VenueState.CLOSED)
    if request.method == "POST":
        if action not in ACTIONS:
            raise PermissionDenied
        if not has_perm_at(user, ACTIONS[action], venue.org_path):
            raise PermissionDenied
        form = forms[action]
        try:
            done = _venue_act(request, venue, action, form)
        except ValidationError as error:
            errors_to(form, error)
        else:
            if done is not None:
                messages.success(request, done)
                return redirect("places:venue", venue.pk)
    today = timezone.localdate()
    inspections = list(venue.inspections.select_related("inspector", "followup_closed_by"))
    return render(
        request,
        "places/venue.html",
        {
            "venue": venue,
            "current": current,
            "state": state,
            "state_label": selectors.state_label(state),
            "orders": venue.orders.select_related("issued_by"),
            "inspections": inspections,
            "today": today,
            "now": now,
            "late": [i for i in inspections if i.followup_overdue_on(today)],
            "found_open": [i for i in inspections if i.found_open],
            "forms": forms,
            "action": action,
            "may_order": has_perm_at(user, Perm.MANAGE_PLACES, venue.org_path),
            "may_inspect": has_perm_at(user, Perm.RECORD_DISINFECTION, venue.org_path),
            "may_reveal": has_perm_at(user, Perm.REVEAL_PERSONAL, venue.org_path),
        },
    )


def venue_create(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.MANAGE_PLACES)
    form = VenueForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.venue_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The venue was added."))
            return redirect("places:venue", pk=venue.pk)
    return render(
        request,
        "places/form.html",
        {"form": form, "title": _("New venue"), "back": reverse("places:venues")},
    )


def venue_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_any(request, Perm.MANAGE_PLACES)
    venue = get_object_or_404(selectors.venues(actor=request.user), pk=pk)
    if not has_perm_at(request.user, Perm.MANAGE_PLACES, venue.org_path):
        raise PermissionDenied
    # The contact is not put in the page: left empty, it stays as it is.
    initial = {name: getattr(venue, name) for name in ("kind", "name", "address", "active")}
    form = VenueForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    form.fields["contact_name"].help_text = _("Leave empty to keep the one on file.")
    form.fields["contact_phone"].help_text = _("Leave empty to keep the one on file.")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in services.SECRET_FIELDS or v}
        try:
            services.venue_update(actor=request.user, venue=venue, **data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("places:venue", pk=venue.pk)
    return render(
        request,
        "places/form.html",
        {"form": form, "title": venue.name, "back": reverse("places:venue", args=[pk])},
    )


@require_POST
def venue_reveal(request: AuthedRequest, pk: int, field: str) -> HttpResponse:
    _require_any(request, Perm.REVEAL_PERSONAL)
    if field not in services.SECRET_FIELDS:
        raise Http404
    venue = get_object_or_404(selectors.venues(actor=request.user), pk=pk)
    value = services.venue_reveal(actor=request.user, venue=venue, field=field)
    return render(request, "places/_revealed.html", {"value": value})


def followup_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.VIEW_PLACES)
    show = "late" if request.GET.get("show") == "late" else "open"
    rows = selectors.followups(actor=request.user, show=show)
    return render(
        request,
        "places/followups.html",
        {
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "show": show,
            "today": timezone.localdate(),
        },
    )
