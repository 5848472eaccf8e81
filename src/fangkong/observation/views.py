"""Observation pages: the list, starting one from a record, its page, figures, timeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import Handoff
from fangkong.core.exports import pdf_response
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.text import is_id
from fangkong.core.types import AuthedRequest
from fangkong.observation import notice, selectors, services
from fangkong.observation.forms import (
    CancelForm,
    ExposureForm,
    MoveForm,
    ReferForm,
    StartForm,
    SupportForm,
    TeamForm,
)
from fangkong.observation.models import Kind, Observation, Reason, State
from fangkong.observation.timeline import person_events
from fangkong.orgunits import selectors as unit_selectors
from fangkong.people.models import Person, RiskStatus
from fangkong.screening.models import VisitMember

TABS = ("open", "due", State.RELEASED, State.TRANSFERRED, State.CANCELLED)


def _require_any(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def observation_list(request: AuthedRequest) -> HttpResponse:
    _require_any(request, Perm.VIEW_PEOPLE)
    state = request.GET.get("state", "open")
    state = state if state in TABS else "open"
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()
    rows = selectors.observation_list(actor=request.user, state=state, kind=kind, query=query)
    tabs = [
        ("open", _("Open")),
        ("due", _("Due for release")),
        *[(s, State(s).label) for s in TABS[2:]],
    ]
    return render(
        request,
        "observation/observation_list.html",
        {
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "state": state,
            "kind": kind,
            "query": query,
            "tabs": tabs,
            "kinds": Kind.choices,
            "today": timezone.localdate(),
        },
    )


def _source(request: AuthedRequest, person: Person) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The record the observation starts from: what it links and what it prefills."""
    today = timezone.localdate()
    handoff_id = request.GET.get("handoff") or request.POST.get("handoff")
    visit_id = request.GET.get("visit_member") or request.POST.get("visit_member")
    travel_id = request.GET.get("travel") or request.POST.get("travel")
    if handoff_id and is_id(handoff_id):
        handoff = get_object_or_404(
            Handoff.objects.visible_to(request.user, Perm.VIEW_PEOPLE), pk=handoff_id,
            person=person,
        )  # fmt: skip
        initial = {
            "reason": Reason.FEVER if handoff.fever else Reason.ARRIVAL,
            "last_exposure": timezone.localtime(handoff.arrived_at).date(),
            "kind": Kind.CENTRALIZED
            if handoff.risk_status == RiskStatus.CENTRALIZED
            else Kind.HOME,
        }
        where = handoff.checkpoint.name if handoff.checkpoint else _("assistance letter")
        label = _("Hand-off from %(checkpoint)s, %(origin)s") % {
            "checkpoint": where,
            "origin": handoff.origin_name,
        }
        return {"handoff": handoff}, initial, label
    if visit_id and is_id(visit_id):
        member = get_object_or_404(
            VisitMember.objects.visible_to(request.user, Perm.VIEW_PEOPLE), pk=visit_id,
            person=person,
        )  # fmt: skip
        initial = {
            "reason": Reason.FEVER if member.fever else Reason.ARRIVAL,
            "last_exposure": timezone.localtime(member.visit.visited_at).date(),
            "kind": Kind.HOME,
        }
        return {"visit_member": member}, initial, _("Door-to-door visit")
    travel = None
    if travel_id and is_id(travel_id):
        travel = get_object_or_404(person.travels.all(), pk=travel_id)
    elif person.risk_status in (RiskStatus.HOME, RiskStatus.CENTRALIZED):
        travel = person.travels.order_by("-arrived_on").first()
    if travel is not None:
        initial = {
            "reason": Reason.ARRIVAL,
            "last_exposure": travel.arrived_on,
            "kind": Kind.CENTRALIZED if person.risk_status == RiskStatus.CENTRALIZED else Kind.HOME,
        }
        return {"travel": travel}, initial, travel.label()
    return {}, {"last_exposure": today, "kind": Kind.HOME}, ""


def start_query(person: Person) -> str:
    """The record a new observation of ``person`` starts from, as the start page's query:
    the latest visit that found a fever or an arrival, else a confirmed hand-off (the
    latest journey otherwise, chosen by the page itself)."""
    since = timezone.now() - timedelta(days=14)
    member = (
        VisitMember.objects.filter(person=person, visit__visited_at__gte=since)
        .filter(Q(fever=True) | Q(travel_found=True))
        .order_by("-visit__visited_at")
        .first()
    )
    if member is not None:
        return f"?visit_member={member.pk}"
    handoff = Handoff.objects.filter(person=person, closed_at__gte=since).order_by("-closed_at")
    found = handoff.values_list("pk", flat=True).first()
    return f"?handoff={found}" if found else ""


def observation_start(request: AuthedRequest, person: int) -> HttpResponse:
    """One action from the record at hand: nothing about the person is typed again."""
    found = get_object_or_404(Person.objects.visible_to(request.user, Perm.VIEW_PEOPLE), pk=person)
    if not has_perm_at(request.user, Perm.MANAGE_OBSERVATION, found.org_path):
        raise PermissionDenied
    source, initial, source_label = _source(request, found)
    initial["name_0"] = request.user.full_name
    form = StartForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation = services.observation_start(
                actor=request.user, person=found, kind=data["kind"], reason=data["reason"],
                last_exposure=data["last_exposure"], team=form.team(), site=data["site"],
                room=data["room"], note=data["note"], source=source,
            )  # fmt: skip
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is under observation until %(end)s.")
                % {"name": found.full_name, "end": observation.planned_end},
            )
            return redirect("observation:detail", observation.pk)
    open_one = found.observations.filter(state__in=[State.ACTIVE, State.ESCALATED]).first()
    return render(
        request,
        "observation/observation_start.html",
        {"person": found, "form": form, "source": source, "source_label": source_label,
         "open_one": open_one},
    )  # fmt: skip


def _observation_or_404(request: AuthedRequest, pk: int) -> Observation:
    return get_object_or_404(
        selectors.observation_list(actor=request.user, state="all").select_related(
            "person__unit", "unit", "handoff", "travel"
        ),
        pk=pk,
    )


ACTIONS = ("exposure", "move", "team", "refer", "release", "cancel", "support")


def _act(request: AuthedRequest, observation: Observation, action: str, form: Form) -> str | None:
    """Run one action of the page; the message to show, or None if the form has errors."""
    actor = request.user
    if action == "release":
        services.observation_release(actor=actor, observation=observation)
        return _("Released. The notice can be printed now.")
    if not form.is_valid():
        return None
    data = form.cleaned_data
    if action == "exposure":
        done = services.observation_correct_exposure(actor=actor, observation=observation, **data)
        return _("The planned end is now %(end)s.") % {"end": done.planned_end}
    if action == "move":
        services.observation_move(
            actor=actor, observation=observation, kind=data["kind"], site=data["site"],
            room=data["room"], note=data["note"],
        )  # fmt: skip
        return _("Moved.")
    if action == "team":
        assert isinstance(form, TeamForm)
        services.observation_team(actor=actor, observation=observation, team=form.team())
        return _("The team was changed.")
    if action == "refer":
        services.referral_open(actor=actor, observation=observation, **data)
        return _("Sent to the fever clinic.")
    if action == "cancel":
        services.observation_cancel(actor=actor, observation=observation, **data)
        return _("The observation was cancelled.")
    from fangkong.observation import services_sites

    services_sites.support_request(actor=actor, observation=observation, **data)
    return _("The request was recorded.")


def observation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    observation = _observation_or_404(request, pk)
    user = request.user
    may_manage = has_perm_at(user, Perm.MANAGE_OBSERVATION, observation.org_path)
    may_follow = has_perm_at(user, Perm.RECORD_FOLLOWUPS, observation.org_path)
    action = request.POST.get("action", "")
    posted = request.POST if request.method == "POST" else None

    def bound(name: str) -> Any:
        return posted if action == name else None

    forms: dict[str, Form] = {
        "exposure": ExposureForm(
            bound("exposure"), prefix="exposure",
            initial={"last_exposure": observation.last_exposure},
        ),
        "move": MoveForm(
            bound("move"), prefix="move", actor=user, initial={"kind": observation.kind}
        ),
        "team": TeamForm(bound("team"), prefix="team", members=list(observation.team.all())),
        "refer": ReferForm(bound("refer"), prefix="refer"),
        "cancel": CancelForm(bound("cancel"), prefix="cancel"),
        "support": SupportForm(bound("support"), prefix="support"),
    }  # fmt: skip  # fmt: skip
    if request.method == "POST":
        if action not in ACTIONS:
            raise PermissionDenied
        allowed = may_follow if action in ("refer", "support") else may_manage
        if not allowed:
            raise PermissionDenied
        form = forms.get(action, Form())
        try:
            done = _act(request, observation, action, form)
        except ValidationError as error:
            if action == "release":
                for problem in error.messages:
                    messages.error(request, problem)
                return redirect("observation:detail", observation.pk)
            errors_to(form, error)
        else:
            if done is not None:
                messages.success(request, done)
                return redirect("observation:detail", observation.pk)
    today = timezone.localdate()
    now = timezone.now()
    followups = list(observation.followups.filter(opens_at__lte=now + timedelta(hours=12)))
    return render(
        request,
        "observation/observation_detail.html",
        {
            "o": observation,
            "forms": forms,
            "action": action,
            "may_manage": may_manage and observation.is_open,
            "may_follow": may_follow and observation.is_open,
            "team": observation.team.all(),
            "followups": followups[::-1],
            "now": now,
            "today": today,
            "referrals": observation.referrals.select_related("opened_by", "closed_by"),
            "log": observation.log.select_related("by"),
            "support": observation.support_requests.select_related("assigned_to"),
            "blockers": services.release_blockers(observation, today),
            "day": min(observation.day_number(today), observation.days),
        },
    )


def release_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    """The release notice as a PDF; every print is in the audit log."""
    observation = _observation_or_404(request, pk)
    if not has_perm_at(request.user, Perm.MANAGE_OBSERVATION, observation.org_path):
        raise PermissionDenied
    if observation.state != State.RELEASED or not observation.notice_number:
        raise PermissionDenied
    return pdf_response(
        request, notice.notice_pdf(observation, request.user), target=observation,
        filename=f"notice-{observation.notice_number}.pdf", notice=observation.notice_number,
    )  # fmt: skip


def observation_figures(request: AuthedRequest, unit: int | None = None) -> HttpResponse:
    """Open observations by kind and state, overdue follow-ups and referrals, per unit."""
    _require_any(request, Perm.VIEW_PEOPLE)
    target = unit_selectors.figures_unit(actor=request.user, pk=unit)
    if not has_perm_at(request.user, Perm.VIEW_PEOPLE, target.path):
        raise PermissionDenied
    total, rows = selectors.figures(target)
    return render(
        request,
        "observation/figures.html",
        {"unit": target, "total": total, "rows": rows,
         "crumbs": unit_selectors.breadcrumbs(actor=request.user, unit=target)},
    )  # fmt: skip


def person_timeline(request: AuthedRequest, person: int) -> HttpResponse:
    """Registration, journeys, checkpoints, visits, observations, follow-ups and referrals."""
    found = get_object_or_404(Person.objects.visible_to(request.user, Perm.VIEW_PEOPLE), pk=person)
    return render(
        request,
        "observation/timeline.html",
        {"person": found, "events": person_events(request.user, found)},
    )
