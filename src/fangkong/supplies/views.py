"""Supplies pages: the stores, a store's stock with days of cover, the forms that move
stock, the ledger of an item in a store, the items, and the low-stock alerts.

Who sees a store: ``Perm.VIEW_SUPPLIES`` where it hangs (elsewhere it does not exist:
404). Who moves stock: ``Perm.MANAGE_SUPPLIES`` there, or ``Perm.ISSUE_SUPPLIES`` to
issue; the services check again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.supplies import selectors, services
from fangkong.supplies.forms import MOVE_FORMS, ItemForm, StoreForm, ThresholdForm
from fangkong.supplies.models import Item, Stock, Store

# The store page's buttons.
ACTION_LABELS = {
    "receive": gettext_lazy("Receive"),
    "issue": gettext_lazy("Issue"),
    "transfer": gettext_lazy("Transfer"),
    "expire": gettext_lazy("Write off"),
    "correct": gettext_lazy("Stocktake"),
}
MOVES: dict[str, tuple[Perm, Any, Any]] = {
    # kind: (permission, title, message after)
    "receive": (
        Perm.MANAGE_SUPPLIES,
        gettext_lazy("Receive a delivery"),
        gettext_lazy("Received."),
    ),
    "issue": (Perm.ISSUE_SUPPLIES, gettext_lazy("Issue"), gettext_lazy("Issued.")),
    "transfer": (
        Perm.MANAGE_SUPPLIES,
        gettext_lazy("Transfer to another store"),
        gettext_lazy("Sent."),
    ),
    "expire": (
        Perm.MANAGE_SUPPLIES,
        gettext_lazy("Write off expired stock"),
        gettext_lazy("Written off."),
    ),
    "correct": (
        Perm.MANAGE_SUPPLIES,
        gettext_lazy("Correct after a stocktake"),
        gettext_lazy("Corrected."),
    ),
}


def require_any(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def _store_or_404(request: AuthedRequest, pk: int) -> Store:
    require_any(request, Perm.VIEW_SUPPLIES)
    return get_object_or_404(selectors.stores(actor=request.user), pk=pk)


def index(request: AuthedRequest) -> HttpResponse:
    """The stores in the user's scope, each with how many of its items are low."""
    require_any(request, Perm.VIEW_SUPPLIES)
    rows = selectors.store_summaries(actor=request.user)
    return render(
        request,
        "supplies/index.html",
        {"rows": rows, "low": sum(1 for r in rows if r["low"] and r["store"].active),
         "may_add": has_perm_at(request.user, Perm.MANAGE_SUPPLIES, None)},
    )  # fmt: skip


def alerts(request: AuthedRequest) -> HttpResponse:
    require_any(request, Perm.VIEW_SUPPLIES)
    return render(
        request, "supplies/alerts.html", {"lines": selectors.low_stock(actor=request.user)}
    )


def store_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """What the store holds, how long it lasts at last week's rate, and what is low."""
    store = _store_or_404(request, pk)
    user = request.user
    actions = [
        (kind, ACTION_LABELS[kind]) for kind, (perm, _title, _done) in MOVES.items()
        if has_perm_at(user, perm, store.org_path)
    ]  # fmt: skip
    return render(
        request,
        "supplies/store.html",
        {"store": store, "lines": selectors.stock_lines(store), "actions": actions,
         "may_manage": has_perm_at(user, Perm.MANAGE_SUPPLIES, store.org_path),
         "window": selectors.USE_WINDOW_DAYS},
    )  # fmt: skip


def store_create(request: AuthedRequest) -> HttpResponse:
    require_any(request, Perm.MANAGE_SUPPLIES)
    form = StoreForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            store = services.store_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The store was added."))
            return redirect("supplies:store", pk=store.pk)
    return render(request, "supplies/store_form.html", {"form": form})


def store_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    store = _store_or_404(request, pk)
    if not has_perm_at(request.user, Perm.MANAGE_SUPPLIES, store.org_path):
        raise PermissionDenied
    initial = {f: getattr(store, f) for f in services.STORE_FIELDS}
    form = StoreForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.store_update(actor=request.user, store=store, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("supplies:store", pk=store.pk)
    return render(request, "supplies/store_form.html", {"form": form, "store": store})


def _move(request: AuthedRequest, store: Store, kind: str, data: dict[str, Any]) -> None:
    actor = request.user
    common = {"actor": actor, "item": data["item"], "quantity": data["quantity"],
              "note": data.get("note", "")}  # fmt: skip
    if kind == "receive":
        services.stock_receive(store=store, **common)
    elif kind == "issue":
        services.stock_issue(
            store=store, to_unit=data.get("to_unit"), recipient=data.get("recipient", ""), **common
        )
    elif kind == "transfer":
        services.stock_transfer(source=store, target=data["target"], **common)
    elif kind == "expire":
        services.stock_expire(store=store, **common)
    else:
        services.stock_correct(store=store, **common)


def move(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in MOVES:
        raise Http404
    store = _store_or_404(request, pk)
    perm, title, done = MOVES[kind]
    if not has_perm_at(request.user, perm, store.org_path):
        raise PermissionDenied
    initial = {"item": request.GET.get("item")} if request.GET.get("item", "").isdigit() else {}
    form = MOVE_FORMS[kind](request.POST or None, store=store, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _move(request, store, kind, form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, str(done))
            return redirect("supplies:store", pk=store.pk)
    return render(
        request, "supplies/move_form.html",
        {"form": form, "store": store, "kind": kind, "title": title},
    )  # fmt: skip


def ledger(request: AuthedRequest, pk: int, item: int) -> HttpResponse:
    """Every move of one item in one store, newest first, with the balance after each;
    and, for those who run the store, its own low-stock threshold."""
    store = _store_or_404(request, pk)
    found = get_object_or_404(Item, pk=item)
    stock = Stock.objects.filter(store=store, item=found).first()
    may_manage = has_perm_at(request.user, Perm.MANAGE_SUPPLIES, store.org_path)
    form = ThresholdForm(
        request.POST if request.method == "POST" else None,
        initial={"threshold": stock.threshold if stock else None},
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.threshold_set(
                    actor=request.user, store=store, item=found,
                    threshold=form.cleaned_data["threshold"],
                )  # fmt: skip
            except ValidationError as error:
                errors_to(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("supplies:ledger", pk=store.pk, item=found.pk)
    page = Paginator(selectors.ledger(store, found), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supplies/ledger.html",
        {"store": store, "item": found, "stock": stock, "page": page,
         "form": form if may_manage else None,
         "may_issue": has_perm_at(request.user, Perm.ISSUE_SUPPLIES, store.org_path)},
    )  # fmt: skip


def item_list(request: AuthedRequest) -> HttpResponse:
    require_any(request, Perm.VIEW_SUPPLIES)
    return render(
        request,
        "supplies/items.html",
        {"items": selectors.items(),
         "may_manage": has_perm_at(request.user, Perm.MANAGE_SUPPLIES, None)},
    )  # fmt: skip


def item_form(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """The catalogue is one for the installation: those who run supplies anywhere keep it."""
    require_any(request, Perm.MANAGE_SUPPLIES)
    item = get_object_or_404(Item, pk=pk) if pk is not None else None
    initial = {f: getattr(item, f) for f in services.ITEM_FIELDS} if item else None
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                services.item_create(actor=request.user, **form.cleaned_data)
            else:
                services.item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("supplies:items")
    return render(request, "supplies/item_form.html", {"form": form, "item": item})
