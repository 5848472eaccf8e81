"""Batch uploads from checkpoint devices, and the checkpoints a caller may register at."""

from __future__ import annotations

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import AuthenticationError, HttpError
from ninja.security import django_auth

from fangkong.accounts.tokens import TokenAuth
from fangkong.checkpoints import registration, selectors
from fangkong.checkpoints.schemas import BatchIn, BatchOut, CheckpointOut
from fangkong.core import stamps
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at

router = Router(tags=["checkpoints"])


@router.get("/", response=list[CheckpointOut])
def list_checkpoints(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Checkpoints in service where the caller may register passages."""
    return list(selectors.checkpoints_for_recording(actor=request.user).order_by("id")[:500])


# A device's key is checked on this process's copies without reading the reference
# stamp: the statement that writes the batch reads it (core.stamps.assumed).
_DEVICE = TokenAuth(assume=True)


@router.post("/passages", response=BatchOut, auth=[_DEVICE, django_auth])
def upload_passages(request: HttpRequest, batch: BatchIn):  # type: ignore[no-untyped-def]
    """Register up to 500 passages. Each item is answered on its own: created, duplicate
    (its client id was stored before: nothing is stored twice) or invalid (with every
    problem, by field); the good items are stored whatever the bad ones hold."""
    stamp = getattr(request, "fangkong_stamp", None)  # as the API key found it
    confirmed = getattr(request, "fangkong_confirmed", True)
    try:
        return _upload(request, batch, registration.Context(stamp, confirmed=confirmed))
    except stamps.Stale:
        # Keys, grants, checkpoints or policies changed since this process's copies:
        # nothing was written. Once more, on the stamp as read now.
        if _DEVICE.again(request) is None:
            raise AuthenticationError from None
        return _upload(request, batch, registration.Context(request.fangkong_stamp))  # type: ignore[attr-defined]


def _upload(request: HttpRequest, batch: BatchIn, ctx: registration.Context) -> HttpResponse:
    if not has_perm_at(request.user, Perm.RECORD_PASSAGES, None):
        ctx.confirm()
        raise HttpError(403, "forbidden")
    actor = request.user  # an authenticated user: the API's auth refused anyone else
    items: list[registration.PassageIn] = []
    early: dict[int, list[tuple[str, str]]] = {}
    for index, item in enumerate(batch.items):
        checkpoint = ctx.checkpoint(item.checkpoint) if item.checkpoint else None
        problems = []
        if (
            checkpoint is None
            or not checkpoint.active
            or not has_perm_at(actor, Perm.RECORD_PASSAGES, checkpoint.org_path)
        ):
            problems.append(
                (
                    "checkpoint",
                    _("No checkpoint in service with this id where you may register passages."),
                )
            )
        destination = ctx.unit(item.destination.strip()) if item.destination.strip() else None
        if item.destination.strip() and destination is None:
            problems.append(
                (
                    "destination",
                    _("No unit has the code %(code)s.") % {"code": item.destination.strip()},
                )
            )
        if problems:
            early[index] = problems
            continue
        assert checkpoint is not None
        items.append(
            registration.PassageIn(
                checkpoint=checkpoint, origin=item.origin, direction=item.direction,
                vehicle=item.vehicle, plate=item.plate, plate_checked=item.plate_checked,
                destination=destination, destination_text=item.destination_text,
                passed_at=item.passed_at, client_id=item.client_id,
                travellers=[registration.TravellerIn(**t.model_dump()) for t in item.travellers],
            )
        )  # fmt: skip
    if items:
        outcomes = iter(registration.register(actor=actor, items=items, ctx=ctx))  # type: ignore[arg-type]
    else:
        ctx.confirm()  # nothing to write: the answer stands on the stamp read now
        outcomes = iter(())
    results = []
    for index, item in enumerate(batch.items):
        if index in early:
            status, pk, found = "invalid", None, early[index]
        else:
            outcome = next(outcomes)
            status, found = outcome.status, outcome.errors
            pk = outcome.passage.pk if outcome.passage else None
        results.append({
            "index": index, "client_id": item.client_id, "status": status, "id": pk,
            "errors": [{"field": f, "message": m} for f, m in found],
        })  # fmt: skip
    count = {s: sum(r["status"] == s for r in results) for s in ("created", "duplicate", "invalid")}
    answer = {"created": count["created"], "duplicates": count["duplicate"],
              "invalid": count["invalid"], "results": results}  # fmt: skip
    # As BatchOut reads (the documented schema), written straight: building and checking
    # the schema's objects cost a device's upload more than its answer's JSON (orjson: 0.3 µs
    # where json.dumps took 4, for an answer of two items).
    return HttpResponse(orjson.dumps(answer), content_type="application/json")
