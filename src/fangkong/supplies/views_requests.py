"""Request pages: the list, a new request, its page (submit, cancel, reject), approving it
(perhaps fewer) and fulfilling it from a store."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.core.types import AuthedRequest
from fangkong.orgunits.models import OrgUnit
from fangkong.supplies import selectors, services_requests
from fangkong.supplies.forms import ApproveForm, FulfilForm, RejectForm, RequestForm
from fangkong.supplies.models import RequestState, SupplyRequest
from fangkong.supplies.views import require_any

TABS = ("open", RequestState.DRAFT, RequestState.FULFILLED, RequestState.REJECTED,
        RequestState.CANCELLED)  # fmt: skip


def _request_or_404(request: AuthedRequest, pk: int) -> SupplyRequest:
    require_any(request, Perm.VIEW_SUPPLIES)
    return get_object_or_404(
        selectors.request_list(actor=request.user, state="all").select_related("into_store"),
        pk=pk,
    )


def request_list(request: AuthedRequest) -> HttpResponse:
    require_any(request, Perm.VIEW_SUPPLIES)
    state = request.GET.get("state", "open")
    state = state if state in TABS else "open"
    rows = selectors.request_list(actor=request.user, state=state).prefetch_related("lines__item")
    tabs = [("open", _("In progress")), *[(s, RequestState(s).label) for s in TABS[1:]]]
    return render(
        request,
        "supplies/requests.html",
        {"page": Paginator(rows, 30).get_page(request.GET.get("page")), "state": state,
         "tabs": tabs, "may_add": has_perm_at(request.user, Perm.REQUEST_SUPPLIES, None)},
    )  # fmt: skip


def request_create(request: AuthedRequest) -> HttpResponse:
    require_any(request, Perm.REQUEST_SUPPLIES)
    roots = scope_roots(request.user, Perm.REQUEST_SUPPLIES) or []
    home = OrgUnit.objects.filter(path__in=roots).order_by("-depth", "path").first()
    form = RequestForm(request.POST or None, actor=request.user,
                       initial={"unit": home.code if home else ""})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        wanted = [services_requests.Wanted(item, n) for item, n, _value in form.lines()]
        if not form.errors:
            try:
                made = services_requests.request_create(
                    actor=request.user, unit=form.cleaned_data["unit"], lines=wanted,
                    reason=form.cleaned_data["reason"], submit=request.POST.get("submit") == "1",
                )  # fmt: skip
            except ValidationError as error:
                errors_to(form, error)
            else:
                messages.success(
                    request,
                    _("Sent to %(unit)s for approval.") % {"unit": made.to_unit.name}
                    if made.state == RequestState.SUBMITTED
                    else _("Saved as a draft."),
                )
                return redirect("supplies:request", pk=made.pk)
    return render(request, "supplies/request_form.html", {"form": form})


def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The request, who did what when, its deliveries; submit, cancel or reject here."""
    found = _request_or_404(request, pk)
    user = request.user
    may_ask = has_perm_at(user, Perm.REQUEST_SUPPLIES, found.org_path)
    may_decide = has_perm_at(user, Perm.MANAGE_SUPPLIES, found.to_unit.path)
    reject = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        allowed = {"submit": may_ask, "cancel": may_ask, "reject": may_decide}
        if not allowed.get(action):
            raise PermissionDenied
        try:
            if action == "submit":
                services_requests.request_submit(actor=user, request=found)
                done = _("Sent to %(unit)s for approval.") % {"unit": found.to_unit.name}
            elif action == "cancel":
                services_requests.request_cancel(actor=user, request=found)
                done = _("The request was cancelled.")
            elif reject.is_valid():
                services_requests.request_reject(
                    actor=user, request=found, reason=reject.cleaned_data["reason"]
                )
                done = _("The request was rejected.")
            else:
                done = ""
        except ValidationError as error:
            if action == "reject":
                errors_to(reject, error)
            else:
                messages.error(request, " ".join(error.messages))
            done = ""
        if done:
            messages.success(request, done)
            return redirect("supplies:request", pk=found.pk)
    state = found.state
    return render(
        request,
        "supplies/request.html",
        {"r": found, "lines": found.lines.select_related("item"),
         "moves": found.moves.filter(kind__in=["issue", "transfer_out"])
         .select_related("item", "store", "by").order_by("at", "id"),
         "may_submit": may_ask and state == RequestState.DRAFT,
         # Those who decide reject; withdrawing is for the unit that asked.
         "may_cancel": may_ask and not may_decide
         and state in (RequestState.DRAFT, RequestState.SUBMITTED),
         "may_decide": may_decide and state == RequestState.SUBMITTED,
         "may_fulfil": may_decide and state == RequestState.APPROVED,
         "reject": reject},
    )  # fmt: skip


def _decider(request: AuthedRequest, pk: int, state: str) -> SupplyRequest | None:
    """The request, for one who may decide it; None (after saying why) if it is not in
    ``state`` any more."""
    found = _request_or_404(request, pk)
    if not has_perm_at(request.user, Perm.MANAGE_SUPPLIES, found.to_unit.path):
        raise PermissionDenied
    if found.state != state:
        messages.info(
            request, _("This request is %(state)s.") % {"state": found.get_state_display()}
        )
        return None
    return found


def request_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _decider(request, pk, RequestState.SUBMITTED)
    if found is None:
        return redirect("supplies:request", pk=pk)
    form = ApproveForm(request.POST or None, request=found)
    if request.method == "POST" and form.is_valid():
        try:
            services_requests.request_approve(
                actor=request.user, request=found, approved=form.approved()
            )
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Approved. Send it from a store when it is ready."))
            return redirect("supplies:request", pk=found.pk)
    return render(request, "supplies/request_approve.html", {"r": found, "form": form})


def request_fulfil(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _decider(request, pk, RequestState.APPROVED)
    if found is None:
        return redirect("supplies:request", pk=pk)
    stores = services_requests.stores_to_fulfil(found)
    form = FulfilForm(request.POST or None, request=found, stores=stores)
    if request.method == "POST" and form.is_valid():
        try:
            services_requests.request_fulfil(
                actor=request.user, request=found, store=form.cleaned_data["store"],
                sent=form.sent(),
            )  # fmt: skip
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Sent."))
            return redirect("supplies:request", pk=found.pk)
    return render(
        request, "supplies/request_fulfil.html", {"r": found, "form": form, "stores": stores}
    )
