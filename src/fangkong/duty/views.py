"""Duty pages: a day's coverage of a unit's posts, one post's day, a shift with its
people, the register, the printable roster, what is wrong now, and one's own duty.

Who sees a post, a shift or a person: ``Perm.VIEW_DUTY`` where it hangs (elsewhere it
does not exist: 404). Who runs them: ``Perm.MANAGE_DUTY`` there. Who checks people in
and out: ``Perm.RECORD_DUTY`` at the post, or the person themself; the services check
again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, paths_q, scope_roots
from fangkong.core.types import AuthedRequest
from fangkong.duty import selectors, services
from fangkong.duty.forms import AssignForm, PersonForm, PostForm, ShiftForm
from fangkong.duty.models import DutyAssignment, DutyPerson, PersonKind, Post, Shift
from fangkong.orgunits import selectors as unit_selectors
from fangkong.orgunits.models import OrgUnit

ROSTER_DAYS = (1, 7)


def _require_any(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def _require_at(request: AuthedRequest, perm: Perm, path: str) -> None:
    if not has_perm_at(request.user, perm, path):
        raise PermissionDenied


def _day(request: AuthedRequest) -> date:
    raw = request.GET.get("day", "")
    try:
        found = parse_date(raw) if raw else None
    except ValueError:
        found = None
    return found or timezone.localdate()


def _unit(request: AuthedRequest, pk: int | None) -> OrgUnit:
    """The unit asked for (404 outside the user's duty scope), else the user's first."""
    _require_any(request, Perm.VIEW_DUTY)
    if pk is not None:
        return get_object_or_404(OrgUnit.objects.visible_to(request.user, Perm.VIEW_DUTY), pk=pk)
    roots = scope_roots(request.user, Perm.VIEW_DUTY)
    units = (
        OrgUnit.objects.filter(depth=1) if roots is None else OrgUnit.objects.filter(path__in=roots)
    )
    found = units.order_by("path").first()
    if found is None:
        raise PermissionDenied
    return found


def _post(request: AuthedRequest, pk: int) -> Post:
    _require_any(request, Perm.VIEW_DUTY)
    return get_object_or_404(selectors.posts(actor=request.user), pk=pk)


def _days_around(day: date) -> dict[str, Any]:
    return {"day": day, "previous": day - timedelta(days=1), "next": day + timedelta(days=1),
            "today": timezone.localdate()}  # fmt: skip


# --- coverage ------------------------------------------------------------------------


def index(request: AuthedRequest, unit: int | None = None) -> HttpResponse:
    """Every post of the unit's subtree on one day, hour by hour: needed, staffed, gaps."""
    target = _unit(request, unit)
    day = _day(request)
    view = selectors.overview(target, day)
    children = OrgUnit.objects.filter(parent=target, path__in=_post_units(target)).order_by("path")
    return render(
        request,
        "duty/index.html",
        {"unit": target, "view": view, **_days_around(day), "children": children,
         "crumbs": [u for u in unit_selectors.breadcrumbs(actor=request.user, unit=target)
                    if has_perm_at(request.user, Perm.VIEW_DUTY, u.path)],
         "now_hour": timezone.localtime().hour if day == timezone.localdate() else None,
         "may_manage": has_perm_at(request.user, Perm.MANAGE_DUTY, target.path)},
    )  # fmt: skip


def _post_units(unit: OrgUnit) -> list[str]:
    """The paths of the units directly below ``unit`` that have a post in their subtree."""
    width = len(unit.path) + 4
    paths = (
        Post.objects.in_subtree(unit.path).exclude(org_path=unit.path)
        .values_list("org_path", flat=True).distinct()
    )  # fmt: skip
    return sorted({p[:width] for p in paths})


def post_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One post's day: its hours and its shifts with who is on them."""
    post = _post(request, pk)
    day = _day(request)
    (cover,) = selectors.coverage([post], day)
    user = request.user
    return render(
        request,
        "duty/post.html",
        {"post": post, "cover": cover, **_days_around(day),
         "shifts": selectors.day_shifts(post, day), "now": timezone.now(),
         "now_hour": timezone.localtime().hour if day == timezone.localdate() else None,
         "staffing": services.format_staffing(post.needed),
         "may_manage": has_perm_at(user, Perm.MANAGE_DUTY, post.org_path),
         "may_record": has_perm_at(user, Perm.RECORD_DUTY, post.org_path)},
    )  # fmt: skip


def post_create(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.MANAGE_DUTY)
    form = PostForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The post was added. Now plan its shifts."))
            return redirect("duty:post", pk=post.pk)
    return render(request, "duty/post_form.html", {"form": form})


def post_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    _require_at(request, Perm.MANAGE_DUTY, post.org_path)
    initial = {"name": post.name, "kind": post.kind, "checkpoint": post.checkpoint,
               "place": post.place, "active": post.active,
               "staffing": services.format_staffing(post.needed)}  # fmt: skip
    form = PostForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(actor=request.user, post=post, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("duty:post", pk=post.pk)
    return render(request, "duty/post_form.html", {"form": form, "post": post})


# --- shifts --------------------------------------------------------------------------


def shift_create(request: AuthedRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    _require_at(request, Perm.MANAGE_DUTY, post.org_path)
    form = ShiftForm(request.POST or None, initial={"day": _day(request), "repeat_days": 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.shift_create(
                actor=request.user, post=post, starts_at=data["starts_at"],
                ends_at=data["ends_at"], note=data["note"], repeat_days=data["repeat_days"],
            )  # fmt: skip
        except ValidationError as error:
            errors_to(form, error)
        else:
            if len(made) == 1:
                messages.success(request, _("The shift was added: now put people on it."))
                return redirect("duty:shift", pk=made[0].pk)
            messages.success(request, _("%(n)d shifts were added.") % {"n": len(made)})
            day = timezone.localdate(made[0].starts_at)
            return redirect(f"{reverse('duty:post', args=[post.pk])}?day={day}")
    return render(request, "duty/shift_form.html", {"form": form, "post": post})


SHIFT_ACTIONS = ("assign", "unassign", "delete")


def shift_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A shift and its people: put someone on it, take someone off, delete it (for those
    who run the post); check people in and out (``duty:check``)."""
    _require_any(request, Perm.VIEW_DUTY)
    shift = get_object_or_404(selectors.shifts(actor=request.user), pk=pk)
    user = request.user
    may_manage = has_perm_at(user, Perm.MANAGE_DUTY, shift.org_path)
    clash = False
    form = AssignForm(request.POST if request.POST.get("action") == "assign" else None, actor=user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in SHIFT_ACTIONS or not may_manage:
            raise PermissionDenied
        try:
            done = _shift_act(request, shift, action, form)
        except ValidationError as error:
            if action == "assign":
                errors_to(form, error)
                clash = services.is_double_booking(error)
            else:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("duty:shift", pk=shift.pk)
        else:
            if done is not None:
                messages.success(request, done)
                if action == "delete":
                    day = timezone.localdate(shift.starts_at)
                    return redirect(f"{reverse('duty:post', args=[shift.post_id])}?day={day}")
                return redirect("duty:shift", pk=shift.pk)
    now = timezone.now()
    people = selectors.shift_people(shift)
    return render(
        request,
        "duty/shift.html",
        {"shift": shift, "post": shift.post, "people": people, "form": form, "now": now,
         "day": timezone.localdate(shift.starts_at),
         "may_manage": may_manage,
         "may_record": has_perm_at(user, Perm.RECORD_DUTY, shift.org_path),
         "clash": clash,
         "locked": any(a.checked_in_at for a in people)},
    )  # fmt: skip


def _shift_act(request: AuthedRequest, shift: Shift, action: str, form: AssignForm) -> str | None:
    actor = request.user
    if action == "assign":
        if not form.is_valid():
            return None
        person = form.cleaned_data["person"]
        services.assign(actor=actor, shift=shift, person=person,
                        overlap_ok=form.cleaned_data["overlap_ok"])  # fmt: skip
        return _("%(name)s is on the shift.") % {"name": person.name}
    if action == "unassign":
        raw = request.POST.get("assignment", "")
        found = get_object_or_404(shift.assignments.all(), pk=int(raw) if raw.isdigit() else 0)
        services.unassign(actor=actor, assignment=found)
        return _("%(name)s was taken off the shift.") % {"name": found.person.name}
    services.shift_delete(actor=actor, shift=shift)
    return _("The shift was deleted.")


@require_POST
def check(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    """Check a person in or out: the person themself, or who records duty at the post."""
    if step not in ("in", "out"):
        raise PermissionDenied
    user = request.user
    rows = DutyAssignment.objects.select_related("person")
    roots = scope_roots(user, Perm.RECORD_DUTY)
    if roots is not None:
        rows = rows.filter(paths_q("org_path", roots) | Q(person__user=user))
    found = get_object_or_404(rows, pk=pk)
    try:
        if step == "in":
            services.check_in(actor=user, assignment=found)
            messages.success(request, _("%(name)s checked in.") % {"name": found.person.name})
        else:
            services.check_out(actor=user, assignment=found)
            messages.success(request, _("%(name)s checked out.") % {"name": found.person.name})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("duty:mine")


def mine(request: AuthedRequest) -> HttpResponse:
    """One's own duty (through one's entry on the register): check in and out here."""
    person = DutyPerson.objects.filter(user=request.user).first()
    return render(
        request,
        "duty/mine.html",
        {"person": person, "rows": selectors.my_assignments(user=request.user),
         "now": timezone.now()},
    )  # fmt: skip


# --- the register --------------------------------------------------------------------


def people(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.VIEW_DUTY)
    query = request.GET.get("q", "").strip()[:50]
    kind = request.GET.get("kind", "")
    kind = kind if kind in PersonKind.values else ""
    rows = selectors.people_search(selectors.people(actor=request.user), query, kind)
    return render(
        request,
        "duty/people.html",
        {"page": Paginator(rows, 50).get_page(request.GET.get("page")), "query": query,
         "kind": kind, "kinds": PersonKind.choices,
         "may_add": has_perm_at(request.user, Perm.MANAGE_DUTY, None)},
    )  # fmt: skip


def _person(request: AuthedRequest, pk: int) -> DutyPerson:
    _require_any(request, Perm.VIEW_DUTY)
    return get_object_or_404(selectors.people(actor=request.user), pk=pk)


def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    user = request.user
    return render(
        request,
        "duty/person.html",
        {"person": person, "rows": selectors.person_assignments(person), "now": timezone.now(),
         "may_manage": has_perm_at(user, Perm.MANAGE_DUTY, person.org_path),
         "may_reveal": has_perm_at(user, Perm.RECORD_DUTY, person.org_path)},
    )  # fmt: skip


def person_create(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.MANAGE_DUTY)
    form = PersonForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("%(name)s is on the register.") % {"name": person.name})
            return redirect("duty:person", pk=person.pk)
    return render(request, "duty/person_form.html", {"form": form})


def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    _require_at(request, Perm.MANAGE_DUTY, person.org_path)
    # The phone is not put in the form (that would show it unaudited): left empty, it is kept.
    initial = {"name": person.name, "kind": person.kind,
               "skills": person.skill_list, "user": person.user.username if person.user else "",
               "note": person.note, "active": person.active}  # fmt: skip
    form = PersonForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    form.fields["phone"].help_text = _("Now %(phone)s; left empty, it is kept.") % {
        "phone": person.masked_phone or "—"
    }
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "phone" or v}
        try:
            services.person_update(actor=request.user, person=person, **data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("duty:person", pk=person.pk)
    return render(request, "duty/person_form.html", {"form": form, "person": person})


@require_POST
def person_phone(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_any(request, Perm.RECORD_DUTY)
    person = _person(request, pk)
    value = services.person_reveal_phone(actor=request.user, person=person)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.info(request, value or "—")
        return redirect("duty:person", pk=person.pk)
    return render(request, "duty/_revealed.html", {"value": value or "—"})


# --- roster and alerts ---------------------------------------------------------------


def roster(request: AuthedRequest, unit: int | None = None) -> HttpResponse:
    """The printable roster of a day or a week: per post, per day, the shifts and who
    stands them, and the hours still short."""
    target = _unit(request, unit)
    first = _day(request)
    raw = request.GET.get("days", "")
    days = int(raw) if raw in {str(d) for d in ROSTER_DAYS} else ROSTER_DAYS[0]
    return render(
        request,
        "duty/roster.html",
        {"unit": target, "rows": selectors.roster(target, first, days), "first": first,
         "last": first + timedelta(days=days - 1), "days": days, "printed": timezone.now(),
         "previous": first - timedelta(days=days), "next": first + timedelta(days=days)},
    )  # fmt: skip


def alerts(request: AuthedRequest) -> HttpResponse:
    """What needs someone now: posts short this hour, double bookings, no-shows."""
    _require_any(request, Perm.VIEW_DUTY)
    return render(
        request, "duty/alerts.html",
        {"found": selectors.alerts(actor=request.user), "now": timezone.now()},
    )  # fmt: skip
