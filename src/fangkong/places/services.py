"""Writes for places: places and their plans, disinfection logs from the field; venues,
their control orders and inspections, and a venue contact revealed.

Every write takes the actor, checks the permission where the record hangs (places and
plans, venues and orders: ``MANAGE_PLACES``; a log, an inspection and its follow-up:
``RECORD_DISINFECTION``), and writes its audit entry in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.text import drop_controls
from fangkong.orgunits.models import OrgUnit
from fangkong.places.models import (
    NEXT_ORDERS,
    ControlOrder,
    Disinfection,
    Inspection,
    OrderKind,
    Place,
    PlaceKind,
    Result,
    Venue,
    VenueKind,
    VenueState,
)
from fangkong.places.schedule import MAX_TIMES

# A log may be entered late (no signal in a stairwell), but not for last month.
LOG_BACK_DAYS = 7
# Clocks of phones differ by a little; a log further in the future is a mistake.
CLOCK_SKEW = timedelta(minutes=5)
SECRET_FIELDS = frozenset({"contact_name", "contact_phone"})
PLACE_FIELDS = ("name", "kind", "address", "times_per_day", "day_start", "day_end", "active")
VENUE_FIELDS = ("kind", "name", "address", "contact_name", "contact_phone", "active")


def _require(actor: User, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


def _clean(value: str | None, limit: int) -> str:
    return drop_controls(value or "").strip()[:limit]


# --- places and plans ----------------------------------------------------------------


def _check_place(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values["name"] = _clean(values.get("name"), 80)
    values["address"] = _clean(values.get("address"), 200)
    if not values["name"]:
        errors["name"] = _("Give the place a name.")
    if values.get("kind") not in PlaceKind.values:
        errors["kind"] = _("Choose the kind of place.")
    times = values.get("times_per_day")
    if not isinstance(times, int) or not 1 <= times <= MAX_TIMES:
        errors["times_per_day"] = _("Between 1 and %(max)d times a day.") % {"max": MAX_TIMES}
    start, end = values.get("day_start"), values.get("day_end")
    if not isinstance(start, time) or not isinstance(end, time) or end <= start:
        errors["day_end"] = _("The last window must close after the first opens.")
    if errors:
        raise ValidationError(errors)
    return values


def _unique(save: Any, field: str = "name") -> None:
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        raise ValidationError({field: _("This unit already has one of this name.")}) from None


@transaction.atomic
def place_create(*, actor: User, unit: OrgUnit, **values: Any) -> Place:
    _require(actor, Perm.MANAGE_PLACES, unit.path)
    unknown = set(values) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"not place fields: {sorted(unknown)}")
    values = _check_place({"active": True, **values})
    place = Place(unit=unit, org_path=unit.path, **values)
    _unique(place.save)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=place,
        changes={"name": place.name, "times_per_day": place.times_per_day},
    )
    return place


@transaction.atomic
def place_update(*, actor: User, place: Place, **values: Any) -> Place:
    """Change a place or its plan; today's done windows are counted again on the new plan."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    _require(actor, Perm.MANAGE_PLACES, place.org_path)
    unknown = set(values) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"not place fields: {sorted(unknown)}")
    before = audit.snapshot(place, PLACE_FIELDS)
    values = _check_place({**before, **values})
    for name, value in values.items():
        setattr(place, name, value)
    if place.done_on is not None:
        place.done_slots = _mask(place, place.done_on)
    _unique(place.save)
    changes = audit.changed_fields(before, audit.snapshot(place, PLACE_FIELDS))
    if changes:
        audit.record(actor=actor, action=audit.Action.UPDATE, target=place, changes=changes)
    return place


def _mask(place: Place, day: date) -> int:
    """The windows of ``day`` that hold a log, from the logs themselves."""
    plan = place.plan
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    mask = 0
    for at in place.logs.filter(at__gte=start, at__lt=start + timedelta(days=1)).values_list(
        "at", flat=True
    ):
        _day, k = plan.slot(at)
        if k >= 0:
            mask |= 1 << k
    return mask


# --- disinfection logs ---------------------------------------------------------------


@transaction.atomic
def disinfection_log(
    *,
    actor: User,
    place: Place,
    disinfectant: str,
    concentration: str = "",
    area: str = "",
    note: str = "",
    at: datetime | None = None,
    now: datetime | None = None,
) -> Disinfection:
    """One disinfection of ``place`` at ``at`` (now unless given), and the place's count
    of done windows brought up to date with it, under the place's row lock."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    _require(actor, Perm.RECORD_DISINFECTION, place.org_path)
    now = now or timezone.now()
    at = at or now
    errors: dict[str, str] = {}
    if not place.active:
        errors["place"] = _("This place is not in use.")
    disinfectant = _clean(disinfectant, 40)
    if not disinfectant:
        errors["disinfectant"] = _("Say which disinfectant was used.")
    if at > now + CLOCK_SKEW:
        errors["at"] = _("The time is in the future.")
    elif at < now - timedelta(days=LOG_BACK_DAYS):
        errors["at"] = _("Logs older than %(days)d days are not taken.") % {"days": LOG_BACK_DAYS}
    if errors:
        raise ValidationError(errors)
    log = Disinfection.objects.create(
        place=place,
        org_path=place.org_path,
        at=at,
        disinfectant=disinfectant,
        concentration=_clean(concentration, 30),
        area=_clean(area, 60),
        note=_clean(note, 200),
        by=actor,
    )
    day, k = place.plan.slot(at)
    if place.done_on is None or day > place.done_on:
        place.done_on, place.done_slots = day, 0
    if day == place.done_on and k >= 0:
        place.done_slots |= 1 << k
    if place.last_done_at is None or at > place.last_done_at:
        place.last_done_at = at
    place.save(update_fields=["done_on", "done_slots", "last_done_at"])
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=log,
        changes={"place": place.pk, "at": at.isoformat()},
    )
    return log


def recount(places: Any = None) -> list[int]:
    """Places whose kept mask differs from their logs (none, unless something wrote
    around ``disinfection_log``); for tests and for a check by hand."""
    wrong = []
    for place in places if places is not None else Place.objects.all():
        if place.done_on is not None and _mask(place, place.done_on) != place.done_slots:
            wrong.append(place.pk)
    return wrong


# --- venues --------------------------------------------------------------------------


def _check_venue(values: dict[str, Any]) -> dict[str, Any]:
    from fangkong.tips.services import normalize_phone

    errors: dict[str, Any] = {}
    values["name"] = _clean(values.get("name"), 80)
    values["address"] = _clean(values.get("address"), 200)
    values["contact_name"] = _clean(values.get("contact_name"), 50)
    if not values["name"]:
        errors["name"] = _("Give the venue a name.")
    if values.get("kind") not in VenueKind.values:
        errors["kind"] = _("Choose the kind of venue.")
    try:
        values["contact_phone"] = normalize_phone(values.get("contact_phone"))
    except ValidationError as error:
        errors["contact_phone"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def venue_create(*, actor: User, unit: OrgUnit, **values: Any) -> Venue:
    _require(actor, Perm.MANAGE_PLACES, unit.path)
    unknown = set(values) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"not venue fields: {sorted(unknown)}")
    values = _check_venue({"active": True, **values})
    venue = Venue(unit=unit, org_path=unit.path, **values)
    _unique(venue.save)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=venue,
        changes={"name": venue.name, "kind": venue.kind},
    )
    return venue


@transaction.atomic
def venue_update(*, actor: User, venue: Venue, **values: Any) -> Venue:
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    _require(actor, Perm.MANAGE_PLACES, venue.org_path)
    unknown = set(values) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"not venue fields: {sorted(unknown)}")
    before = audit.snapshot(venue, VENUE_FIELDS)
    values = _check_venue({**before, **values})
    for name, value in values.items():
        setattr(venue, name, value)
    _unique(venue.save)
    changes = audit.changed_fields(before, audit.snapshot(venue, VENUE_FIELDS))
    for secret in SECRET_FIELDS & set(changes):
        changes[secret] = ["***", "***"]  # that it changed, never what it was
    if changes:
        audit.record(actor=actor, action=audit.Action.UPDATE, target=venue, changes=changes)
    return venue


def venue_reveal(*, actor: User, venue: Venue, field: str) -> str:
    """The venue's contact in full, for a role that may see it; audited."""
    if field not in SECRET_FIELDS:
        raise ValueError(field)
    _require(actor, Perm.REVEAL_PERSONAL, venue.org_path)
    audit.record(actor=actor, action=audit.Action.REVEAL, target=venue, changes={"field": field})
    return str(getattr(venue, field))


# --- control orders ------------------------------------------------------------------


def latest_order(venue: Venue) -> ControlOrder | None:
    """The order that takes effect last, whether in effect yet or not."""
    return venue.orders.order_by("-effective_at", "-id").first()


@transaction.atomic
def order_issue(
    *,
    actor: User,
    venue: Venue,
    kind: str,
    basis: str,
    effective_at: datetime | None = None,
    conditions: str = "",
    now: datetime | None = None,
) -> ControlOrder:
    """A new order for the venue. It follows the latest order (in effect or announced):
    never before it in time, and only a step that the latest allows (``NEXT_ORDERS``)."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    _require(actor, Perm.MANAGE_PLACES, venue.org_path)
    now = now or timezone.now()
    effective_at = effective_at or now
    last = latest_order(venue)
    state = last.kind if last is not None else VenueState.OPEN
    errors: dict[str, str] = {}
    if kind not in OrderKind.values:
        errors["kind"] = _("Choose the order.")
    elif kind not in NEXT_ORDERS[state]:
        label = VenueState(state).label
        errors["kind"] = _("The venue is “%(state)s”: this order cannot follow.") % {"state": label}
    basis = _clean(basis, 100)
    if not basis:
        errors["basis"] = _("Give the notice the order rests on.")
    conditions = _clean(conditions, 1000)
    if kind == OrderKind.RESTRICTED and not conditions:
        errors["conditions"] = _(
            "Say what the restriction allows, e.g. half the seats, scan and temperature at "
            "the door."
        )
    if last is not None and effective_at < last.effective_at:
        errors["effective_at"] = _(
            "The last order takes effect %(at)s; a new one cannot take effect before it."
        ) % {"at": timezone.localtime(last.effective_at).strftime("%Y-%m-%d %H:%M")}
    if errors:
        raise ValidationError(errors)
    order = ControlOrder.objects.create(
        venue=venue,
        org_path=venue.org_path,
        kind=kind,
        basis=basis,
        conditions=conditions if kind == OrderKind.RESTRICTED else "",
        effective_at=effective_at,
        issued_by=actor,
        issued_at=now,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=order,
        changes={
            "venue": venue.pk,
            "kind": kind,
            "basis": basis,
            "effective_at": effective_at.isoformat(),
        },
    )
    return order


# --- inspections ---------------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    venue: Venue,
    result: str,
    findings: str = "",
    found_open: bool = False,
    followup_due: date | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Inspection:
    """An inspection of the venue. A venue under a closing order found open for business
    is a problem whatever else was seen; problems are described; a follow-up falls due
    on a day from the inspection on."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    _require(actor, Perm.RECORD_DISINFECTION, venue.org_path)
    now = now or timezone.now()
    at = at or now
    errors: dict[str, str] = {}
    if at > now + CLOCK_SKEW:
        errors["at"] = _("The time is in the future.")
    findings = _clean(findings, 2000)
    closed = venue.state_at(at) == VenueState.CLOSED
    if found_open and not closed:
        errors["found_open"] = _("The venue was not under a closing order at that time.")
    if found_open:
        result = Result.PROBLEMS
    if result not in Result.values:
        errors["result"] = _("Choose the result.")
    elif result == Result.PROBLEMS and not findings:
        errors["findings"] = _("Say what was found.")
    if result == Result.COMPLIANT and followup_due is not None:
        errors["followup_due"] = _("A compliant venue needs no follow-up.")
    if followup_due is not None and followup_due < timezone.localtime(at).date():
        errors["followup_due"] = _("The follow-up cannot fall due before the inspection.")
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        venue=venue,
        org_path=venue.org_path,
        at=at,
        inspector=actor,
        result=result,
        findings=findings,
        found_open=found_open,
        followup_due=followup_due,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=inspection,
        changes={"venue": venue.pk, "result": result, "found_open": found_open},
    )
    return inspection


@transaction.atomic
def followup_close(
    *, actor: User, inspection: Inspection, note: str, now: datetime | None = None
) -> Inspection:
    """The follow-up was done: what was seen, and the date it was closed."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require(actor, Perm.RECORD_DISINFECTION, inspection.org_path)
    if not inspection.followup_open:
        raise ValidationError(_("This inspection has no open follow-up."))
    note = _clean(note, 1000)
    if not note:
        raise ValidationError({"note": _("Say what the follow-up found.")})
    inspection.followup_closed_at = now or timezone.now()
    inspection.followup_note = note
    inspection.followup_closed_by = actor
    inspection.save(update_fields=["followup_closed_at", "followup_note", "followup_closed_by"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        target=inspection,
        changes={"followup": ["open", "closed"]},
        note=note[:200],
    )
    return inspection
