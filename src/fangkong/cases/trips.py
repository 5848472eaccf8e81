"""Trips of cases and same-trip matching (同行程).

A trip is one journey of a case: a flight or a train by its number, a car by its plate,
on a day. Matching looks for who else was on it:

* registry travel records with the same number that departed or arrived that day
  (people.TravelRecord, through its (transport_no, departed_on) index);
* travellers registered at a checkpoint in a vehicle with the same plate during that
  day in the district's time zone (checkpoints.Passage, through its partial plate index).

Only an actor who manages cases at the case sees the matches, and names only the persons
inside the actor's own area; the others are counted. A published trip can be checked by
anyone on the public page (``trip_check``): the answer holds the trip (number, date, route,
carriage) and advice, never a name, a case number or anything else about a person.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import reduce
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.cases import services
from fangkong.cases.models import (
    Case,
    Classification,
    Contact,
    Level,
    PublicCheck,
    Setting,
    Transport,
    Trip,
)
from fangkong.checkpoints.models import Traveller
from fangkong.checkpoints.plates import normalize_plate
from fangkong.core.crypto import blind_index
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.people import risk
from fangkong.people.models import Person, TravelRecord
from fangkong.people.normalize import clean_text, transport_number

NUMBERED = frozenset({Transport.FLIGHT, Transport.TRAIN})
# The public check answers for these only: a suspected case may still be excluded.
PUBLIC_CLASSIFICATIONS = (Classification.CONFIRMED, Classification.ASYMPTOMATIC)
# The longest journey that one number makes (trains across the country take up to three
# days): a record that arrived on the trip's day departed at most this many days before.
MAX_JOURNEY_DAYS = 3

# The public check: a person checks the few trips they took; a script walking every train
# and every day of the epidemic is refused long before it learns much.
PER_CLIENT = 10
PER_CLIENT_WINDOW = timedelta(minutes=10)
PER_SITE = 600
PER_SITE_WINDOW = timedelta(minutes=1)
# The national public health hotline, until the installation names its own.
DEFAULT_HOTLINE = "12320"

_TRAIN = re.compile(r"[A-Z]?[0-9]{1,5}")
# An airline's two-character designator (letters, or a letter and a digit: 3U, 9C) or a
# three-letter one, then up to four digits and perhaps a letter.
_FLIGHT = re.compile(r"(?:[A-Z]{2,3}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}[A-Z]?")
_ANY_NUMBER = re.compile(r"[A-Z0-9]{1,20}")
_CARRIAGE = re.compile(r"0*([1-9][0-9]?)\s*号?\s*(?:车厢|车)")


class RateLimited(Exception):
    pass


# --- numbers and plates --------------------------------------------------------------


def normalize_number(raw: object) -> str:
    return transport_number(raw)


def _number_problem(number: str, transport: str) -> str | None:
    if transport == Transport.TRAIN and not _TRAIN.fullmatch(number):
        return _("A train number is a letter such as G, D, K or T and up to five digits "
                 "(G1234), or digits alone; “%(value)s” is not.") % {"value": number}  # fmt: skip
    if transport == Transport.FLIGHT and not _FLIGHT.fullmatch(number):
        return _("A flight number is the airline's code and up to four digits (CA1234, "
                 "3U8888); “%(value)s” is not.") % {"value": number}  # fmt: skip
    if not _ANY_NUMBER.fullmatch(number):
        return _("Use letters and digits only.")
    return None


def carriage(trip: Trip) -> str:
    """The carriage of a train trip ("05车12F" → "5"), which the public check may show;
    never the seat."""
    if trip.transport != Transport.TRAIN:
        return ""
    found = _CARRIAGE.search(unicodedata.normalize("NFKC", trip.seat))
    return found.group(1) if found else ""


# --- writes ----------------------------------------------------------------------------


@transaction.atomic
def trip_add(
    *,
    actor: User,
    case: Case,
    transport: str,
    number: str = "",
    plate: str = "",
    day: date,
    route: str = "",
    seat: str = "",
    published: bool = False,
) -> Trip:
    """A journey of the case; a train or flight needs its number, a car its plate."""
    services._require(actor, Perm.MANAGE_CASES, case.org_path)
    if transport not in Transport.values:
        raise ValidationError({"transport": _("Choose how the case travelled.")})
    errors: dict[str, Any] = {}
    number = normalize_number(number)
    if number:
        problem = _number_problem(number, transport)
        if problem:
            errors["number"] = problem
    elif transport == Transport.TRAIN:
        errors["number"] = _("Enter the train number.")
    elif transport == Transport.FLIGHT:
        errors["number"] = _("Enter the flight number.")
    plate_text = clean_text(plate)
    if plate_text:
        try:
            plate_text = normalize_plate(plate_text)
        except ValidationError as error:
            errors["plate"] = error.messages
    elif transport == Transport.CAR:
        errors["plate"] = _("A car is traced by its plate: enter it.")
    elif transport not in NUMBERED and not number:
        errors["number"] = _("Enter the number of the coach or vessel, or its plate.")
    if day > timezone.localdate():
        errors["day"] = _("The trip cannot be in the future.")
    if published and not number:
        errors["published"] = _("Only a trip with a flight or train number can be published.")
    if errors:
        raise ValidationError(errors)
    trip = Trip(
        case=case, org_path=case.org_path, transport=transport, number=number,
        plate=plate_text, day=day, route=clean_text(route)[:100],
        seat=clean_text(seat).upper()[:20], published=published,
    )  # fmt: skip
    trip.full_clean(exclude=["case"])
    twin = Trip.objects.filter(
        case=case, transport=transport, number=number, plate=plate_text, day=day
    )
    if twin.exists():
        raise ValidationError(_("This trip is already recorded for the case."))
    try:
        with transaction.atomic():
            trip.save()
    except IntegrityError:  # the same trip sent twice at the same moment
        raise ValidationError(_("This trip is already recorded for the case.")) from None
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=trip,
        changes={"case": case.pk, "transport": transport, "number": number,
                 "plate": plate_text, "day": day.isoformat(), "published": published},
    )  # fmt: skip
    return trip


@transaction.atomic
def trip_publish(*, actor: User, trip: Trip, published: bool = True) -> Trip:
    """Let anyone check the trip on the public page (or stop it)."""
    trip = Trip.objects.select_for_update().get(pk=trip.pk)
    services._require(actor, Perm.MANAGE_CASES, trip.org_path)
    if published and not trip.number:
        raise ValidationError(_("Only a trip with a flight or train number can be published."))
    if trip.published == published:
        return trip
    trip.published = published
    trip.save(update_fields=["published"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=trip,
        changes={"published": [not published, published]},
    )  # fmt: skip
    return trip


# --- reads for staff -------------------------------------------------------------------


def cases_managed(*, actor: User) -> QuerySet[Case]:
    """The cases whose trips the actor may record and match."""
    return Case.objects.visible_to(actor, Perm.MANAGE_CASES)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day from midnight to midnight in the district's time zone."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, clock.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), clock.min, tzinfo=zone)


@dataclass(frozen=True)
class Match:
    """One person who was on a trip of the case (inside the actor's area)."""

    key: str  # "p<person id>" or "t<traveller id>": what the add-as-contact button sends
    name: str
    masked_id: str
    seat: str
    where: str  # the journey as recorded, or the checkpoint and the time
    at_checkpoint: bool  # seen at a checkpoint (else a registry journey)
    registry: bool  # a registry person (else a traveller only seen at a checkpoint)
    is_contact: bool
    person_id: int | None = None
    traveller_id: int | None = None


@dataclass
class TripMatches:
    trip: Trip
    matches: list[Match] = field(default_factory=list)
    outside: int = 0  # persons outside the actor's area: counted, not named


def _inside(roots: list[str] | None, path: str) -> bool:
    return roots is None or any(path.startswith(root) for root in roots)


def _travel_q(trip: Trip) -> Q:
    """Records of the trip's number that departed on the day, or arrived on it.

    Both sides go through the (transport_no, departed_on) index: an arrival on the day
    departed at most MAX_JOURNEY_DAYS before (a bounded range of the index), or has no
    departure date (NULL, its own range of the index).
    """
    earliest = trip.day - timedelta(days=MAX_JOURNEY_DAYS)
    dated = Q(departed_on__range=(earliest, trip.day)) & (
        Q(departed_on=trip.day) | Q(arrived_on=trip.day)
    )
    undated = Q(departed_on__isnull=True, arrived_on=trip.day)
    return Q(transport_no=trip.number) & (dated | undated)


def _travel_matches(trip: Trip, record: TravelRecord) -> bool:
    days = (record.departed_on, record.arrived_on)
    return record.transport_no == trip.number and trip.day in days


def _passage_q(trip: Trip) -> Q:
    start, end = day_bounds(trip.day)
    return Q(passage__plate=trip.plate, passage__passed_at__gte=start,
             passage__passed_at__lt=end)  # fmt: skip


_PERSON_FIELDS = ("person__full_name", "person__id_type", "person__id_number",
                  "person__org_path", "person__merged_into_id")  # fmt: skip
_TRAVEL_FIELDS = ("transport_no", "departed_on", "arrived_on", "origin_name", "seat",
                  "person_id", *_PERSON_FIELDS)  # fmt: skip
_TRAVELLER_FIELDS = ("full_name", "id_type", "id_number", "id_key", "org_path", "person_id",
                     "passage__plate", "passage__passed_at", "passage__checkpoint__name",
                     *_PERSON_FIELDS)  # fmt: skip


def travel_records(trips: list[Trip]) -> QuerySet[TravelRecord]:
    """Registry journeys on the numbered trips, with their persons (phones left sealed)."""
    return (
        TravelRecord.objects.filter(reduce(operator.or_, map(_travel_q, trips)))
        .select_related("person")
        .only(*_TRAVEL_FIELDS)
        .order_by()
    )


def checkpoint_travellers(trips: list[Trip]) -> QuerySet[Traveller]:
    """Travellers in the vehicles of the plated trips, each on its local day."""
    return (
        Traveller.objects.filter(reduce(operator.or_, map(_passage_q, trips)))
        .select_related("passage__checkpoint", "person")
        .only(*_TRAVELLER_FIELDS)
        .order_by("passage__passed_at", "pk")
    )


@dataclass
class _Hit:
    identity: tuple[str, Any]  # one person once per trip, however often they were seen
    path: str
    roots: list[str] | None
    match: Match


def _matches(actor: User, case: Case, trips: list[Trip]) -> list[TripMatches]:
    people_roots = scope_roots(actor, Perm.VIEW_PEOPLE)
    passage_roots = scope_roots(actor, Perm.VIEW_PASSAGES)
    hits: dict[int, list[_Hit]] = {t.pk: [] for t in trips}
    contacts = set(Contact.objects.filter(case=case).order_by().values_list("person_id", flat=True))
    numbered = [t for t in trips if t.number]
    if numbered:
        for record in travel_records(numbered):
            person = record.person
            pid = person.merged_into_id or person.pk
            if pid == case.person_id:
                continue
            where = _("%(origin)s, arrived %(day)s") % {
                "origin": record.origin_name, "day": services._day(record.arrived_on)}  # fmt: skip
            for trip in numbered:
                if _travel_matches(trip, record):
                    hits[trip.pk].append(_Hit(("p", pid), person.org_path, people_roots, Match(
                        key=f"p{pid}", name=person.full_name, masked_id=person.masked_id_number,
                        seat=record.seat, where=where, at_checkpoint=False, registry=True,
                        is_contact=pid in contacts, person_id=pid,
                    )))  # fmt: skip

    plated = [t for t in trips if t.plate]
    if plated:
        travellers = list(checkpoint_travellers(plated))
        own_key = Person.objects.filter(pk=case.person_id).values_list("id_key", flat=True)[0]
        keys = {t.id_key for t in travellers if t.person_id is None and t.id_key}
        known = {
            p.id_key: p
            for p in Person.objects.filter(id_key__in=keys).only(
                "full_name", "id_type", "id_number", "id_key", "org_path", "merged_into_id"
            )
        }
        for traveller in travellers:
            passage = traveller.passage
            ref: int | None
            who = traveller.person or known.get(traveller.id_key or "")
            if who is not None:
                ref = who.merged_into_id or who.pk
                if ref == case.person_id:
                    continue
                identity: tuple[str, Any] = ("p", ref)
                path, roots = who.org_path, people_roots
                name, masked = who.full_name, who.masked_id_number
                key, is_contact = f"p{ref}", ref in contacts
            else:
                if own_key and traveller.id_key == own_key:
                    continue
                identity = ("k", traveller.id_key) if traveller.id_key else ("t", traveller.pk)
                path, roots = traveller.org_path, passage_roots
                name, masked = traveller.full_name, traveller.masked_id_number
                key, is_contact, ref = f"t{traveller.pk}", False, None
            where = _("%(checkpoint)s, %(at)s") % {
                "checkpoint": passage.checkpoint.name,
                "at": timezone.localtime(passage.passed_at).strftime("%H:%M"),
            }
            for trip in plated:
                start, end = day_bounds(trip.day)
                if passage.plate == trip.plate and start <= passage.passed_at < end:
                    hits[trip.pk].append(_Hit(identity, path, roots, Match(
                        key=key, name=name, masked_id=masked, seat="", where=where,
                        at_checkpoint=True, registry=who is not None, is_contact=is_contact,
                        person_id=ref,
                        traveller_id=None if who is not None else traveller.pk,
                    )))  # fmt: skip

    out = []
    for trip in trips:
        result = TripMatches(trip)
        seen: set[tuple[str, Any]] = set()
        for hit in hits[trip.pk]:
            if hit.identity in seen:
                continue
            seen.add(hit.identity)
            if _inside(hit.roots, hit.path):
                result.matches.append(hit.match)
            else:
                result.outside += 1
        result.matches.sort(key=lambda m: (m.is_contact, m.name))
        out.append(result)
    return out


def same_trip(*, actor: User, case: Case) -> list[TripMatches]:
    """For each trip of the case, the persons who were on it: named inside the actor's
    area, counted outside it."""
    services._require(actor, Perm.MANAGE_CASES, case.org_path)
    return _matches(actor, case, list(case.trips.all()))


@transaction.atomic
def contact_from_match(*, actor: User, case: Case, trip: Trip, key: str) -> Contact:
    """A same-trip passenger becomes a close contact of the case, in one step: a registry
    person as they are; a traveller seen only at a checkpoint through the registry (found
    by the document, or added), and linked to that record."""
    services._require(actor, Perm.MANAGE_CASES, case.org_path)
    if trip.case_id != case.pk:
        raise ValidationError(_("This trip is not one of this case's."))
    found = next((m for m in _matches(actor, case, [trip])[0].matches if m.key == key), None)
    if found is None:
        raise ValidationError(_("This person is not a passenger of this trip in your area."))
    if found.is_contact:
        raise ValidationError(
            _("%(name)s is already a contact of this case.") % {"name": found.name}
        )
    relation = (_("Same trip: %(trip)s") % {"trip": trip.number or trip.plate})[:50]
    values: dict[str, Any] = {
        "actor": actor, "case": case, "setting": Setting.TRANSPORT, "last_contact": trip.day,
        "relation": relation, "level": Level.CLOSE,
    }  # fmt: skip
    if found.person_id is not None:
        return services.contact_add(who=Person.objects.get(pk=found.person_id), **values)
    traveller = Traveller.objects.select_related("passage__destination").get(pk=found.traveller_id)
    destination = traveller.passage.destination
    home = (
        destination
        if destination is not None and has_perm_at(actor, Perm.MANAGE_PEOPLE, destination.path)
        else None
    )
    who = services.PersonIn(
        full_name=traveller.full_name, id_type=traveller.id_type, id_number=traveller.id_number,
        phone=traveller.phone, unit=home,
        address=traveller.passage.destination_text if home is not None else "",
    )  # fmt: skip
    contact = services.contact_add(who=who, **values)
    # Seen again at this checkpoint, the traveller is this registry person.
    Traveller.objects.filter(pk=traveller.pk, person__isnull=True).update(person=contact.person)
    return contact


# --- the public check ------------------------------------------------------------------


@dataclass(frozen=True)
class PublicTrip:
    """What the public page may say about a trip: the trip, and what to do."""

    transport: str
    number: str
    day: date
    route: str
    carriage: str
    observe_days: int
    observe_until: date
    observation_over: bool  # the days after the trip have passed


def check_rate(ip: str | None) -> None:
    """Count one check from this address (and from everyone); refuse above the limits.
    Rows older than the longest window are dropped as new ones come."""
    client = blind_index(f"client:{ip or 'unknown'}")
    now = timezone.now()
    longest = max(PER_CLIENT_WINDOW, PER_SITE_WINDOW)
    with transaction.atomic():
        PublicCheck.objects.filter(at__lt=now - longest).delete()
        mine = PublicCheck.objects.filter(client=client, at__gte=now - PER_CLIENT_WINDOW).count()
        everyone = PublicCheck.objects.filter(at__gte=now - PER_SITE_WINDOW).count()
        if mine >= PER_CLIENT or everyone >= PER_SITE:
            raise RateLimited
        PublicCheck.objects.create(client=client, at=now)


def hotline() -> str:
    return str(getattr(settings, "FANGKONG_HOTLINE", "") or DEFAULT_HOTLINE)


def trip_check(*, number: str, day: date, ip: str | None) -> list[PublicTrip]:
    """Published trips of confirmed and asymptomatic cases with this number on this day."""
    check_rate(ip)
    number = normalize_number(number)
    if not number:
        return []
    published = Trip.objects.filter(
        number=number, day=day, published=True, case__classification__in=PUBLIC_CLASSIFICATIONS
    )
    trips = published.select_related("case").order_by("id")
    today = timezone.localdate()
    found: dict[tuple[str, str, str], PublicTrip] = {}
    for trip in trips:
        days = risk.policy_on(trip.case.org_path, today).observation_days
        answer = PublicTrip(
            transport=str(Transport(trip.transport).label), number=trip.number, day=trip.day,
            route=trip.route, carriage=carriage(trip), observe_days=days,
            observe_until=trip.day + timedelta(days=days),
            observation_over=trip.day + timedelta(days=days) < today,
        )  # fmt: skip
        # Two cases on one train look like one answer: the page tells nobody how many.
        key = (answer.route, answer.carriage, answer.transport)
        if key not in found or found[key].observe_days < days:
            found[key] = answer
    return list(found.values())
