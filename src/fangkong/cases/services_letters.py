"""Assistance letters (协查函): drafted for a contact who left, sent, acknowledged,
answered; and letters received from elsewhere, routed to a community as a hand-off.

A received letter puts nobody in the registry: it opens a hand-off for the destination
unit, keyed like a checkpoint's (``registration.handoff_key``), so that the same person
seen later at a checkpoint joins it, and the visit that confirms them registers them.
The letter's identity data (document and phone) wait for that visit on the letter, sealed
at rest like the registry's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.cases.models import AssistanceLetter, Contact, Direction, LetterState, Tracing
from fangkong.cases.services import PersonIn, _require, district_of, next_number
from fangkong.checkpoints.models import Handoff, HandoffState, Traveller
from fangkong.checkpoints.registration import handoff_key
from fangkong.checkpoints.services import Arrival
from fangkong.core import crypto
from fangkong.core.roles import Perm
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people import risk
from fangkong.people.idnumbers import IdType, clean_id_number
from fangkong.people.models import Source
from fangkong.people.normalize import clean_text
from fangkong.people.phones import normalize_mobile
from fangkong.people.services import id_key, phone_key

# A received letter's number is the sender's, under the receiving district's code: two
# districts may receive copies of one letter, and a sender's number may look like ours.
RECEIVED_PREFIX = "IN-"
WAITING = (LetterState.SENT, LetterState.ACKNOWLEDGED)
DESTINATIONS = (Level.COMMUNITY, Level.VILLAGE, Level.GRID)


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def exposure_text(contact: Contact) -> str:
    """What the receiving locality needs to know, in words (kept on the letter)."""
    case = contact.case
    return _(
        "%(level)s of case %(case)s (%(classification)s): %(setting)s, %(relation)s, last "
        "contact on %(day)s."
    ) % {
        "level": contact.get_level_display(), "case": case.number,
        "classification": case.get_classification_display(),
        "setting": contact.get_setting_display(), "relation": contact.relation or "—",
        "day": _day(contact.last_contact),
    }  # fmt: skip


@transaction.atomic
def letter_draft(*, actor: User, contact: Contact, authority: str, region: str) -> AssistanceLetter:
    """A contact who left: a numbered letter to the locality they went to; the contact's
    tracing passes to that locality."""
    contact = (
        Contact.objects.select_for_update().select_related("case", "person").get(pk=contact.pk)
    )
    _require(actor, Perm.MANAGE_CASES, contact.org_path)
    if contact.observation_id is not None:
        raise ValidationError(_("This contact is under observation here."))
    if contact.letters.filter(direction=Direction.OUT).exists():
        raise ValidationError(_("A letter for this contact already exists."))
    authority, region = authority.strip(), (region.strip() or contact.gone_to)
    if not authority or not region:
        raise ValidationError(
            {"authority": _("Name the locality and the authority the letter goes to.")}
        )
    district = district_of(contact.case.person.unit)
    letter = AssistanceLetter.objects.create(
        direction=Direction.OUT, number=next_number("letter", district, timezone.localdate().year),
        unit=district, org_path=contact.org_path, authority=authority[:100], region=region[:100],
        contact=contact, person=contact.person, exposure=exposure_text(contact),
        created_by=actor,
    )  # fmt: skip
    contact.state = Tracing.LEFT
    contact.gone_to = region[:100]
    contact.save(update_fields=["state", "gone_to"])
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=letter,
        changes={"contact": contact.pk, "region": letter.region},
    )  # fmt: skip
    return letter


# --- the letters we send ----------------------------------------------------------------


def _lock(actor: User, letter: AssistanceLetter) -> AssistanceLetter:
    letter = AssistanceLetter.objects.select_for_update().get(pk=letter.pk)
    _require(actor, Perm.MANAGE_CASES, letter.org_path)
    if letter.direction != Direction.OUT:
        raise ValidationError(
            _("Letter %(number)s was received from elsewhere: the visit to its hand-off "
              "answers it.") % {"number": letter.number}
        )  # fmt: skip
    return letter


@transaction.atomic
def letter_send(*, actor: User, letter: AssistanceLetter) -> AssistanceLetter:
    """Sent today: the answer is due within the days the policy in force gives."""
    letter = _lock(actor, letter)
    if letter.state != LetterState.DRAFTED:
        raise ValidationError(_("Letter %(number)s was already sent.") % {"number": letter.number})
    now = timezone.now()
    policy = risk.policy_on(letter.org_path, timezone.localdate(now))
    letter.state = LetterState.SENT
    letter.sent_at = now
    letter.due_at = now + timedelta(days=policy.letter_days)
    letter.save(update_fields=["state", "sent_at", "due_at"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=letter,
        changes={"state": [LetterState.DRAFTED, LetterState.SENT],
                 "due_at": letter.due_at.isoformat()},
    )  # fmt: skip
    return letter


@transaction.atomic
def letter_acknowledge(*, actor: User, letter: AssistanceLetter) -> AssistanceLetter:
    """The other locality confirmed that it has the letter."""
    letter = _lock(actor, letter)
    if letter.state != LetterState.SENT:
        raise ValidationError(
            _("Only a letter sent and not yet acknowledged or answered can be acknowledged "
              "(letter %(number)s: %(state)s).") % {
                "number": letter.number, "state": LetterState(letter.state).label}
        )  # fmt: skip
    letter.state = LetterState.ACKNOWLEDGED
    letter.acknowledged_at = timezone.now()
    letter.save(update_fields=["state", "acknowledged_at"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=letter,
        changes={"state": [LetterState.SENT, LetterState.ACKNOWLEDGED]},
    )  # fmt: skip
    return letter


@transaction.atomic
def letter_result(*, actor: User, letter: AssistanceLetter, result: str) -> AssistanceLetter:
    """The other locality's answer: the contact is traced there."""
    letter = _lock(actor, letter)
    if letter.state == LetterState.DRAFTED:
        raise ValidationError(
            _("Letter %(number)s has not been sent yet.") % {"number": letter.number}
        )
    if letter.state == LetterState.RESULT:
        raise ValidationError(
            _("The result of letter %(number)s was already recorded.") % {"number": letter.number}
        )
    result = result.strip()
    if not result:
        raise ValidationError({"result": _("Write what the other locality found.")})
    before = letter.state
    letter.state = LetterState.RESULT
    letter.result = result
    letter.result_at = timezone.now()
    letter.save(update_fields=["state", "result", "result_at"])
    if letter.contact_id is not None:
        # Only a contact still waiting on this letter: one put under observation here since
        # keeps that state.
        Contact.objects.filter(pk=letter.contact_id, state=Tracing.LEFT).update(
            state=Tracing.TRACED
        )
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=letter,
        changes={"state": [before, LetterState.RESULT]}, note=result[:200],
    )  # fmt: skip
    return letter


# --- the letters we receive -------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """The document and phone a received letter gives, kept until the visit."""

    id_type: str
    id_number: str
    phone: str

    @property
    def masked_id_number(self) -> str:
        if self.id_type == IdType.RESIDENT:
            return crypto.mask(self.id_number, keep_start=4, keep_end=4)
        return crypto.mask(self.id_number, keep_start=1, keep_end=2)


def identity_of(letter: AssistanceLetter) -> Identity | None:
    """A received letter's identity data, for the visit that registers the person."""
    if letter.direction != Direction.IN or not (letter.id_number or letter.phone):
        return None
    return Identity(id_type=letter.id_type, id_number=letter.id_number, phone=letter.phone)


def sender_number(letter: AssistanceLetter) -> str:
    """The number the sender gave (a received letter's is stored under our prefix)."""
    if letter.direction == Direction.IN and letter.number.startswith(RECEIVED_PREFIX):
        return letter.number[len(RECEIVED_PREFIX) :].split("-", 1)[-1]
    return letter.number


def _identity(who: PersonIn) -> Identity:
    errors: dict[str, object] = {}
    number = phone = ""
    if who.id_type not in IdType.values:
        errors["id_type"] = _("Choose the type of document.")
    elif who.id_number.strip():
        try:
            number = clean_id_number(who.id_type, who.id_number)
        except ValidationError as error:
            errors["id_number"] = error
    if who.phone.strip():
        try:
            phone = normalize_mobile(who.phone)
        except ValidationError as error:
            errors["phone"] = error
    if not who.id_number.strip() and not who.phone.strip():
        errors["id_number"] = _("Enter the ID number or the mobile number the letter gives.")
    if errors:
        raise ValidationError(errors)
    return Identity(id_type=who.id_type, id_number=number, phone=phone)


def _open_handoff(actor: User, unit: OrgUnit, key: str, **values: object) -> Handoff:
    """The unit's open hand-off for this person (a checkpoint may have seen them), or a new
    one, due within the hours the policy gives a checkpoint's."""
    found = Handoff.objects.select_for_update().filter(unit=unit, key=key, state=HandoffState.OPEN)
    if found.exists():
        return found.get()
    now = timezone.now()
    hours = risk.policy_on(unit.path, timezone.localdate(now)).handoff_hours
    handoff = Handoff(
        unit=unit, org_path=unit.path, key=key, checkpoint=None, arrived_at=now,
        due_at=now + timedelta(hours=hours), **values,
    )  # fmt: skip
    try:
        with transaction.atomic():
            handoff.save()
    except IntegrityError:  # a checkpoint registered them meanwhile
        return found.get()
    audit.record(actor=actor, action=audit.Action.CREATE, target=handoff, changes={"letter": True})
    return handoff


@transaction.atomic
def letter_receive(
    *,
    actor: User,
    unit: OrgUnit,
    authority: str,
    region: str,
    number: str,
    who: PersonIn,
    exposure: str,
    address: str = "",
) -> AssistanceLetter:
    """A letter from another locality about a person now in ``unit`` (a community, village
    or grid): kept, and handed to that unit to visit, like an arrival at a checkpoint.

    Taken in by whoever manages cases at the unit (the district's epidemiologists and
    command); the unit's officers and grid workers see the hand-off, not the letter.
    """
    _require(actor, Perm.MANAGE_CASES, unit.path)
    if unit.level not in DESTINATIONS:
        raise ValidationError({"unit": _("Send the person to a community, village or grid.")})
    values = {
        "authority": clean_text(authority)[:100], "region": clean_text(region)[:100],
        "number": clean_text(number), "full_name": clean_text(who.full_name)[:50],
        "exposure": exposure.strip(),
    }  # fmt: skip
    missing = {
        "authority": _("Name the authority that wrote."),
        "region": _("Name the locality the letter comes from."),
        "number": _("Enter the letter's number."),
        "full_name": _("Enter the name."),
        "exposure": _("Say why they are traced, as the letter does."),
    }
    errors = {name: message for name, message in missing.items() if not values[name]}
    if errors:
        raise ValidationError(errors)
    identity = _identity(who)
    stored = f"{RECEIVED_PREFIX}{district_of(unit).code[:6]}-{values['number']}"
    max_length = AssistanceLetter._meta.get_field("number").max_length
    assert isinstance(max_length, int)
    if len(stored) > max_length:
        raise ValidationError({"number": _("This letter number is too long.")})
    if AssistanceLetter.objects.filter(number=stored).exists():
        raise ValidationError(
            {"number": _("Letter %(number)s was already received.") % {"number": values["number"]}}
        )
    key = handoff_key(
        Traveller(
            full_name=values["full_name"], id_key=id_key(identity.id_type, identity.id_number),
            phone_key=phone_key(identity.phone),
        )
    )  # fmt: skip
    handoff = _open_handoff(
        actor, unit, key, full_name=values["full_name"], origin_name=values["region"],
        address=clean_text(address or who.address)[:200],
    )  # fmt: skip
    try:
        with transaction.atomic():
            letter = AssistanceLetter.objects.create(
                direction=Direction.IN, number=stored, unit=unit, org_path=unit.path,
                authority=values["authority"], region=values["region"],
                exposure=values["exposure"], state=LetterState.ACKNOWLEDGED,
                acknowledged_at=timezone.now(), due_at=handoff.due_at, handoff=handoff,
                id_type=identity.id_type, id_number=identity.id_number, phone=identity.phone,
                created_by=actor,
            )  # fmt: skip
    except IntegrityError:  # the same letter registered twice at the same moment
        message = _("Letter %(number)s was already received.") % {"number": values["number"]}
        raise ValidationError({"number": message}) from None
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=letter,
        changes={"direction": Direction.IN, "region": letter.region, "handoff": handoff.pk},
    )  # fmt: skip
    return letter


def letter_arrival(handoff: Handoff) -> Arrival | None:
    """Who a hand-off opened by a received letter is for (checkpoints.handoff_confirm)."""
    letter = (
        AssistanceLetter.objects.filter(handoff=handoff, direction=Direction.IN)
        .order_by("created_at", "id")
        .first()
    )
    identity = identity_of(letter) if letter is not None else None
    if identity is None:
        return None
    return Arrival(
        full_name=handoff.full_name, id_type=identity.id_type, id_number=identity.id_number,
        phone=identity.phone, origin=handoff.origin_name,
        arrived_on=timezone.localdate(handoff.arrived_at), source=Source.MANUAL,
    )  # fmt: skip


def letter_state_after_visit(*, actor: User, handoff: Handoff) -> list[AssistanceLetter]:
    """The received letters behind a hand-off that a visit just closed take its outcome
    as their result (called inside the hand-off's services, which checked the actor)."""
    letters = list(
        AssistanceLetter.objects.select_for_update()
        .filter(handoff=handoff, direction=Direction.IN)
        .exclude(state=LetterState.RESULT)
    )
    if not letters:
        return []
    if handoff.state == HandoffState.CONFIRMED:
        text = _("Confirmed by a visit: registered in %(unit)s.") % {
            "unit": handoff.person.unit.name if handoff.person else handoff.unit.name
        }
    else:
        text = f"{HandoffState(handoff.state).label}: {handoff.reason}"
    for letter in letters:
        before = letter.state
        letter.state = LetterState.RESULT
        letter.result = text
        letter.result_at = handoff.closed_at or timezone.now()
        letter.person = handoff.person
        # The registry holds the person now (or nobody was found): the letter lets go of
        # the numbers it carried.
        letter.id_number = letter.phone = ""
        letter.save(update_fields=["state", "result", "result_at", "person", "id_number", "phone"])
        audit.record(
            actor=actor, action=audit.Action.UPDATE, target=letter,
            changes={"state": [before, LetterState.RESULT], "handoff": handoff.state},
        )  # fmt: skip
    return letters


# --- reads ------------------------------------------------------------------------------

TABS = ("waiting", "overdue", "drafted", "result", "received")


def overdue_q(now: datetime) -> Q:
    """Sent, not answered, past due: derived when read, never stored."""
    return Q(direction=Direction.OUT, state__in=WAITING, due_at__lt=now)


def is_overdue(letter: AssistanceLetter, now: datetime) -> bool:
    return (
        letter.direction == Direction.OUT
        and letter.state in WAITING
        and letter.due_at is not None
        and letter.due_at < now
    )


def _tab_q(tab: str, now: datetime) -> Q:
    out = Q(direction=Direction.OUT)
    return {
        "waiting": out & Q(state__in=WAITING),
        "overdue": overdue_q(now),
        "drafted": out & Q(state=LetterState.DRAFTED),
        "result": out & Q(state=LetterState.RESULT),
        "received": Q(direction=Direction.IN),
    }[tab]


def letter_list(*, actor: User) -> QuerySet[AssistanceLetter]:
    return AssistanceLetter.objects.visible_to(actor, Perm.MANAGE_CASES).select_related(
        "person", "handoff", "unit"
    )


def letters_in(
    letters: QuerySet[AssistanceLetter], tab: str, now: datetime
) -> QuerySet[AssistanceLetter]:
    """One tab's letters: those waiting by their due time (the overdue first)."""
    rows = letters.filter(_tab_q(tab, now))
    if tab in ("waiting", "overdue"):
        return rows.order_by("due_at", "id")
    return rows.order_by("-created_at", "-id")


def letter_counts(letters: QuerySet[AssistanceLetter], now: datetime) -> dict[str, int]:
    """Each tab's count, in one query."""
    return letters.order_by().aggregate(
        **{tab: Count("id", filter=_tab_q(tab, now)) for tab in TABS}
    )
