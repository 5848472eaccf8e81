"""Registering passages: one from the roadside form, or a batch from a device.

Both go through :func:`register`. Each item is checked on its own (every problem
named by its field, in the user's language); the good ones are then written
together, a few statements for the whole batch: passages, hand-offs, travellers,
alerts. An item whose client id was stored before is reported as a duplicate and
stored nothing, so that a device may send a batch again after losing the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.checkpoints import plates, storing
from fangkong.checkpoints.models import (
    Checkpoint,
    Direction,
    Directions,
    Passage,
    Referral,
    Traveller,
    Vehicle,
)
from fangkong.core import bulk, stamps
from fangkong.core.crypto import blind_index
from fangkong.core.fields import BODY_MAX, BODY_MIN
from fangkong.core.groupcommit import Group, GroupFailed
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people import risk
from fangkong.people.idnumbers import IdType, clean_id_number, parse_resident_id
from fangkong.people.models import TravelRecord
from fangkong.people.normalize import clean_text
from fangkong.people.phones import normalize_mobile
from fangkong.people.services import id_key, phone_key, resolve_origin
from fangkong.screening.models import Symptom

T = TypeVar("T")

MAX_TRAVELLERS = 80  # a full coach
DESTINATION_LEVELS = frozenset({Level.COMMUNITY, Level.VILLAGE, Level.GRID, Level.BUILDING})
BACKDATE = timedelta(days=30)
CLOCK_SKEW = timedelta(minutes=10)
# The choices' values, once: ``Choices.values`` builds a new list on every call.
ID_TYPES = frozenset(IdType.values)
SYMPTOMS = frozenset(Symptom.values)
DIRECTIONS = frozenset(Direction.values)
VEHICLES = frozenset(Vehicle.values)


@dataclass
class TravellerIn:
    full_name: str
    id_type: str = IdType.RESIDENT
    id_number: str = ""
    phone: str = ""
    temperature: Any = None
    symptoms: list[str] = field(default_factory=list)


@dataclass
class PassageIn:
    checkpoint: Checkpoint
    origin: str
    travellers: list[TravellerIn]
    direction: str = Direction.IN
    vehicle: str = Vehicle.CAR
    plate: str = ""
    plate_checked: bool = True
    destination: OrgUnit | None = None
    destination_text: str = ""
    passed_at: datetime | None = None
    client_id: str = ""


@dataclass
class Outcome:
    client_id: str
    status: str  # "created", "duplicate" or "invalid"
    passage: Passage | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


class Context:
    """What a batch looks up: checkpoints, destinations, policies, affected areas. Kept per
    process while the reference stamp stands (core.stamps): one read of the stamp, then
    nothing more, for a batch like the one before.

    Given a stamp with ``confirmed=False`` (core.stamps.assumed: not read), the batch is
    checked on the copies as they are, and the stamp is read in the statement that
    writes it; :meth:`confirm` reads it for an answer that writes nothing. Either raises
    core.stamps.Stale if it moved: check the batch again then, on a stamp read."""

    def __init__(self, stamp: int | None = None, *, confirmed: bool = True) -> None:
        self.confirmed = confirmed or stamp is None
        self.stamp = stamps.read() if stamp is None else stamp

    def confirm(self) -> None:
        if not self.confirmed:
            stamps.confirm(self.stamp)
            self.confirmed = True

    def _memo(self, key: Any, load: Callable[[], T], *, keep_none: bool = True) -> T:
        return stamps.memo(
            self.stamp, key, load, keep_none=keep_none, assumed=not self.confirmed
        )  # fmt: skip

    def checkpoint(self, pk: int) -> Checkpoint | None:
        return self._memo(
            ("checkpoint", pk),
            lambda: Checkpoint.objects.select_related("unit").filter(pk=pk).first(),
        )  # fmt: skip

    def unit(self, code: str) -> OrgUnit | None:
        if not code.isprintable():
            return None  # a unit code is digits; PostgreSQL refuses NUL in a query's text
        return self._memo(
            ("unit", code), lambda: OrgUnit.objects.filter(code=code).first(), keep_none=False
        )

    def policy_for(self, path: str) -> Any:
        return self._memo(("policies", path), lambda: risk.policies_for(path))

    def areas_for(self, path: str) -> list[Any]:
        return self._memo(("areas", path), lambda: risk.areas_for(path))

    def assess(self, judged_at: str, origin_code: str, origin_name: str, day: date) -> Any:
        """The risk rule for an arrival on ``day`` at the unit with ``judged_at``; the same
        for every traveller from the same origin on the same day, so kept. An origin the
        list of divisions does not hold matches no area whatever its name, and a known
        one has its canonical name: the copies are as many as the divisions, not as the
        texts typed."""

        def load() -> Any:
            journey = TravelRecord(origin_code=origin_code, origin_name=origin_name, arrived_on=day)
            return risk.assess(
                travels=[journey], areas=self.areas_for(judged_at),
                policy_for=self.policy_for(judged_at), today=day,
            )  # fmt: skip

        name = origin_name if origin_code else ""
        key = ("assess", judged_at, origin_code, name, day, translation.get_language())
        return self._memo(key, load)

    def match_destination(self, root: str, text: str) -> OrgUnit | None:
        """The community, village or grid whose name the address contains (the longest)."""

        def load() -> list[OrgUnit]:
            units = OrgUnit.objects.filter(
                path__startswith=root, level__in=list(DESTINATION_LEVELS)
            ).order_by("path")
            return sorted(units, key=lambda u: -len(u.name))

        for unit in self._memo(("destinations", root), load):
            if len(unit.name) >= 2 and unit.name in text:
                return unit
        return None


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _temperature(value: Any) -> Decimal:
    if value is None or str(value).strip() == "":
        raise ValidationError(_("Enter the temperature."))
    try:
        number = Decimal(str(value).strip().replace(",", ".")).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValidationError(_("The temperature is a number such as 36.5.")) from None
    if not Decimal(BODY_MIN) <= number <= Decimal(BODY_MAX):
        raise ValidationError(_("A body temperature lies between 34 and 43 °C."))
    return number


def _check_traveller(item: TravellerIn, prefix: str, errors: list[tuple[str, str]]) -> Traveller:
    person = bulk.new(Traveller, full_name=clean_text(item.full_name)[:50], id_type=item.id_type)
    if not person.full_name:
        errors.append((f"{prefix}full_name", _("Enter the name.")))
    if item.id_type not in ID_TYPES:
        errors.append(
            (f"{prefix}id_type", _("Unknown ID type “%(value)s”.") % {"value": item.id_type})
        )
    elif clean_text(item.id_number):
        try:
            if item.id_type == IdType.RESIDENT:
                person.id_number = parse_resident_id(item.id_number).number
            else:
                person.id_number = clean_id_number(item.id_type, item.id_number)
        except ValidationError as error:
            errors.append((f"{prefix}id_number", _message(error)))
    if clean_text(item.phone):
        try:
            person.phone = normalize_mobile(item.phone)
        except ValidationError as error:
            errors.append((f"{prefix}phone", _message(error)))
    if not clean_text(item.id_number) and not clean_text(item.phone):
        errors.append((f"{prefix}id_number", _("Enter the ID number or the mobile number.")))
    try:
        person.temperature = _temperature(item.temperature)
    except ValidationError as error:
        errors.append((f"{prefix}temperature", _message(error)))
    unknown = [s for s in item.symptoms if s not in SYMPTOMS]
    if unknown:
        errors.append(
            (f"{prefix}symptoms", _("Unknown symptom: %(value)s") % {"value": ", ".join(unknown)})
        )
    person.symptoms = sorted(set(item.symptoms) - set(unknown))
    person.id_key = id_key(person.id_type, person.id_number)
    person.phone_key = phone_key(person.phone)
    return person


def _check(
    item: PassageIn, actor: User, ctx: Context, now: datetime
) -> tuple[Passage, list[Traveller], list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    checkpoint = item.checkpoint
    passed_at = item.passed_at or now
    if timezone.is_naive(passed_at):  # a device's clock without a zone: the server's zone
        passed_at = timezone.make_aware(passed_at)
    if not has_perm_at(actor, Perm.RECORD_PASSAGES, checkpoint.org_path):
        errors.append(("checkpoint", _("You may not register passages at this checkpoint.")))
    elif not checkpoint.active:
        errors.append(("checkpoint", _("This checkpoint is out of service.")))
    passage = bulk.new(
        Passage, checkpoint=checkpoint, org_path=checkpoint.org_path, direction=item.direction,
        vehicle=item.vehicle, client_id=clean_text(item.client_id)[:64], recorded_by=actor,
        passed_at=passed_at, destination_text=clean_text(item.destination_text)[:200],
    )  # fmt: skip
    if item.direction not in DIRECTIONS:
        errors.append(("direction", _("Choose inbound or outbound.")))
    elif checkpoint.directions != Directions.BOTH and item.direction != checkpoint.directions:
        errors.append(("direction", _("This checkpoint registers only %(direction)s passages.") % {
            "direction": Directions(checkpoint.directions).label}))  # fmt: skip
    if passage.passed_at > now + CLOCK_SKEW:
        errors.append(("passed_at", _("The time of passage is in the future.")))
    elif passage.passed_at < now - BACKDATE:
        errors.append(("passed_at", _("The time of passage is more than 30 days ago.")))
    if item.vehicle not in VEHICLES:
        errors.append(("vehicle", _("Choose the kind of vehicle.")))
    elif item.vehicle == Vehicle.ON_FOOT:
        passage.plate = ""
    elif not item.plate_checked:
        passage.plate, passage.plate_checked = clean_text(item.plate).upper()[:16], False
        if not passage.plate:
            errors.append(("plate", _("Enter the plate as it reads.")))
    else:
        try:
            passage.plate = plates.normalize_plate(item.plate)
        except ValidationError as error:
            errors.append(("plate", _message(error)))
    try:
        passage.origin_code, passage.origin_name = resolve_origin(item.origin)
    except ValidationError as error:
        errors.append(("origin", _message(error)))
    destination = item.destination
    if destination is None and passage.destination_text and passage.direction == Direction.IN:
        destination = ctx.match_destination(checkpoint.org_path[:4], passage.destination_text)
    if destination is not None and destination.level not in DESTINATION_LEVELS:
        errors.append(
            ("destination", _("Pick the community, village or grid the travellers are going to."))
        )
    bulk.link(passage, "destination", destination)
    if passage.direction == Direction.IN and destination is None and not passage.destination_text:
        errors.append(("destination", _("Enter where the travellers are going.")))
    if not item.travellers:
        errors.append(("travellers", _("Add at least one traveller.")))
    elif len(item.travellers) > MAX_TRAVELLERS:
        errors.append(
            ("travellers", _("At most %(n)d travellers in one passage.") % {"n": MAX_TRAVELLERS})
        )
    travellers = [
        _check_traveller(t, f"travellers[{i}].", errors)
        for i, t in enumerate(item.travellers[:MAX_TRAVELLERS])
    ]
    return passage, travellers, errors


def _judge(passage: Passage, travellers: list[Traveller], ctx: Context, day: date) -> None:
    """Fever against the checkpoint's policy on ``day`` (of the passage, local time);
    arrivals by the risk rule at the destination (or the checkpoint, for a destination
    outside)."""
    threshold = ctx.policy_for(passage.org_path)(day).fever_threshold
    judged_at = passage.destination.path if passage.destination else passage.org_path
    result = None
    if passage.direction == Direction.IN:
        result = ctx.assess(judged_at, passage.origin_code, passage.origin_name, day)
    for traveller in travellers:
        traveller.org_path = passage.org_path
        traveller.fever = (
            traveller.temperature is not None and traveller.temperature >= threshold
        ) or Symptom.FEVER in traveller.symptoms
        if traveller.fever or traveller.symptoms:
            traveller.referral = Referral.OPEN
        if result is not None:
            traveller.risk_status = result.status
            traveller.risk_reason = " ".join(result.reasons)[:2000]


def handoff_key(traveller: Traveller) -> str:
    """Who a hand-off is for: the document, else the name with the phone."""
    return traveller.id_key or blind_index(f"name:{traveller.full_name}|{traveller.phone_key}")


def register(*, actor: User, items: list[PassageIn], ctx: Context | None = None) -> list[Outcome]:
    """Register ``items``; one outcome per item, in order. Never raises for bad items.

    Checked and judged here, then written together with the uploads of other requests
    that wait at the same time (core.groupcommit); alone, in the caller's transaction,
    if the caller holds one open."""
    ctx = ctx or Context()
    if connection.in_atomic_block:
        return _register_alone(actor, items, ctx)
    outcomes, ready = _prepare(actor, items, ctx)
    if ready:
        try:
            _group.submit([entry for _index, entry in ready])
        except GroupFailed:
            return _register_alone(actor, items, ctx)
        ctx.confirmed = True  # the statement that wrote them read the stamp: it stood
    else:
        ctx.confirm()  # nothing to write: the answer stands on the stamp read now
    return _outcomes(outcomes, ready)


def _register_alone(actor: User, items: list[PassageIn], ctx: Context) -> list[Outcome]:
    ctx.confirm()  # core.stamps.Stale: the caller checks the batch again
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                outcomes, ready = _prepare(actor, items, ctx)
                if ready:
                    _write([[entry for _index, entry in ready]])
            return _outcomes(outcomes, ready)
        except IntegrityError:
            # Another request stored one of these client ids or hand-offs since this one
            # looked: once more, and the duplicates are found this time.
            if attempt == 2:
                raise
    raise AssertionError  # unreachable


def _prepare(
    actor: User, items: list[PassageIn], ctx: Context
) -> tuple[list[Outcome], list[tuple[int, storing.Ready]]]:
    """An outcome per item, the bad ones with their problems; the good ones, by index,
    checked and judged, ready to write."""
    now = timezone.now()
    zone = timezone.get_current_timezone()  # once a batch: a context variable read each time
    outcomes = [Outcome(client_id=item.client_id, status="invalid") for item in items]
    ready: list[tuple[int, storing.Ready]] = []
    for index, item in enumerate(items):
        passage, travellers, errors = _check(item, actor, ctx, now)
        if errors:
            outcomes[index].errors = errors
            continue
        day = passage.passed_at.astimezone(zone).date()
        _judge(passage, travellers, ctx, day)
        hours = 0
        if passage.destination is not None:
            hours = ctx.policy_for(passage.destination.path)(day).handoff_hours
        changes = {"travellers": len(travellers), "client_id": passage.client_id}
        (entry,) = audit.build_entries(
            actor=actor, action=audit.Action.CREATE, targets=[(passage, changes)]
        )
        keys = [handoff_key(t) for t in travellers]
        stamp = None if ctx.confirmed else ctx.stamp
        ready.append((index, storing.Ready(passage, travellers, keys, hours, entry, stamp)))
    return outcomes, ready


def _write(jobs: Sequence[list[storing.Ready]]) -> None:
    """The passages of one request, or of several together, in one transaction."""
    ready = [entry for job in jobs for entry in job]
    with transaction.atomic(savepoint=False):  # alone, in the savepoint of the caller
        known = storing.look(ready)
        if any(r.stamp is not None and r.stamp != known.stamp for r in ready):
            # Checked on copies that have changed since: nothing is written, and each
            # request, told, confirms its own stamp and checks its batch again.
            raise stamps.Stale
        kept = storing.drop_duplicates(ready, known)
        if kept:
            storing.store(kept, known)


_group: Group[list[storing.Ready]] = Group(_write)


def _outcomes(outcomes: list[Outcome], ready: list[tuple[int, storing.Ready]]) -> list[Outcome]:
    for index, entry in ready:
        outcomes[index].status = entry.status
        outcomes[index].passage = entry.passage
    return outcomes
