"""Writes for isolation sites and their rooms, and for support requests (生活保障)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.observation.models import (
    OPEN_STATES,
    Observation,
    Room,
    Site,
    SupportRequest,
    SupportState,
)
from fangkong.observation.services import _require
from fangkong.orgunits.models import OrgUnit

SITE_FIELDS = ("name", "kind", "address", "contact", "active")
MAX_ROOMS = 500


@transaction.atomic
def site_create(*, actor: User, unit: OrgUnit, **values: Any) -> Site:
    _require(actor, Perm.MANAGE_SITES, unit.path)
    site = Site(unit=unit, org_path=unit.path, **{k: values[k] for k in SITE_FIELDS if k in values})
    site.full_clean()
    site.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=site, changes={"name": site.name})
    return site


@transaction.atomic
def site_update(*, actor: User, site: Site, **values: Any) -> Site:
    _require(actor, Perm.MANAGE_SITES, site.org_path)
    changes = {}
    for key in SITE_FIELDS:
        if key in values and getattr(site, key) != values[key]:
            changes[key] = [getattr(site, key), values[key]]
            setattr(site, key, values[key])
    site.full_clean()
    site.save()
    audit.record(actor=actor, action=audit.Action.UPDATE, target=site, changes=changes)
    return site


def room_numbers(text: str) -> list[str]:
    """ "101-110, 201, 202" as room numbers; a range keeps the width of its first number."""
    out: list[str] = []
    # "101 - 103" is one range, however the dash is typed and spaced.
    text = re.sub(r"\s*[-~～—－]\s*", "-", text.strip())
    for part in re.split(r"[,，、\s]+", text):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)-(\d+)", part)
        if "-" in part and not match:
            raise ValidationError({"numbers": _("“%(part)s” is not a range.") % {"part": part}})
        if match:
            first, last = match.groups()
            if int(last) < int(first) or int(last) - int(first) >= MAX_ROOMS:
                raise ValidationError({"numbers": _("“%(part)s” is not a range.") % {"part": part}})
            out += [str(n).zfill(len(first)) for n in range(int(first), int(last) + 1)]
        elif len(part) <= 20:
            out.append(part)
        else:
            raise ValidationError(
                {"numbers": _("“%(part)s” is too long for a room number.") % {"part": part}}
            )
    if not out:
        raise ValidationError({"numbers": _("Give the room numbers, such as 101-120.")})
    if len(out) > MAX_ROOMS:
        raise ValidationError(
            {"numbers": _("At most %(count)d rooms at once.") % {"count": MAX_ROOMS}}
        )
    return list(dict.fromkeys(out))


@transaction.atomic
def rooms_add(*, actor: User, site: Site, numbers: str, beds: int) -> list[Room]:
    """New rooms; numbers the site already has are left as they are."""
    _require(actor, Perm.MANAGE_SITES, site.org_path)
    if not 1 <= beds <= 20:
        raise ValidationError({"beds": _("A room has between 1 and 20 beds.")})
    wanted = room_numbers(numbers)
    have = set(site.rooms.filter(number__in=wanted).values_list("number", flat=True))
    rooms = [
        Room(site=site, org_path=site.org_path, number=n, beds=beds)
        for n in wanted
        if n not in have
    ]
    # A number added by someone else at the same moment is kept once.
    Room.objects.bulk_create(rooms, ignore_conflicts=True)
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=site,
        changes={"rooms": [r.number for r in rooms], "beds": beds},
    )  # fmt: skip
    return rooms


@transaction.atomic
def room_update(*, actor: User, room: Room, beds: int, active: bool) -> Room:
    room = Room.objects.select_for_update().get(pk=room.pk)
    _require(actor, Perm.MANAGE_SITES, room.org_path)
    if beds < room.occupied:
        raise ValidationError(
            {"beds": _("%(count)d people are in this room now.") % {"count": room.occupied}}
        )
    if not 1 <= beds <= 20:
        raise ValidationError({"beds": _("A room has between 1 and 20 beds.")})
    changes = {"beds": [room.beds, beds], "active": [room.active, active]}
    room.beds, room.active = beds, active
    try:
        with transaction.atomic():
            room.save(update_fields=["beds", "active"])
    except IntegrityError:
        raise ValidationError({"beds": _("This room is full.")}) from None
    audit.record(actor=actor, action=audit.Action.UPDATE, target=room, changes=changes)
    return room


@transaction.atomic
def support_request(
    *, actor: User, observation: Observation, kind: str, text: str
) -> SupportRequest:
    _require(actor, Perm.RECORD_FOLLOWUPS, observation.org_path)
    if observation.state not in OPEN_STATES:
        raise ValidationError(_("This observation has ended."))
    request = SupportRequest(
        observation=observation, org_path=observation.org_path, kind=kind,
        text=text.strip()[:300], created_by=actor,
    )  # fmt: skip
    request.full_clean()
    request.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=request, changes={"kind": kind})
    return request


def _lock_request(actor: User, request: SupportRequest) -> SupportRequest:
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    _require(actor, Perm.RECORD_FOLLOWUPS, request.org_path)
    if request.state in (SupportState.DONE, SupportState.CANCELLED):
        raise ValidationError(_("This request is closed."))
    return request


@transaction.atomic
def support_assign(*, actor: User, request: SupportRequest, user: User) -> SupportRequest:
    """To someone who works where the household lives."""
    from fangkong.core.scoping import has_perm_at

    request = _lock_request(actor, request)
    if not user.is_active or not has_perm_at(user, Perm.RECORD_FOLLOWUPS, request.org_path):
        raise ValidationError({"assigned_to": _("This user does not work for this household.")})
    request.assigned_to = user
    request.state = SupportState.ASSIGNED
    request.save(update_fields=["assigned_to", "state"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=request, changes={"assigned_to": user.pk}
    )
    return request


@transaction.atomic
def support_close(
    *, actor: User, request: SupportRequest, state: str, result: str = ""
) -> SupportRequest:
    """Delivered (done) or no longer needed (cancelled), with what happened."""
    request = _lock_request(actor, request)
    if state not in (SupportState.DONE, SupportState.CANCELLED):
        raise ValidationError({"state": _("Choose what happened.")})
    if state == SupportState.CANCELLED and not result.strip():
        raise ValidationError({"result": _("Say why.")})
    request.state = state
    request.result = result.strip()[:200]
    request.done_at = timezone.now()
    request.done_by = actor
    request.save(update_fields=["state", "result", "done_at", "done_by"])
    audit.record(actor=actor, action=audit.Action.UPDATE, target=request, changes={"state": state})
    return request
