"""Staff pages for tips: the hotline form, the triage queue, a unit's tips, one tip with
its log and actions, and response times per unit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.orgunits import selectors as unit_selectors
from fangkong.tips import selectors, services
from fangkong.tips.forms import (
    PERIODS,
    HotlineForm,
    RejectForm,
    ResolveForm,
    StartForm,
    TriageForm,
)
from fangkong.tips.models import OPEN_STATES, WORKING_STATES, State, Tip


def _require_any(request: AuthedRequest, *perms: Perm) -> None:
    if not any(has_perm_at(request.user, perm, None) for perm in perms):
        raise PermissionDenied


def _tabs(here: str) -> list[tuple[str, str]]:
    labels = {"open": _("Not closed"), "new": _("New"), "overdue": _("Overdue"),
              "closed": _("Closed")}  # fmt: skip
    keys = selectors.TABS if here == "queue" else ("open", "overdue", "closed")
    return [(key, labels[key]) for key in keys]


def _list(request: AuthedRequest, here: str, rows: Any, tab: str, query: str) -> HttpResponse:
    return render(
        request,
        "tips/tip_list.html",
        {
            "here": here,
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "tab": tab,
            "tabs": _tabs(here),
            "query": query,
            "now": timezone.now(),
        },
    )


def index(request: AuthedRequest) -> HttpResponse:
    """The section's door: the triage queue for those who triage, else the unit's tips."""
    _require_any(request, Perm.TRIAGE_TIPS, Perm.HANDLE_TIPS)
    if has_perm_at(request.user, Perm.TRIAGE_TIPS, None):
        return queue(request)
    return unit_tips(request)


def queue(request: AuthedRequest) -> HttpResponse:
    """Where tips are triaged: the new ones first, oldest first."""
    _require_any(request, Perm.TRIAGE_TIPS)
    tab = request.GET.get("tab", "open")
    tab = tab if tab in selectors.TABS else "open"
    query = request.GET.get("q", "").strip()[:100]
    rows = selectors.triage_queue(actor=request.user, tab=tab, query=query)
    return _list(request, "queue", rows, tab, query)


def unit_tips(request: AuthedRequest) -> HttpResponse:
    """The tips assigned to the user's units or below, the first due first."""
    _require_any(request, Perm.HANDLE_TIPS)
    tab = request.GET.get("tab", "open")
    tab = tab if tab in ("open", "overdue", "closed") else "open"
    query = request.GET.get("q", "").strip()[:100]
    rows = selectors.unit_tips(actor=request.user, tab=tab, query=query)
    return _list(request, "mine", rows, tab, query)


def record(request: AuthedRequest) -> HttpResponse:
    """A call to the hotline, typed while the caller speaks."""
    _require_any(request, Perm.HANDLE_TIPS)
    form = HotlineForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tip = services.tip_record(
                actor=request.user, desk=data["desk"], report=form.report(),
                assign_to=data.get("assign_to"), due_hours=data.get("due_hours"),
                note=data.get("note", ""),
            )  # fmt: skip
        except ValidationError as error:
            errors_to(form, error)
        except PermissionDenied:
            form.add_error("desk", _("You may not receive tips for this unit."))
        else:
            messages.success(
                request,
                _("Recorded. Read the receipt code to the caller: %(code)s")
                % {"code": services.format_code(tip.code)},
            )
            return redirect("tips:detail", tip.pk)
    return render(request, "tips/record.html", {"form": form})


ACTIONS = ("triage", "reject", "start", "resolve")


def _forms(request: AuthedRequest, tip: Tip, action: str) -> dict[str, Form]:
    posted = request.POST if request.method == "POST" else None

    def bound(name: str) -> Any:
        return posted if action == name else None

    first = tip.state == State.NEW
    return {
        "triage": TriageForm(
            bound("triage"), prefix="triage", actor=request.user, first=first,
            initial={"due_hours": services.due_hours_for(tip.category)},
        ),
        "reject": RejectForm(bound("reject"), prefix="reject"),
        "start": StartForm(bound("start"), prefix="start"),
        "resolve": ResolveForm(bound("resolve"), prefix="resolve"),
    }  # fmt: skip


def _act(request: AuthedRequest, tip: Tip, action: str, form: Form) -> str | None:
    """Run one action of the page; the message to show, or None if the form has errors."""
    if not form.is_valid():
        return None
    data, actor = form.cleaned_data, request.user
    if action == "triage":
        done = services.tip_triage(actor=actor, tip=tip, **data)
        return _("Assigned to %(unit)s.") % {"unit": done.unit}
    if action == "reject":
        services.tip_reject(actor=actor, tip=tip, reason=data["reason"])
        return _("The tip was rejected.")
    if action == "start":
        services.tip_start(actor=actor, tip=tip, note=data["note"])
        return _("Marked as in progress.")
    services.tip_resolve(actor=actor, tip=tip, **data)
    return _("The tip is resolved.")


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_any(request, Perm.TRIAGE_TIPS, Perm.HANDLE_TIPS)
    tip = get_object_or_404(selectors.tip_list(actor=request.user), pk=pk)
    user = request.user
    may_triage = has_perm_at(user, Perm.TRIAGE_TIPS, tip.org_path) and tip.state in OPEN_STATES
    may_handle = has_perm_at(user, Perm.HANDLE_TIPS, tip.org_path) and (tip.state in WORKING_STATES)
    action = request.POST.get("action", "")
    forms = _forms(request, tip, action)
    now = timezone.now()
    if request.method == "POST":
        if action not in ACTIONS:
            raise PermissionDenied
        if not (may_triage if action in ("triage", "reject") else may_handle):
            raise PermissionDenied
        form = forms[action]
        try:
            done = _act(request, tip, action, form)
        except ValidationError as error:
            errors_to(form, error)
        else:
            if done is not None:
                messages.success(request, done)
                return redirect("tips:detail", tip.pk)
    return render(
        request,
        "tips/tip_detail.html",
        {
            "tip": tip,
            "code": services.format_code(tip.code),
            "forms": forms,
            "action": action,
            "may_triage": may_triage,
            "may_reject": may_triage and tip.state == State.NEW,
            "may_start": may_handle and tip.state == State.TRIAGED,
            "may_resolve": may_handle,
            "may_reveal": has_perm_at(user, Perm.REVEAL_PERSONAL, tip.org_path),
            "log": tip.log.select_related("by", "unit"),
            "same_phone": selectors.same_phone(actor=user, tip=tip),
            "now": now,
            "overdue": tip.overdue_at(now),
        },
    )


@require_POST
def reveal(request: AuthedRequest, pk: int, field: str) -> HttpResponse:
    _require_any(request, Perm.REVEAL_PERSONAL)
    if field not in services.SECRET_FIELDS:
        raise Http404
    tip = get_object_or_404(selectors.tip_list(actor=request.user), pk=pk)
    value = services.tip_reveal(actor=request.user, tip=tip, field=field)
    return render(request, "tips/_revealed.html", {"value": value})


def times(request: AuthedRequest, unit: int | None = None) -> HttpResponse:
    """Response times per unit: medians to triage and to resolve, and what is overdue."""
    _require_any(request, Perm.TRIAGE_TIPS)
    target = unit_selectors.figures_unit(actor=request.user, pk=unit)
    if not has_perm_at(request.user, Perm.TRIAGE_TIPS, target.path):
        raise PermissionDenied
    days = request.GET.get("days", "")
    period = int(days) if days in {str(p) for p in PERIODS} else PERIODS[1]
    total, rows = selectors.response_times(target, days=period)
    # Units without a tip in the period or open now are counted, not listed: a district's
    # ten quiet streets would push the busy ones off a phone's screen.
    busy = [r for r in rows if r.received or r.open]
    return render(
        request,
        "tips/times.html",
        {"unit": target, "total": total, "rows": busy, "quiet": len(rows) - len(busy),
         "days": period, "periods": PERIODS,
         "crumbs": unit_selectors.breadcrumbs(actor=request.user, unit=target)},
    )  # fmt: skip
