"""Residents' self-declarations: submitted in public, verified into the registry by staff.

What a resident typed stays sealed in the declaration until a worker of that
community verifies it; verifying goes through the registry's services, so a
known ID number updates its person instead of adding a second one.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.crypto import blind_index
from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people import risk
from fangkong.people import services as people
from fangkong.people.models import Person, Source
from fangkong.screening.models import Declaration, DeclarationStatus

# A household fills the form once, perhaps twice; more from one address is a script.
PER_CLIENT = 5
PER_CLIENT_WINDOW = timedelta(minutes=10)
# A community's QR poster may draw a queue at a checkpoint, not hundreds a minute.
PER_COMMUNITY = 60
PER_COMMUNITY_WINDOW = timedelta(minutes=1)
DECLARING_LEVELS = (Level.COMMUNITY, Level.VILLAGE)


class RateLimited(Exception):
    pass


def client_key(ip: str | None) -> str:
    return blind_index(f"client:{ip or 'unknown'}")


def check_rate(unit: OrgUnit, key: str) -> None:
    now = timezone.now()
    recent = Declaration.objects.filter(client_key=key, submitted_at__gte=now - PER_CLIENT_WINDOW)
    if recent.count() >= PER_CLIENT:
        raise RateLimited
    flood = Declaration.objects.filter(unit=unit, submitted_at__gte=now - PER_COMMUNITY_WINDOW)
    if flood.count() >= PER_COMMUNITY:
        raise RateLimited


def _reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    return "".join(secrets.choice(alphabet) for _ in range(8))


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@transaction.atomic
def declaration_submit(*, unit: OrgUnit, payload: dict[str, Any], ip: str | None) -> Declaration:
    """Store a validated submission (forms_declarations checked every field)."""
    if unit.level not in DECLARING_LEVELS:
        raise ValidationError(_("Declarations are made to a community or village."))
    key = client_key(ip)
    check_rate(unit, key)
    declaration = Declaration(
        unit=unit,
        org_path=unit.path,
        reference=_reference(),
        payload=json.dumps(_jsonable(payload), ensure_ascii=False),
        id_key=people.id_key(payload["id_type"], payload["id_number"]) or "",
        client_key=key,
    )
    declaration.save()
    return declaration


@dataclass
class Review:
    """A declaration opened for a worker: its data and what the registry knows."""

    declaration: Declaration
    data: dict[str, Any]
    match: Person | None  # the registered person with the declared ID, if the worker may see it
    elsewhere: bool  # the ID is registered outside the worker's area
    earlier: list[Declaration]


def may_act(actor: User, perm: Perm, declaration: Declaration) -> bool:
    """At the community or above, or inside it: a declaration is made to the community,
    and its grid workers verify what their residents declared."""
    if has_perm_at(actor, perm, declaration.org_path):
        return True
    roots = scope_roots(actor, perm) or []
    return any(root.startswith(declaration.org_path) for root in roots)


def poster_communities(*, actor: User) -> QuerySet[OrgUnit]:
    """Communities whose poster the actor may print: its own and those in its scope."""
    roots = scope_roots(actor, Perm.VERIFY_DECLARATIONS)
    units = OrgUnit.objects.filter(level__in=DECLARING_LEVELS)
    if roots is not None:
        match = Q(pk__in=[])
        for root in roots:
            match |= Q(path__in=risk.prefixes(root)) | subtree_q("path", root)
        units = units.filter(match)
    return units.order_by("path")


def queue(*, actor: User) -> QuerySet[Declaration]:
    """Declarations to the actor's communities: those in its scope and, for a grid
    worker, those made to the community its grid belongs to."""
    roots = scope_roots(actor, Perm.VERIFY_DECLARATIONS)
    rows = Declaration.objects.all()
    if roots is not None:
        match = Q(pk__in=[])
        for root in roots:
            match |= Q(org_path__in=risk.prefixes(root)) | subtree_q("org_path", root)
        rows = rows.filter(match)
    return rows.select_related("unit", "reviewed_by")


def review(*, actor: User, declaration: Declaration) -> Review:
    data = json.loads(declaration.payload)
    match = people.find_by_id(data["id_type"], data["id_number"]) if data.get("id_number") else None
    visible = match is not None and has_perm_at(actor, Perm.VIEW_PEOPLE, match.org_path)
    earlier = []
    if declaration.id_key:
        earlier = list(
            queue(actor=actor)
            .filter(id_key=declaration.id_key)
            .exclude(pk=declaration.pk)
            .order_by("-submitted_at")[:10]
        )
    return Review(
        declaration, data, match if visible else None, match is not None and not visible, earlier
    )


def _open(declaration: Declaration) -> Declaration:
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.status != DeclarationStatus.PENDING:
        raise ValidationError(_("This declaration was already decided."))
    return locked


def _register(
    *, actor: User, grid: OrgUnit, household: Any, entry: dict[str, Any], phone: str = ""
) -> Person:
    """The registered person for one declared entry: found by ID and updated, or created."""
    existing = (
        people.find_by_id(entry["id_type"], entry["id_number"]) if entry.get("id_number") else None
    )
    if existing is not None:
        if not has_perm_at(actor, Perm.MANAGE_PEOPLE, existing.org_path):
            raise ValidationError(
                _("%(name)s is registered outside your area; ask the level above to move the "
                  "record.") % {"name": entry["full_name"]}
            )  # fmt: skip
        changes: dict[str, Any] = {}
        if phone and existing.phone != phone:
            changes["phone"] = phone
        if existing.household_id is None:
            changes["household"] = household
            changes["unit"] = grid
        if entry.get("relation") and not existing.relation:
            changes["relation"] = entry["relation"]
        return (
            people.person_update(actor=actor, person=existing, **changes) if changes else existing
        )
    return people.person_create(
        actor=actor, full_name=entry["full_name"], unit=grid, household=household,
        id_type=entry["id_type"], id_number=entry.get("id_number", ""), phone=phone,
        relation=entry.get("relation", ""), source=Source.DECLARATION,
    )  # fmt: skip


@transaction.atomic
def declaration_verify(*, actor: User, declaration: Declaration, grid: OrgUnit) -> Person:
    """Put the declaration into the registry: the declarant, the members, the journey."""
    declaration = _open(declaration)
    if not may_act(actor, Perm.VERIFY_DECLARATIONS, declaration):
        raise PermissionDenied
    if not grid.path.startswith(declaration.org_path):
        raise ValidationError(_("Pick a grid of the community the declaration was made to."))
    if not has_perm_at(actor, Perm.VERIFY_DECLARATIONS, grid.path):
        raise PermissionDenied
    data = json.loads(declaration.payload)
    household, _created = people.household_get_or_create(
        actor=actor, unit=grid, address=data["address"]
    )
    main = _register(actor=actor, grid=grid, household=household, entry=data, phone=data["phone"])
    everyone = [main]
    for member in data.get("members", []):
        everyone.append(_register(actor=actor, grid=grid, household=household, entry=member))
    journey = data.get("journey")
    if journey:
        # The household travelled together: the journey is each member's.
        for person in everyone:
            people.travel_add(
                actor=actor, person=person, origin=journey["origin"],
                arrived_on=date.fromisoformat(journey["arrived_on"]),
                departed_on=date.fromisoformat(journey["departed_on"])
                if journey.get("departed_on") else None,
                transport=journey.get("transport", "other"),
                transport_no=journey.get("transport_no", ""), seat=journey.get("seat", ""),
                plate=journey.get("plate", ""), source=Source.DECLARATION,
            )  # fmt: skip
    declaration.status = DeclarationStatus.VERIFIED
    declaration.person = main
    declaration.reviewed_by = actor
    declaration.reviewed_at = timezone.now()
    declaration.save(update_fields=["status", "person", "reviewed_by", "reviewed_at"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=declaration,
        changes={"status": ["pending", "verified"], "persons": len(everyone)},
    )  # fmt: skip
    return main


@transaction.atomic
def declaration_reject(*, actor: User, declaration: Declaration, reason: str) -> Declaration:
    declaration = _open(declaration)
    if not may_act(actor, Perm.VERIFY_DECLARATIONS, declaration):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the declaration is rejected.")})
    declaration.status = DeclarationStatus.REJECTED
    declaration.reason = reason[:200]
    declaration.reviewed_by = actor
    declaration.reviewed_at = timezone.now()
    declaration.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=declaration,
        changes={"status": ["pending", "rejected"]}, note=declaration.reason,
    )  # fmt: skip
    return declaration


def reveal(*, actor: User, declaration: Declaration, field: str) -> str:
    """The declared ID or phone number in full, for a role that may see it; audited."""
    if field not in ("id_number", "phone"):
        raise ValueError(field)
    if not may_act(actor, Perm.REVEAL_PERSONAL, declaration):
        raise PermissionDenied
    audit.record(
        actor=actor, action=audit.Action.REVEAL, target=declaration, changes={"field": field}
    )
    return str(json.loads(declaration.payload).get(field, ""))
