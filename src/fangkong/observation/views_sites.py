"""Isolation sites (集中隔离点) and their rooms: the occupancy at a glance, and the forms
that set a site and its rooms up.

Who sees a site: those who manage sites or observation where it serves
(``selectors.sites_serving``); anyone else is refused (403) and a site elsewhere
does not exist for them (404). Who changes it: ``Perm.MANAGE_SITES`` at its unit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.observation import selectors, services_sites
from fangkong.observation.forms_sites import RoomForm, RoomsAddForm, SiteForm
from fangkong.observation.models import OPEN_STATES, Observation, Room, Site

SITE_FIELDS = ("name", "kind", "address", "contact", "active")


def _require_reader(request: AuthedRequest) -> None:
    """Sites are read by those who run them and by those who send people there."""
    user = request.user
    if not (has_perm_at(user, Perm.MANAGE_SITES, None)
            or has_perm_at(user, Perm.MANAGE_OBSERVATION, None)):  # fmt: skip
        raise PermissionDenied


def _site_or_404(request: AuthedRequest, pk: int) -> Site:
    _require_reader(request)
    return get_object_or_404(selectors.sites_serving(request.user).select_related("unit"), pk=pk)


def _require_manager(request: AuthedRequest, obj: Site | Room) -> None:
    if not request.user.has_perm(Perm.MANAGE_SITES, obj):
        raise PermissionDenied


def _level(site: Site, figures: selectors.SiteFigures) -> str:
    """The colour of the occupancy bar: full, nearly full (a fifth of the beds or fewer
    left, time to open another site), or room to spare."""
    if not site.active:
        return "secondary"
    if figures.free == 0:
        return "danger"
    return "warning" if figures.free * 5 <= figures.beds else "success"


def _with_figures(sites: QuerySet[Site]) -> list[dict[str, Any]]:
    """Each site with the figures of ``selectors.site_figures``, in one query."""
    in_use = Q(rooms__active=True)
    rows = sites.select_related("unit").annotate(
        n_rooms=Count("rooms", filter=in_use),
        n_beds=Sum("rooms__beds", filter=in_use),
        n_occupied=Sum("rooms__occupied", filter=in_use),
    )
    out = []
    for site in rows:
        figures = selectors.SiteFigures(site.n_rooms, site.n_beds or 0, site.n_occupied or 0)  # type: ignore[attr-defined]
        out.append({"site": site, "f": figures, "level": _level(site, figures)})
    return out


def site_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    return render(
        request,
        "observation/site_list.html",
        {
            "rows": _with_figures(selectors.sites_serving(request.user)),
            "may_add": has_perm_at(request.user, Perm.MANAGE_SITES, None),
        },
    )


def site_create(request: AuthedRequest) -> HttpResponse:
    if not has_perm_at(request.user, Perm.MANAGE_SITES, None):
        raise PermissionDenied
    form = SiteForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            site = services_sites.site_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The site was added. Now add its rooms."))
            return redirect("observation:site", pk=site.pk)
    return render(request, "observation/site_form.html", {"form": form})


def site_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    site = _site_or_404(request, pk)
    _require_manager(request, site)
    initial = {f: getattr(site, f) for f in SITE_FIELDS}
    form = SiteForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_sites.site_update(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("observation:site", pk=site.pk)
    return render(request, "observation/site_form.html", {"form": form, "site": site})


def _natural(number: str) -> list[Any]:
    """Room 2 before room 10; the text between digits compared as text."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", number)]


def _floor(room: Room) -> str:
    """Hotel numbering: room 1203 is on floor 12; other numbers have no floor."""
    return room.number[:-2].lstrip("0") if room.number.isdigit() and len(room.number) >= 3 else ""


def site_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every room as a tile (free, full, not in use) and who is in it."""
    site = _site_or_404(request, pk)
    rooms = sorted(site.rooms.all(), key=lambda r: _natural(r.number))
    # Names only, and only of the people the reader may see; the rest are counted.
    people = (
        Observation.objects.visible_to(request.user, Perm.VIEW_PEOPLE)
        .filter(site=site, state__in=OPEN_STATES)
        .select_related("person")
        .order_by("person__full_name", "id")
    )
    by_room: dict[int | None, list[Observation]] = defaultdict(list)
    for observation in people:
        by_room[observation.room_id].append(observation)
    tiles = [
        {"room": r, "people": by_room.get(r.pk, []),
         "unseen": max(0, r.occupied - len(by_room.get(r.pk, []))),
         "state": _tile_state(site, r)}
        for r in rooms
    ]  # fmt: skip
    floors = [
        (floor, list(group)) for floor, group in groupby(tiles, key=lambda t: _floor(t["room"]))
    ]
    may_manage = request.user.has_perm(Perm.MANAGE_SITES, site)
    figures = selectors.site_figures(site)
    return render(
        request,
        "observation/site_detail.html",
        {
            "site": site,
            "figures": figures,
            "level": _level(site, figures),
            "floors": floors,
            "by_floor": len(floors) > 1,
            "no_room": by_room.get(None, []),
            "may_manage": may_manage,
            "rooms_form": RoomsAddForm() if may_manage else None,
        },
    )


def _tile_state(site: Site, room: Room) -> str:
    if not (site.active and room.active):
        return "off"
    if room.occupied >= room.beds:
        return "full"
    return "taken" if room.occupied else "free"


@require_POST
def rooms_add(request: AuthedRequest, pk: int) -> HttpResponse:
    site = _site_or_404(request, pk)
    _require_manager(request, site)
    form = RoomsAddForm(request.POST)
    if not form.is_valid():
        for field, problems in form.errors.as_data().items():
            text = " ".join(m for error in problems for m in error.messages)
            messages.error(request, f"{form.fields[field].label}: {text}")
        return redirect("observation:site", pk=site.pk)
    try:
        added = services_sites.rooms_add(actor=request.user, site=site, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if added:
            messages.success(
                request,
                ngettext("%(count)d room added.", "%(count)d rooms added.", len(added))
                % {"count": len(added)},
            )
        else:
            messages.info(request, _("The site already has these rooms; nothing was added."))
    return redirect("observation:site", pk=site.pk)


def room_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    room = get_object_or_404(
        Room.objects.filter(site__in=selectors.sites_serving(request.user)).select_related("site"),
        pk=pk,
    )
    _require_manager(request, room)
    form = RoomForm(request.POST or None, initial={"beds": room.beds, "active": room.active})
    if request.method == "POST" and form.is_valid():
        try:
            services_sites.room_update(actor=request.user, room=room, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Room %(room)s saved.") % {"room": room.number})
            return redirect("observation:site", pk=room.site_id)
    return render(
        request, "observation/site_room_form.html", {"form": form, "room": room, "site": room.site}
    )
