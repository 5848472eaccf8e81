"""Requests for supplies (物资申领): a unit asks the unit above it, which approves (perhaps
fewer) or rejects with a reason, and fulfils from its store in one delivery or several.

draft → submitted → approved → fulfilled, or rejected; a draft or a submitted request
may be cancelled by the unit that made it. Each step keeps who and when; each delivery
is a ledger move (a transfer into the requesting unit's store, or an issue to the unit
when it has none) that names the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.orgunits.models import OrgUnit
from fangkong.supplies import ledger
from fangkong.supplies.ledger import Move, check_quantity
from fangkong.supplies.models import (
    Item,
    MoveKind,
    RequestLine,
    RequestState,
    StockMove,
    Store,
    SupplyRequest,
)
from fangkong.supplies.services import moment, require, transfer_moves


class Wanted(NamedTuple):
    item: Item
    quantity: int


def asked_of(unit: OrgUnit) -> OrgUnit:
    """The nearest unit above ``unit`` that runs a store in use (its parent if none does)."""
    above = list(unit.ancestors())
    if not above:
        raise ValidationError(_("A top-level unit has no one above it to ask."))
    with_store = set(
        Store.objects.filter(unit__in=above, active=True).values_list("unit_id", flat=True)
    )
    for candidate in reversed(above):
        if candidate.pk in with_store:
            return candidate
    return above[-1]


def _lock(actor: User, perm: Perm, request: SupplyRequest, *states: str) -> SupplyRequest:
    request = (
        SupplyRequest.objects.select_for_update(of=("self",))
        .select_related("unit", "to_unit", "into_store")
        .get(pk=request.pk)
    )
    require(actor, perm, request.to_unit.path if perm == Perm.MANAGE_SUPPLIES else request.org_path)
    if request.state not in states:
        raise ValidationError(
            _("This request is %(state)s: it cannot be changed this way.")
            % {"state": request.get_state_display()}
        )
    return request


def _audit(actor: User, request: SupplyRequest, **changes: object) -> None:
    audit.record(actor=actor, action=audit.Action.UPDATE, target=request, changes=changes)


@transaction.atomic
def request_create(
    *, actor: User, unit: OrgUnit, lines: list[Wanted], reason: str = "", submit: bool = False
) -> SupplyRequest:
    require(actor, Perm.REQUEST_SUPPLIES, unit.path)
    wanted = [Wanted(w.item, check_quantity(w.quantity)) for w in lines]
    if not wanted:
        raise ValidationError({"lines": _("List at least one item and how many.")})
    if len({w.item.pk for w in wanted}) != len(wanted):
        raise ValidationError({"lines": _("List each item once.")})
    for w in wanted:
        if not w.item.active:
            raise ValidationError({"lines": _("%(item)s is no longer in use.") % {"item": w.item}})
    own = Store.objects.filter(unit=unit, active=True).order_by("name", "pk").first()
    request = SupplyRequest(
        unit=unit, org_path=unit.path, to_unit=asked_of(unit), into_store=own,
        reason=reason.strip()[:300], created_by=actor,
    )  # fmt: skip
    request.full_clean()
    request.save()
    RequestLine.objects.bulk_create(
        [RequestLine(request=request, item=w.item, quantity=w.quantity) for w in wanted]
    )
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=request,
        changes={"to_unit": request.to_unit.code,
                 "lines": [[w.item.name, w.quantity] for w in wanted]},
    )  # fmt: skip
    if submit:
        request = request_submit(actor=actor, request=request)
    return request


@transaction.atomic
def request_submit(*, actor: User, request: SupplyRequest) -> SupplyRequest:
    request = _lock(actor, Perm.REQUEST_SUPPLIES, request, RequestState.DRAFT)
    request.state = RequestState.SUBMITTED
    request.submitted_by, request.submitted_at = actor, timezone.now()
    request.save(update_fields=["state", "submitted_by", "submitted_at"])
    _audit(actor, request, state=request.state)
    return request


@transaction.atomic
def request_cancel(*, actor: User, request: SupplyRequest) -> SupplyRequest:
    """Withdrawn by the unit that asked, before it was decided."""
    request = _lock(
        actor, Perm.REQUEST_SUPPLIES, request, RequestState.DRAFT, RequestState.SUBMITTED
    )
    request.state = RequestState.CANCELLED
    request.closed_by, request.closed_at = actor, timezone.now()
    request.save(update_fields=["state", "closed_by", "closed_at"])
    _audit(actor, request, state=request.state)
    return request


@transaction.atomic
def request_approve(
    *, actor: User, request: SupplyRequest, approved: dict[int, int]
) -> SupplyRequest:
    """``approved``: line id -> how many will be sent (up to what was asked; 0: none)."""
    request = _lock(actor, Perm.MANAGE_SUPPLIES, request, RequestState.SUBMITTED)
    lines = list(request.lines.select_related("item"))
    for line in lines:
        given = approved.get(line.pk, line.quantity)
        if isinstance(given, bool) or not isinstance(given, int) or not 0 <= given <= line.quantity:
            raise ValidationError(
                {"lines": _("Approve between 0 and %(asked)d %(measure)s of %(item)s.")
                 % {"asked": line.quantity, "measure": line.item.measure, "item": line.item}}
            )  # fmt: skip
        line.approved = given
    if not any(line.approved for line in lines):
        raise ValidationError(_("To approve nothing, reject the request and say why."))
    RequestLine.objects.bulk_update(lines, ["approved"])
    request.state = RequestState.APPROVED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    _audit(actor, request, state=request.state,
           approved=[[ln.item.name, ln.quantity, ln.approved] for ln in lines])  # fmt: skip
    return request


@transaction.atomic
def request_reject(*, actor: User, request: SupplyRequest, reason: str) -> SupplyRequest:
    request = _lock(actor, Perm.MANAGE_SUPPLIES, request, RequestState.SUBMITTED)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is rejected.")})
    request.state = RequestState.REJECTED
    request.rejection = reason.strip()[:200]
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["state", "rejection", "decided_by", "decided_at"])
    _audit(actor, request, state=request.state, reason=request.rejection)
    return request


def stores_to_fulfil(request: SupplyRequest) -> list[Store]:
    """The stores a request is fulfilled from: those in use of the unit it asked."""
    return list(Store.objects.filter(unit_id=request.to_unit_id, active=True).order_by("name"))


@transaction.atomic
def request_fulfil(
    *, actor: User, request: SupplyRequest, store: Store, sent: dict[int, int],
    at: datetime | None = None,
) -> list[StockMove]:  # fmt: skip
    """A delivery from ``store``: ``sent`` is line id -> how many now (up to what remains)."""
    request = _lock(actor, Perm.MANAGE_SUPPLIES, request, RequestState.APPROVED)
    if store.unit_id != request.to_unit_id:
        raise ValidationError(
            {"store": _("Send from a store of %(unit)s.") % {"unit": request.to_unit.name}}
        )
    require(actor, Perm.MANAGE_SUPPLIES, store.org_path)
    lines = list(request.lines.select_related("item"))
    into = request.into_store if request.into_store and request.into_store.active else None
    moves: list[Move] = []
    for line in lines:
        count = sent.get(line.pk, 0)
        if count == 0:
            continue
        count = check_quantity(count)
        if count > line.outstanding:
            raise ValidationError(
                {"lines": _("Only %(left)d %(measure)s of %(item)s remain to be sent.")
                 % {"left": line.outstanding, "measure": line.item.measure, "item": line.item}}
            )  # fmt: skip
        note = _("Request #%(number)d") % {"number": request.pk}
        if into is not None:
            moves += transfer_moves(store, into, line.item, count, request=request, note=note)
        else:
            moves.append(
                Move(store, line.item, MoveKind.ISSUE, -count, to_unit=request.unit,
                     recipient=request.unit.name, request=request, note=note)
            )  # fmt: skip
        line.fulfilled += count
    if not moves:
        raise ValidationError({"lines": _("Give how many of at least one item are sent now.")})
    posted = ledger.post(moves, actor=actor, at=moment(at))
    for line in lines:
        RequestLine.objects.filter(pk=line.pk).update(fulfilled=line.fulfilled)
    if all(line.outstanding == 0 for line in lines):
        request.state = RequestState.FULFILLED
        request.closed_by, request.closed_at = actor, timezone.now()
        request.save(update_fields=["state", "closed_by", "closed_at"])
    _audit(actor, request, state=request.state, store=store.pk,
           sent=[[ln.item.name, sent.get(ln.pk, 0)] for ln in lines])  # fmt: skip
    return posted
