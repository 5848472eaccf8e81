"""Writes to the registry. The staff forms, the API, the importer, visits and
self-declarations all come through here, so each rule is enforced once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.crypto import blind_index
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import OrgUnit
from fangkong.people import divisions, risk, tallies
from fangkong.people.idnumbers import IdType, clean_id_number, parse_resident_id
from fangkong.people.models import Household, Person, Sex, Source, TravelRecord
from fangkong.people.normalize import address_key, clean_text, transport_number
from fangkong.people.phones import normalize_mobile

# Fields a staff member edits; personal numbers are audited as "changed", never by value.
PERSON_FIELDS = (
    "full_name",
    "id_type",
    "id_number",
    "birth_date",
    "sex",
    "phone",
    "household",
    "relation",
    "unit",
    "address",
    "tags",
    "note",
)
SECRET_FIELDS = frozenset({"id_number", "phone"})


def split_tags(value: str | Iterable[str]) -> list[str]:
    """Tags from a list or from text separated by commas, spaces or 、."""
    if not value:
        return []
    parts = re.split(r"[,，、;；\s]+", value) if isinstance(value, str) else list(value)
    return sorted({clean_text(part)[:20] for part in parts if clean_text(part)})


def join_tags(tags: Iterable[str]) -> str:
    joined = ",".join(tags)
    return f",{joined}," if joined else ""


def id_key(id_type: str, number: str) -> str | None:
    return blind_index(f"{id_type}:{number}") if number else None


def phone_key(phone: str) -> str:
    return blind_index(f"tel:{phone}") if phone else ""


def require(actor: User, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


class DuplicatePerson(ValidationError):
    """The ID number is already in the registry; ``existing`` is that record."""

    def __init__(self, existing: Person, message: str) -> None:
        super().__init__({"id_number": ValidationError(message, code="duplicate")})
        self.existing = existing


def find_by_id(id_type: str, number: str) -> Person | None:
    """The current record holding this document, whoever may see it."""
    key = id_key(id_type, number)
    if key is None:
        return None
    return Person.objects.filter(id_key=key).first()


def _check_duplicate(actor: User, person: Person) -> None:
    existing = find_by_id(person.id_type, person.id_number)
    if existing is None or existing.pk == person.pk:
        return
    if has_perm_at(actor, Perm.VIEW_PEOPLE, existing.org_path):
        message = _("This ID number is already registered: %(name)s, %(unit)s.") % {
            "name": existing.full_name,
            "unit": existing.unit.name,
        }
    else:
        message = _(
            "This ID number is already registered outside your area; ask the level above "
            "to move that record to your unit."
        )
    raise DuplicatePerson(existing, message)


def _clean_person(person: Person) -> None:
    """Normalise numbers and derive what the resident ID says; field errors on failure."""
    errors: dict[str, Any] = {}
    person.full_name = clean_text(person.full_name)
    person.address = clean_text(person.address)
    if person.id_number:
        try:
            if person.id_type == IdType.RESIDENT:
                parsed = parse_resident_id(person.id_number)
                person.id_number = parsed.number
                if person.birth_date and person.birth_date != parsed.birth_date:
                    errors["birth_date"] = _("The date of birth does not match the ID number.")
                person.birth_date = parsed.birth_date
                person.sex = parsed.sex
            else:
                person.id_number = clean_id_number(person.id_type, person.id_number)
        except ValidationError as error:
            errors["id_number"] = error
    if person.phone:
        try:
            person.phone = normalize_mobile(person.phone)
        except ValidationError as error:
            errors["phone"] = error
    person.tags = join_tags(split_tags(person.tags))
    if person.household is not None and person.household.unit_id != person.unit_id:
        errors["household"] = _("The household lies in another unit.")
    if errors:
        raise ValidationError(errors)
    person.id_key = (
        id_key(person.id_type, person.id_number) if person.merged_into_id is None else None
    )
    person.phone_key = phone_key(person.phone)
    person.org_path = person.unit.path


@transaction.atomic
def person_create(
    *,
    actor: User,
    full_name: str,
    unit: OrgUnit,
    id_type: str = IdType.RESIDENT,
    id_number: str = "",
    phone: str = "",
    household: Household | None = None,
    relation: str = "",
    address: str = "",
    birth_date: date | None = None,
    sex: str = Sex.UNKNOWN,
    tags: str | Iterable[str] = (),
    note: str = "",
    source: str = Source.MANUAL,
) -> Person:
    require(actor, Perm.MANAGE_PEOPLE, unit.path)
    person = Person(
        full_name=full_name,
        unit=unit,
        id_type=id_type,
        id_number=id_number or "",
        phone=phone or "",
        household=household,
        relation=relation,
        address=address,
        birth_date=birth_date,
        sex=sex,
        tags=join_tags(split_tags(tags)),
        note=note,
        source=source,
        created_by=actor,
    )
    _clean_person(person)
    person.full_clean(exclude=["id_key"])
    _check_duplicate(actor, person)
    person.save()
    tallies.count(persons=[(unit.pk, 1)])
    audit.record(actor=actor, action=audit.Action.CREATE, target=person)
    person_assess(person)
    return person


def _audit_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes = audit.changed_fields(before, after)
    for name in SECRET_FIELDS & changes.keys():
        changes[name] = ["***", "***"]
    return changes


@transaction.atomic
def person_update(*, actor: User, person: Person, **values: Any) -> Person:
    """Change the given fields; a change of unit moves the person's journeys with them."""
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(actor, Perm.MANAGE_PEOPLE, person.org_path)
    before = audit.snapshot(person, PERSON_FIELDS)
    old_unit_id = person.unit_id
    for name, value in values.items():
        setattr(person, name, value)
    if "unit" in values:
        require(actor, Perm.MANAGE_PEOPLE, person.unit.path)
    _clean_person(person)
    person.full_clean(exclude=["id_key"])
    _check_duplicate(actor, person)
    changes = _audit_changes(before, audit.snapshot(person, PERSON_FIELDS))
    if not changes:
        return person
    person.updated_at = timezone.now()
    person.save()
    if "unit" in changes:
        TravelRecord.objects.filter(person=person).update(org_path=person.org_path)
        if person.merged_into_id is None:
            tallies.moved(old_unit_id, person.unit_id, persons=1)
    audit.record(actor=actor, action=audit.Action.UPDATE, target=person, changes=changes)
    person_assess(person)
    return person


def person_reveal(*, actor: User, person: Person, field: str) -> str:
    """The plaintext ID or phone number, for a role that may see it; audited."""
    if field not in SECRET_FIELDS:
        raise ValueError(field)
    require(actor, Perm.REVEAL_PERSONAL, person.org_path)
    audit.record(
        actor=actor,
        action=audit.Action.REVEAL,
        target=person,
        changes={"field": field},
    )
    return str(getattr(person, field))


def person_assess(person: Person, *, today: date | None = None) -> risk.Assessment:
    """Run the risk rule and keep its conclusion on the row, for lists and filters."""
    today = today or timezone.localdate()
    result = risk.assess(
        travels=person.travels.all(),
        areas=risk.areas_for(person.org_path),
        policy_for=risk.policies_for(person.org_path),
        today=today,
    )
    if (person.risk_status, person.risk_until) != (result.status, result.until):
        Person.objects.filter(pk=person.pk).update(
            risk_status=result.status, risk_until=result.until
        )
        person.risk_status, person.risk_until = result.status, result.until
    return result


def reassess_under(path: str, *, today: date | None = None, chunk: int = 2000) -> int:
    """Re-run the rule for everyone under ``path`` with a journey, after the area list or the
    policy changed; returns how many records changed.

    Areas and policy versions are loaded once per unit, journeys once per chunk, and only
    the rows whose conclusion moved are written.
    """
    today = today or timezone.localdate()
    people = (
        Person.objects.current()
        .in_subtree(path)
        .filter(Exists(TravelRecord.objects.filter(person=OuterRef("pk"))))
        .order_by("pk")
        .only("pk", "org_path", "risk_status", "risk_until")
    )
    inputs: dict[str, tuple[list[Any], Any]] = {}
    changed = 0
    last = 0
    while True:
        batch = list(people.filter(pk__gt=last)[:chunk])
        if not batch:
            return changed
        last = batch[-1].pk
        journeys: dict[int, list[TravelRecord]] = {}
        for travel in TravelRecord.objects.filter(person__in=batch):
            journeys.setdefault(travel.person_id, []).append(travel)
        dirty = []
        for person in batch:
            if person.org_path not in inputs:
                inputs[person.org_path] = (
                    risk.areas_for(person.org_path),
                    risk.policies_for(person.org_path),
                )
            areas, policy_for = inputs[person.org_path]
            result = risk.assess(
                travels=journeys.get(person.pk, []), areas=areas, policy_for=policy_for, today=today
            )
            if (person.risk_status, person.risk_until) != (result.status, result.until):
                person.risk_status, person.risk_until = result.status, result.until
                dirty.append(person)
        Person.objects.bulk_update(dirty, ["risk_status", "risk_until"], batch_size=500)
        changed += len(dirty)


@transaction.atomic
def household_get_or_create(
    *, actor: User, unit: OrgUnit, address: str, note: str = ""
) -> tuple[Household, bool]:
    require(actor, Perm.MANAGE_PEOPLE, unit.path)
    address = clean_text(address)
    key = address_key(address)
    if not key:
        raise ValidationError({"address": _("Enter the household's address.")})
    existing = Household.objects.filter(unit=unit, address_key=key).first()
    if existing is not None:
        return existing, False
    household = Household(unit=unit, address=address, address_key=key, note=note)
    household.org_path = unit.path
    household.full_clean()
    household.save()
    tallies.count(households=[(unit.pk, 1)])
    audit.record(actor=actor, action=audit.Action.CREATE, target=household)
    return household, True


def resolve_origin(text: str) -> tuple[str, str]:
    """(division code, display name) for what was typed: a code or a place name."""
    text = clean_text(text)
    if not text:
        raise ValidationError({"origin_name": _("Enter where the person came from.")})
    found = divisions.parse_division(text)
    if found is None:
        # Abroad, or a place the list does not hold: kept as typed, matched by no area.
        return "", text[:100]
    return found.code, divisions.full_name(found.code)


@transaction.atomic
def travel_add(
    *,
    actor: User,
    person: Person,
    origin: str,
    arrived_on: date,
    departed_on: date | None = None,
    transport: str = "other",
    transport_no: str = "",
    seat: str = "",
    plate: str = "",
    purpose: str = "",
    source: str = Source.MANUAL,
) -> tuple[TravelRecord, bool]:
    """Record a journey; the same journey recorded again returns the first record."""
    require(actor, Perm.MANAGE_PEOPLE, person.org_path)
    code, name = resolve_origin(origin)
    transport_no = transport_number(clean_text(transport_no))
    existing = TravelRecord.objects.filter(
        person=person, origin_code=code, arrived_on=arrived_on, transport_no=transport_no
    ).first()
    if existing is not None and (code or existing.origin_name == name):
        return existing, False
    travel = TravelRecord(
        person=person,
        origin_code=code,
        origin_name=name,
        departed_on=departed_on,
        arrived_on=arrived_on,
        transport=transport,
        transport_no=transport_no,
        seat=clean_text(seat).upper(),
        plate=clean_text(plate).upper().replace(" ", ""),
        purpose=clean_text(purpose),
        source=source,
        org_path=person.org_path,
        created_by=actor,
    )
    if arrived_on > timezone.localdate():
        raise ValidationError({"arrived_on": _("The arrival date is in the future.")})
    travel.full_clean()
    travel.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=travel)
    person_assess(person)
    return travel, True


@transaction.atomic
def travel_delete(*, actor: User, travel: TravelRecord) -> None:
    require(actor, Perm.MANAGE_PEOPLE, travel.org_path)
    person = travel.person
    audit.record(actor=actor, action=audit.Action.DELETE, target=travel)
    travel.delete()
    person_assess(person)
