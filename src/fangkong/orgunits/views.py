from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, is_global, scope_roots
from fangkong.core.types import AuthedRequest
from fangkong.orgunits import selectors, services
from fangkong.orgunits.forms import EndLeaderForm, LeaderForm, MoveForm, UnitForm
from fangkong.orgunits.models import OrgUnit, UnitLeader

CHILDREN_PER_PAGE = 50
SEARCH_LIMIT = 50


def _unit_or_404(request: AuthedRequest, pk: int, perm: Perm | None = None) -> OrgUnit:
    unit = get_object_or_404(selectors.unit_list(actor=request.user), pk=pk)
    if perm is not None and not request.user.has_perm(perm, unit):
        raise PermissionDenied
    return unit


def unit_index(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = (
        list(selectors.unit_search(actor=request.user, query=query, limit=SEARCH_LIMIT))
        if query
        else None
    )
    roots = scope_roots(request.user)
    for unit in results or []:
        # Name the parent only where the user may see it.
        unit.parent_visible = bool(  # type: ignore[attr-defined]
            unit.parent and (roots is None or any(unit.parent.path.startswith(r) for r in roots))
        )
    return render(
        request,
        "orgunits/unit_index.html",
        {
            "query": query,
            "results": results,
            "capped": results is not None and len(results) == SEARCH_LIMIT,
            "tops": selectors.top_units(actor=request.user),
        },
    )


def unit_lookup(request: AuthedRequest) -> HttpResponse:
    """Suggestions for a unit field: units in scope whose name or code matches what is typed."""
    query = next((str(value) for value in request.GET.values() if str(value).strip()), "")
    units = selectors.unit_search(actor=request.user, query=query, limit=20) if query else []
    return render(request, "orgunits/_unit_options.html", {"units": units})


def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit_or_404(request, pk)
    summary = selectors.subtree_summary(unit=unit)
    children = Paginator(summary.children, CHILDREN_PER_PAGE)
    return render(
        request,
        "orgunits/unit_detail.html",
        {
            "unit": unit,
            "crumbs": selectors.breadcrumbs(actor=request.user, unit=unit),
            "children": children.get_page(request.GET.get("page")),
            "levels": summary.levels,
            "population": summary.population,
            "leaders": selectors.leaders_of(actor=request.user, unit=unit),
            "may_manage": request.user.has_perm(Perm.MANAGE_UNITS, unit),
            "may_lead": request.user.has_perm(Perm.MANAGE_LEADERS, unit),
            "may_export": request.user.has_perm(Perm.EXPORT, unit),
        },
    )


def unit_create(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    parent = _unit_or_404(request, pk, Perm.MANAGE_UNITS) if pk is not None else None
    if parent is None and not is_global(request.user):
        raise PermissionDenied
    form = UnitForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(unit)s was added.") % {"unit": unit.name})
            return redirect("orgunits:detail", pk=unit.pk)
    return render(request, "orgunits/unit_form.html", {"form": form, "parent": parent})


def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit_or_404(request, pk, Perm.MANAGE_UNITS)
    form = UnitForm(request.POST or None, instance=OrgUnit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("orgunits:detail", pk=unit.pk)
    return render(request, "orgunits/unit_form.html", {"form": form, "unit": unit})


def unit_move(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit_or_404(request, pk, Perm.MANAGE_UNITS)
    form = MoveForm(request.POST or None, actor=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(
                actor=request.user, unit=unit, new_parent=form.cleaned_data["parent"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(unit)s was moved.") % {"unit": unit.name})
            return redirect("orgunits:detail", pk=unit.pk)
    return render(request, "orgunits/unit_move.html", {"form": form, "unit": unit})


def unit_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit_or_404(request, pk, Perm.MANAGE_UNITS)
    error = None
    if request.method == "POST":
        parent_pk = unit.parent_id
        try:
            services.unit_delete(actor=request.user, unit=unit)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("%(unit)s was deleted.") % {"unit": unit.name})
            return redirect("orgunits:detail", pk=parent_pk)
    return render(request, "orgunits/unit_delete.html", {"unit": unit, "error": error})


def leader_add(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit_or_404(request, pk, Perm.MANAGE_LEADERS)
    form = LeaderForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.leader_assign(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contracting leader was added."))
            return redirect("orgunits:detail", pk=unit.pk)
    return render(request, "orgunits/leader_form.html", {"form": form, "unit": unit})


@require_POST
def leader_end(request: AuthedRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(UnitLeader.objects.visible_to(request.user), pk=pk)
    if not has_perm_at(request.user, Perm.MANAGE_LEADERS, contract.org_path):
        raise PermissionDenied
    form = EndLeaderForm(request.POST)
    if form.is_valid():
        try:
            services.leader_end(actor=request.user, contract=contract, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The contract was ended."))
    else:
        messages.error(request, _("Give the end date."))
    return redirect("orgunits:detail", pk=contract.unit_id)
