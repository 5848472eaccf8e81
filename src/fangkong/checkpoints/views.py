"""Checkpoints: the roadside registration form, the checkpoint pages, the shift summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.checkpoints import registration, selectors, services
from fangkong.checkpoints.forms import PROVINCE_BY_CODE, CheckpointForm, PassageForm
from fangkong.checkpoints.models import Checkpoint, Passage, Referral, Traveller, Vehicle
from fangkong.checkpoints.plates import PROVINCES
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest

SHIFT = "checkpoint_shift"  # session key: the form's sticky values for this officer's shift
RECENT_ORIGINS = 6


def _require(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def _day(request: AuthedRequest) -> date:
    return parse_date(request.GET.get("day", "")) or timezone.localdate()


def checkpoint_list(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.VIEW_PASSAGES)
    day = _day(request)
    checkpoints = list(selectors.checkpoint_list(actor=request.user))
    return render(
        request,
        "checkpoints/checkpoint_list.html",
        {
            "rows": selectors.checkpoint_days(checkpoints, day),
            "day": day,
            "may_add": has_perm_at(request.user, Perm.MANAGE_CHECKPOINTS, None),
            "may_register": has_perm_at(request.user, Perm.RECORD_PASSAGES, None),
        },
    )


def checkpoint_create(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.MANAGE_CHECKPOINTS)
    form = CheckpointForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.checkpoint_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The checkpoint was added."))
            return redirect("checkpoints:detail", pk=checkpoint.pk)
    return render(request, "checkpoints/checkpoint_form.html", {"form": form})


def _checkpoint_or_404(request: AuthedRequest, pk: int) -> Checkpoint:
    return get_object_or_404(selectors.checkpoint_list(actor=request.user), pk=pk)


def checkpoint_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    checkpoint = _checkpoint_or_404(request, pk)
    if not request.user.has_perm(Perm.MANAGE_CHECKPOINTS, checkpoint):
        raise PermissionDenied
    initial = {f: getattr(checkpoint, f) for f in ("name", "kind", "directions", "opens_at",
                                                   "closes_at", "active")}  # fmt: skip
    initial["lead"] = checkpoint.lead.username if checkpoint.lead else ""
    form = CheckpointForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkpoint_update(
                actor=request.user, checkpoint=checkpoint, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("checkpoints:detail", pk=checkpoint.pk)
    return render(
        request, "checkpoints/checkpoint_form.html", {"form": form, "checkpoint": checkpoint}
    )


def checkpoint_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Today's passages per hour, fevers and referrals, and the latest passages."""
    checkpoint = _checkpoint_or_404(request, pk)
    day = _day(request)
    hours = selectors.hourly(checkpoint, day)
    start, end = selectors.day_bounds(day)
    passages = (
        Passage.objects.visible_to(request.user, Perm.VIEW_PASSAGES)
        .filter(checkpoint=checkpoint, passed_at__gte=start, passed_at__lt=end)
        .select_related("destination")
        .prefetch_related("travellers")
    )
    page = Paginator(passages, 25).get_page(request.GET.get("page"))
    (summary,) = selectors.checkpoint_days([checkpoint], day)
    return render(
        request,
        "checkpoints/checkpoint_detail.html",
        {
            "checkpoint": checkpoint,
            "day": day,
            "hours": hours,
            "peak": max((h.passages for h in hours), default=0) or 1,
            "summary": summary,
            "page": page,
            "may_edit": request.user.has_perm(Perm.MANAGE_CHECKPOINTS, checkpoint),
            "may_register": request.user.has_perm(Perm.RECORD_PASSAGES, checkpoint)
            and checkpoint.active,
        },
    )


def shift_summary(request: AuthedRequest, pk: int) -> HttpResponse:
    """A printable page for the end of a shift: the figures and every fever, by hour."""
    checkpoint = _checkpoint_or_404(request, pk)
    day = _day(request)
    start, end = selectors.day_bounds(day)
    fevers = (
        Traveller.objects.visible_to(request.user, Perm.VIEW_PASSAGES)
        .filter(
            passage__checkpoint=checkpoint, passage__passed_at__gte=start,
            passage__passed_at__lt=end,
        )
        .filter(Q(fever=True) | ~Q(referral=Referral.NONE))
        .select_related("passage")
        .order_by("passage__passed_at")
    )  # fmt: skip
    (summary,) = selectors.checkpoint_days([checkpoint], day)
    return render(
        request,
        "checkpoints/shift_summary.html",
        {
            "checkpoint": checkpoint,
            "day": day,
            "hours": [h for h in selectors.hourly(checkpoint, day) if h.passages],
            "summary": summary,
            "fevers": fevers,
            "printed_at": timezone.localtime(),
        },
    )


def _shift(request: AuthedRequest) -> dict[str, Any]:
    return dict(request.session.get(SHIFT) or {})


def _remember(request: AuthedRequest, form: PassageForm, origin: str) -> None:
    shift = _shift(request)
    data = form.cleaned_data
    shift.update(
        checkpoint=data["checkpoint"].pk, direction=data["direction"], vehicle=data["vehicle"],
        province=data.get("province") or shift.get("province", ""),
    )  # fmt: skip
    origins = [o for o in shift.get("origins", []) if o != origin]
    shift["origins"] = [origin, *origins][:RECENT_ORIGINS] if origin else origins
    request.session[SHIFT] = shift


def _initial(request: AuthedRequest, checkpoints: list[Checkpoint]) -> dict[str, Any]:
    shift = _shift(request)
    initial: dict[str, Any] = {
        k: shift[k] for k in ("direction", "vehicle", "province") if k in shift
    }
    ids = {c.pk for c in checkpoints}
    if shift.get("checkpoint") in ids:
        initial["checkpoint"] = shift["checkpoint"]
    elif checkpoints:
        initial["checkpoint"] = checkpoints[0].pk
    if "province" not in initial and checkpoints:
        initial["province"] = PROVINCE_BY_CODE.get(checkpoints[0].unit.code[:2], PROVINCES[0])
    return initial


def _plate(form: PassageForm) -> str:
    plate = (form.cleaned_data.get("plate") or "").strip()
    province = form.cleaned_data.get("province") or ""
    if form.cleaned_data.get("plate_unchecked") or not plate or plate[0] in PROVINCES:
        return plate
    return province + plate


def register(request: AuthedRequest) -> HttpResponse:
    """The roadside form: one vehicle, its travellers, one tap to save, then the next."""
    _require(request, Perm.RECORD_PASSAGES)
    checkpoints = list(selectors.checkpoints_for_recording(actor=request.user))
    form = PassageForm(
        request.POST or None, actor=request.user, initial=_initial(request, checkpoints)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        destination = None
        code = (data.get("destination") or "").strip()
        if code:
            destination = selectors.destinations(actor=request.user).filter(code=code).first()
            if destination is None:
                form.add_error("destination", _("Pick the destination from the suggestions."))
        rows = form.traveller_rows()
        if form.is_valid():
            item = registration.PassageIn(
                checkpoint=data["checkpoint"], origin=data["origin"], direction=data["direction"],
                vehicle=data["vehicle"], plate=_plate(form),
                plate_checked=not data.get("plate_unchecked"), destination=destination,
                destination_text=data.get("destination_text") or "",
                travellers=[registration.TravellerIn(**values) for _n, values in rows],
            )  # fmt: skip
            (outcome,) = registration.register(actor=request.user, items=[item])
            if outcome.status == "created" and outcome.passage is not None:
                _remember(request, form, data["origin"])
                _report(request, outcome.passage)
                return redirect("checkpoints:register")
            _put_back(form, outcome.errors, [n for n, _v in rows])
    shift = _shift(request)
    return render(
        request,
        "checkpoints/register.html",
        {
            "form": form,
            "blocks": form.blocks(),
            "origins": shift.get("origins", []),
            "no_checkpoint": not checkpoints,
            "on_foot": Vehicle.ON_FOOT,
        },
    )


def _put_back(form: PassageForm, errors: list[tuple[str, str]], blocks: list[int]) -> None:
    names = {"checkpoint", "direction", "vehicle", "plate", "origin", "destination"}
    for name, message in errors:
        if name.startswith("travellers["):
            index = int(name[len("travellers[") : name.index("]")])
            field = name.split(".", 1)[1] if "." in name else "full_name"
            form.add_error(f"t{blocks[index]}_{field}" if index < len(blocks) else None, message)
        elif name in names:
            form.add_error(name, message)
        elif name == "travellers":
            form.add_error("t0_full_name", message)
        else:
            form.add_error(None, message)


def _report(request: AuthedRequest, passage: Passage) -> None:
    travellers = list(passage.travellers.all())
    messages.success(
        request,
        _("Saved: %(plate)s; travellers: %(count)d.") % {
            "plate": passage.plate or _("on foot"), "count": len(travellers)},
    )  # fmt: skip
    feverish = [t for t in travellers if t.referral == Referral.OPEN]
    if feverish:
        names = "、".join(t.full_name for t in feverish)
        messages.error(
            request,
            _("Fever or symptoms: %(names)s. Keep them apart and take them to the fever clinic; "
              "their community has been told.") % {"names": names},
        )  # fmt: skip


def destination_lookup(request: AuthedRequest) -> HttpResponse:
    """Suggestions for the destination: communities, villages and grids of the district."""
    _require(request, Perm.RECORD_PASSAGES)
    query = next((str(v) for v in request.GET.values() if str(v).strip()), "").strip()
    units = []
    if query:
        units = list(
            selectors.destinations(actor=request.user)
            .filter(Q(name__contains=query) | Q(code__startswith=query))
            .select_related("parent")
            .order_by("depth", "path")[:20]
        )
    return render(request, "checkpoints/_destination_options.html", {"units": units})


def outside_list(request: AuthedRequest) -> HttpResponse:
    """Arrivals bound outside the district, for the HQ to notify those places."""
    _require(request, Perm.MANAGE_CHECKPOINTS)
    passages = selectors.outside_list(actor=request.user).order_by(
        F("notified_at").asc(nulls_first=True), "-passed_at"
    )
    return render(
        request,
        "checkpoints/outside_list.html",
        {"page": Paginator(passages, 30).get_page(request.GET.get("page"))},
    )


@require_POST
def outside_notified(request: AuthedRequest, pk: int) -> HttpResponse:
    passage = get_object_or_404(selectors.outside_list(actor=request.user), pk=pk)
    try:
        services.passage_notified(actor=request.user, passage=passage)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("checkpoints:outside")
