"""The affected-area list and the policy versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.core.types import AuthedRequest
from fangkong.orgunits.models import OrgUnit
from fangkong.people import divisions, policy_services, risk
from fangkong.people.forms_policy import PolicyForm, RiskAreaForm
from fangkong.people.models import Policy, RiskArea


def _require(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def _applicable(model: type[RiskArea] | type[Policy], actor: Any) -> QuerySet[Any]:
    """Rows declared above the actor's units (they apply there) or inside its scope."""
    roots = scope_roots(actor, Perm.VIEW_PEOPLE)
    if roots is None:
        return model.objects.all()
    match = Q(pk__in=[])
    for root in roots:
        match |= Q(org_path__in=risk.prefixes(root)) | subtree_q("org_path", root)
    return model.objects.filter(match)


def _add_errors(form: Any, error: ValidationError, renamed: dict[str, str]) -> None:
    """Put a service's field errors on the form's fields (under the form's names)."""
    found = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for name, texts in found.items():
        name = renamed.get(name, name)
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def _may_manage(request: AuthedRequest, row: RiskArea | Policy) -> bool:
    return has_perm_at(request.user, Perm.MANAGE_POLICY, row.org_path)


def riskarea_list(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.VIEW_PEOPLE)
    today = timezone.localdate()
    areas = list(_applicable(RiskArea, request.user).select_related("unit"))
    for area in areas:
        area.may_manage = _may_manage(request, area)  # type: ignore[attr-defined]
        area.is_active = area.active_on(today)  # type: ignore[attr-defined]
    areas.sort(key=lambda a: (not a.is_active, a.division_code))  # type: ignore[attr-defined]
    return render(
        request,
        "people/riskarea_list.html",
        {"areas": areas, "may_add": has_perm_at(request.user, Perm.MANAGE_POLICY, None)},
    )


def _default_unit(request: AuthedRequest, perm: Perm) -> str:
    roots = scope_roots(request.user, perm)
    if not roots:
        return ""
    unit = OrgUnit.objects.filter(path=roots[0]).first()
    return unit.code if unit else ""


def riskarea_create(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.MANAGE_POLICY)
    initial = {
        "unit": _default_unit(request, Perm.MANAGE_POLICY),
        "valid_from": timezone.localdate(),
    }
    form = RiskAreaForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            policy_services.riskarea_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error, {"division_code": "division"})
        else:
            messages.success(request, _("The area is on the list; persons below were re-judged."))
            return redirect("people:riskarea_list")
    return render(
        request, "people/riskarea_form.html", {"form": form, "title": _("Add an affected area")}
    )


@require_POST
def riskarea_end(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_POLICY)
    area = get_object_or_404(RiskArea.objects.visible_to(request.user, Perm.MANAGE_POLICY), pk=pk)
    try:
        policy_services.riskarea_end(actor=request.user, area=area)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The area is off the list from tomorrow."))
    return redirect("people:riskarea_list")


@require_POST
def riskarea_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_POLICY)
    area = get_object_or_404(RiskArea.objects.visible_to(request.user, Perm.MANAGE_POLICY), pk=pk)
    policy_services.riskarea_delete(actor=request.user, area=area)
    messages.success(request, _("The area was removed from the list."))
    return redirect("people:riskarea_list")


def division_lookup(request: AuthedRequest) -> HttpResponse:
    """``<option>``s for a datalist: divisions matching what was typed (public knowledge)."""
    found = divisions.search(request.GET.get("division", request.GET.get("q", "")), limit=15)
    options = [(d.code, divisions.full_name(d.code)) for d in found]
    return render(request, "people/_division_options.html", {"options": options})


def policy_index(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.VIEW_PEOPLE)
    today = timezone.localdate()
    roots = scope_roots(request.user, Perm.VIEW_PEOPLE)
    units = (
        list(OrgUnit.objects.filter(path__in=roots)) if roots is not None
        else list(OrgUnit.objects.filter(parent__isnull=True))
    )  # fmt: skip
    in_force = [(unit, risk.policy_on(unit.path, today)) for unit in units]
    versions = list(_applicable(Policy, request.user).select_related("unit"))
    for version in versions:
        version.may_withdraw = (  # type: ignore[attr-defined]
            _may_manage(request, version) and version.effective_from > today
        )
    return render(
        request,
        "people/policy_index.html",
        {
            "in_force": in_force,
            "versions": versions,
            "defaults": risk.default_policy(),
            "today": today,
            "may_add": has_perm_at(request.user, Perm.MANAGE_POLICY, None),
        },
    )


def policy_create(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.MANAGE_POLICY)
    today = timezone.localdate()
    initial = {"unit": _default_unit(request, Perm.MANAGE_POLICY), "effective_from": today}
    form = PolicyForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data["effective_from"] < today and not request.POST.get("confirm_past"):
            form.add_error(
                "effective_from",
                _("This date is in the past: the version would re-judge everyone who arrived "
                  "since then. Tick the box below to confirm."),
            )  # fmt: skip
        else:
            try:
                policy_services.policy_add(actor=request.user, **data)
            except ValidationError as error:
                _add_errors(form, error, {})
            else:
                messages.success(request, _("The new policy version is saved."))
                return redirect("people:policy")
    past = bool(form.errors.get("effective_from")) and request.method == "POST"
    return render(request, "people/policy_form.html", {"form": form, "ask_confirm": past})


@require_POST
def policy_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_POLICY)
    policy = get_object_or_404(Policy.objects.visible_to(request.user, Perm.MANAGE_POLICY), pk=pk)
    try:
        policy_services.policy_delete(actor=request.user, policy=policy)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The version was withdrawn."))
    return redirect("people:policy")
