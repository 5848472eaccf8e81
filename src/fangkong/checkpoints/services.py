"""Writes for checkpoints: the checkpoints themselves, referrals, hand-offs, alerts.

Passages are registered by ``registration.register``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.checkpoints.models import (
    CLOSED_STATES,
    Checkpoint,
    Handoff,
    HandoffState,
    Referral,
    ReferralOutcome,
    Traveller,
)
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people import services as people
from fangkong.people.models import Person, Source, Transport
from fangkong.people.services import id_key

CHECKPOINT_FIELDS = ("name", "kind", "directions", "opens_at", "closes_at", "lead", "active")


def _require(actor: User, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


def _lead(values: dict[str, Any], path: str) -> None:
    """``lead`` given as a user name becomes the user, who must receive alerts there."""
    name = values.get("lead")
    if name is None or isinstance(name, User):
        return
    name = str(name).strip()
    if not name:
        values["lead"] = None
        return
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None or not has_perm_at(user, Perm.RECEIVE_ALERTS, path):
        raise ValidationError(
            {"lead": _("No active user of this checkpoint's unit or above has this user name.")}
        )
    values["lead"] = user


def _check_hours(opens_at: time | None, closes_at: time | None) -> None:
    if (opens_at is None) != (closes_at is None):
        raise ValidationError(
            {"closes_at": _("Give both the opening and the closing time, or neither for 24 hours.")}
        )


@transaction.atomic
def checkpoint_create(*, actor: User, unit: OrgUnit, **values: Any) -> Checkpoint:
    _require(actor, Perm.MANAGE_CHECKPOINTS, unit.path)
    unknown = set(values) - set(CHECKPOINT_FIELDS)
    if unknown:
        raise TypeError(sorted(unknown))
    _lead(values, unit.path)
    checkpoint = Checkpoint(unit=unit, org_path=unit.path, **values)
    _check_hours(checkpoint.opens_at, checkpoint.closes_at)
    checkpoint.full_clean()
    checkpoint.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=checkpoint)
    return checkpoint


@transaction.atomic
def checkpoint_update(*, actor: User, checkpoint: Checkpoint, **values: Any) -> Checkpoint:
    checkpoint = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
    _require(actor, Perm.MANAGE_CHECKPOINTS, checkpoint.org_path)
    before = audit.snapshot(checkpoint, CHECKPOINT_FIELDS)
    _lead(values, checkpoint.org_path)
    for name, value in values.items():
        if name not in CHECKPOINT_FIELDS:
            raise TypeError(name)
        setattr(checkpoint, name, value)
    _check_hours(checkpoint.opens_at, checkpoint.closes_at)
    checkpoint.full_clean()
    changes = audit.changed_fields(before, audit.snapshot(checkpoint, CHECKPOINT_FIELDS))
    if changes:
        checkpoint.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, target=checkpoint, changes=changes)
    return checkpoint


@transaction.atomic
def referral_close(*, actor: User, traveller: Traveller, outcome: str, note: str = "") -> Traveller:
    """The fever clinic's outcome for a traveller sent there from a checkpoint."""
    traveller = Traveller.objects.select_for_update().get(pk=traveller.pk)
    _require(actor, Perm.RECORD_REFERRALS, traveller.org_path)
    if traveller.referral != Referral.OPEN:
        raise ValidationError(_("This traveller has no open referral."))
    if outcome not in ReferralOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    traveller.referral = Referral.CLOSED
    traveller.referral_outcome = outcome
    traveller.referral_note = note.strip()[:200]
    traveller.referral_closed_at = timezone.now()
    traveller.referral_closed_by = actor
    traveller.save(
        update_fields=["referral", "referral_outcome", "referral_note", "referral_closed_at",
                       "referral_closed_by"]
    )  # fmt: skip
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=traveller,
        changes={"referral": outcome},
    )  # fmt: skip
    return traveller


def handoff_community(handoff: Handoff) -> OrgUnit:
    """The community or village a hand-off belongs to (its unit may be a grid in it)."""
    if handoff.unit.level in (Level.COMMUNITY, Level.VILLAGE):
        return handoff.unit
    above = [u for u in handoff.unit.ancestors() if u.level in (Level.COMMUNITY, Level.VILLAGE)]
    return above[-1] if above else handoff.unit


def _lock_open(actor: User, handoff: Handoff) -> Handoff:
    handoff = Handoff.objects.select_for_update().select_related("unit").get(pk=handoff.pk)
    _require(actor, Perm.RECORD_VISITS, handoff.org_path)
    if handoff.state in CLOSED_STATES:
        raise ValidationError(_("This hand-off was already closed."))
    return handoff


@dataclass(frozen=True)
class Arrival:
    """Who a hand-off is for and where they came from: its first traveller at a checkpoint,
    or the assistance letter that opened it (cases.services_letters.letter_arrival)."""

    full_name: str
    id_type: str
    id_number: str
    phone: str
    origin: str
    arrived_on: date
    plate: str = ""
    source: str = Source.CHECKPOINT

    @property
    def id_key(self) -> str | None:
        return id_key(self.id_type, self.id_number)


def _arrival(handoff: Handoff) -> Arrival:
    first = handoff.travellers.select_related("passage").order_by("passage__passed_at").first()
    if first is not None:
        passage = first.passage
        return Arrival(
            full_name=first.full_name, id_type=first.id_type, id_number=first.id_number,
            phone=first.phone, origin=passage.origin_code or passage.origin_name,
            arrived_on=timezone.localtime(passage.passed_at).date(), plate=passage.plate,
        )  # fmt: skip
    from fangkong.cases.services_letters import letter_arrival  # cases builds on checkpoints

    arrival = letter_arrival(handoff) if handoff.checkpoint_id is None else None
    if arrival is None:
        raise ValidationError(_("This hand-off has no traveller."))
    return arrival


def _letters_answered(actor: User, handoff: Handoff) -> None:
    """A received assistance letter behind the hand-off takes the visit's outcome."""
    from fangkong.cases.services_letters import letter_state_after_visit

    letter_state_after_visit(actor=actor, handoff=handoff)


@transaction.atomic
def handoff_confirm(
    *,
    actor: User,
    handoff: Handoff,
    unit: OrgUnit,
    address: str,
    person: Person | None = None,
    relation: str = "",
) -> Handoff:
    """A visit found the traveller: they join the registry (found by their document, or
    created) in a household at ``address`` of ``unit``, with the journey through the
    checkpoint (or from the locality whose letter sent them), and the hand-off closes."""
    handoff = _lock_open(actor, handoff)
    if not unit.path.startswith(handoff_community(handoff).path):
        raise ValidationError({"unit": _("Pick a grid of the community the hand-off is for.")})
    arrival = _arrival(handoff)
    household, _created = people.household_get_or_create(actor=actor, unit=unit, address=address)
    if person is None and arrival.id_key:
        person = Person.objects.filter(id_key=arrival.id_key).first()
    if person is not None and not has_perm_at(actor, Perm.MANAGE_PEOPLE, person.org_path):
        raise ValidationError(
            _("This person is registered in another unit (%(unit)s); ask the level above to "
              "move the record, then confirm.") % {"unit": person.unit.name}
        )  # fmt: skip
    if person is None:
        person = people.person_create(
            actor=actor, full_name=arrival.full_name, unit=unit, household=household,
            id_type=arrival.id_type, id_number=arrival.id_number, phone=arrival.phone,
            relation=relation, source=arrival.source,
        )  # fmt: skip
    elif person.household_id != household.pk or person.unit_id != unit.pk:
        person = people.person_update(actor=actor, person=person, unit=unit, household=household)
    people.travel_add(
        actor=actor, person=person, source=arrival.source, origin=arrival.origin,
        arrived_on=arrival.arrived_on, plate=arrival.plate,
        transport=Transport.CAR if arrival.plate else Transport.OTHER,
    )  # fmt: skip
    handoff.state = HandoffState.CONFIRMED
    handoff.person = person
    handoff.closed_at = timezone.now()
    handoff.closed_by = actor
    handoff.save(update_fields=["state", "person", "closed_at", "closed_by"])
    handoff.travellers.update(person=person)
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=handoff,
        changes={"state": HandoffState.CONFIRMED, "person": person.pk},
    )  # fmt: skip
    _letters_answered(actor, handoff)
    return handoff


@transaction.atomic
def handoff_close(*, actor: User, handoff: Handoff, state: str, reason: str) -> Handoff:
    """Not found at the address, or gone again: closed with the reason."""
    handoff = _lock_open(actor, handoff)
    if state not in (HandoffState.NOT_FOUND, HandoffState.LEFT):
        raise ValidationError({"state": _("Choose what happened.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what was found, for the level above.")})
    handoff.state = state
    handoff.reason = reason[:200]
    handoff.closed_at = timezone.now()
    handoff.closed_by = actor
    handoff.save(update_fields=["state", "reason", "closed_at", "closed_by"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=handoff,
        changes={"state": state, "reason": handoff.reason},
    )  # fmt: skip
    _letters_answered(actor, handoff)
    return handoff


def alerts_seen(*, actor: User, alerts: Any) -> int:
    """Mark the given alerts (already scoped to the actor) as seen."""
    return alerts.filter(seen_at__isnull=True).update(seen_at=timezone.now(), seen_by=actor)


@transaction.atomic
def passage_notified(*, actor: User, passage: Any) -> None:
    """The HQ told the place a passage outside the district was bound for."""
    _require(actor, Perm.MANAGE_CHECKPOINTS, passage.org_path)
    if passage.destination_id is not None:
        raise ValidationError(_("This passage is bound for a unit of the district."))
    if passage.notified_at is None:
        passage.notified_at = timezone.now()
        passage.notified_by = actor
        passage.save(update_fields=["notified_at", "notified_by"])
        audit.record(actor=actor, action=audit.Action.UPDATE, target=passage,
                     changes={"notified": True})  # fmt: skip
