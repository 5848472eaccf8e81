"""Writes for duty: posts and their staffing, the register of people, shifts, who is on
them, and check-in and check-out.

Every write takes the actor, checks the permission where the record hangs and writes
its audit entry in the same transaction. A double booking (the same person on two
overlapping shifts, anywhere) is refused at assignment unless the manager says it is
meant (``overlap_ok``): then it is kept, audited, and shown as a double booking on every
coverage view until it is resolved.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import Assignment, User
from fangkong.checkpoints.models import Checkpoint
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.core.text import drop_controls
from fangkong.duty.models import (
    CHECK_IN_EARLY,
    HOURS,
    MAX_SHIFT,
    MAX_STAFF,
    DutyAssignment,
    DutyPerson,
    PersonKind,
    Post,
    PostKind,
    Shift,
    Skill,
)
from fangkong.duty.selectors import clashes_of
from fangkong.orgunits.models import OrgUnit
from fangkong.people.services import phone_key
from fangkong.tips.services import normalize_phone

NAME_MAX, PLACE_MAX, NOTE_MAX = 100, 200, 200
MAX_REPEAT = 14
PERSON_FIELDS = ("name", "kind", "phone", "skills", "user", "active", "note")
POST_FIELDS = ("name", "kind", "checkpoint", "place", "staffing", "active")


def _require(actor: User, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


def _clean(value: str, limit: int) -> str:
    return drop_controls(value or "").strip()[:limit]


# --- staffing: 24 numbers, typed as ranges -------------------------------------------

_RANGE = re.compile(r"^(\d{1,2})\s*-\s*(\d{1,2})\s*[:=]\s*(\d{1,3})$")
_SEPARATORS = re.compile(r"[,;，；、\n]+")


def parse_staffing(text: str) -> list[int]:
    """People needed per hour, from ranges ("0-8:2, 8-20:3, 20-24:2": hours from 0 to 24,
    the end excluded; hours not named need nobody) or from 24 numbers ("2,2,…,2")."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        raise ValidationError(_("Say how many people are needed, e.g. 0-8:2, 8-20:3, 20-24:2."))
    parts = [p.strip() for p in _SEPARATORS.split(text) if p.strip()]
    if all(p.isdigit() for p in parts):
        if len(parts) != HOURS:
            raise ValidationError(
                _("Give 24 numbers, one per hour, or ranges such as 8-20:3; %(n)d numbers given.")
                % {"n": len(parts)}
            )
        hours = [int(p) for p in parts]
    else:
        hours = [0] * HOURS
        for part in parts:
            found = _RANGE.match(part)
            if found is None:
                raise ValidationError(
                    _("“%(part)s” is not a range: write start-end:people, e.g. 8-20:3.")
                    % {"part": part}
                )
            start, end, n = (int(g) for g in found.groups())
            if not 0 <= start < end <= HOURS:
                raise ValidationError(
                    _("“%(part)s”: hours run from 0 to 24, the start before the end.")
                    % {"part": part}
                )
            for h in range(start, end):
                hours[h] = n
    if any(n > MAX_STAFF for n in hours):
        raise ValidationError(_("At most %(n)d people per hour.") % {"n": MAX_STAFF})
    return hours


def format_staffing(hours: list[int]) -> str:
    """The shortest ranges for 24 numbers: [2]*8 + [3]*12 + [2]*4 -> "0-8:2, 8-20:3, 20-24:2"
    (hours needing nobody are left out)."""
    out, start = [], 0
    for h in range(1, HOURS + 1):
        if h == HOURS or hours[h] != hours[start]:
            if hours[start]:
                out.append(f"{start}-{h}:{hours[start]}")
            start = h
    return ", ".join(out)


def store_staffing(hours: list[int]) -> str:
    if len(hours) != HOURS or any(not 0 <= n <= MAX_STAFF for n in hours):
        raise ValidationError(_("Give the people needed for each of the 24 hours."))
    return ",".join(str(n) for n in hours)


# --- posts ---------------------------------------------------------------------------


def _post_checked(unit: OrgUnit, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = _clean(values.get("name", ""), NAME_MAX)
    if not name:
        errors["name"] = _("Give the post a name.")
    if values.get("kind") not in PostKind.values:
        errors["kind"] = _("Choose the kind of post.")
    checkpoint: Checkpoint | None = values.get("checkpoint")
    if checkpoint is not None and not checkpoint.org_path.startswith(unit.path):
        errors["checkpoint"] = _("The checkpoint must belong to the post's unit or a unit below.")
    try:
        staffing = store_staffing(list(values.get("staffing") or []))
    except ValidationError as error:
        errors["staffing"] = error.messages[0]
        staffing = ""
    if errors:
        raise ValidationError(errors)
    return {**values, "name": name, "place": _clean(values.get("place", ""), PLACE_MAX),
            "staffing": staffing}  # fmt: skip


@transaction.atomic
def post_create(
    *,
    actor: User,
    unit: OrgUnit,
    name: str,
    kind: str,
    staffing: list[int],
    checkpoint: Checkpoint | None = None,
    place: str = "",
    active: bool = True,
) -> Post:
    _require(actor, Perm.MANAGE_DUTY, unit.path)
    data = _post_checked(unit, {"name": name, "kind": kind, "staffing": staffing,
                                "checkpoint": checkpoint, "place": place})  # fmt: skip
    if Post.objects.filter(unit=unit, name=data["name"]).exists():
        raise ValidationError({"name": _("This unit already has a post of this name.")})
    post = Post.objects.create(unit=unit, org_path=unit.path, active=active, **data)
    audit.record(actor=actor, action=audit.Action.CREATE, target=post,
                 changes={"kind": kind, "staffing": post.staffing})  # fmt: skip
    return post


@transaction.atomic
def post_update(*, actor: User, post: Post, **values: Any) -> Post:
    """Change a post's name, kind, checkpoint, place, staffing or service (not its unit:
    its shifts hang there)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _require(actor, Perm.MANAGE_DUTY, post.org_path)
    unknown = set(values) - set(POST_FIELDS)
    if unknown:
        raise ValueError(f"not a post field: {sorted(unknown)}")
    before = audit.snapshot(post, POST_FIELDS)
    merged = {f: getattr(post, f) for f in POST_FIELDS}
    merged["staffing"] = post.needed
    merged.update(values)
    data = _post_checked(post.unit, merged)
    if Post.objects.filter(unit=post.unit_id, name=data["name"]).exclude(pk=post.pk).exists():
        raise ValidationError({"name": _("This unit already has a post of this name.")})
    for f in POST_FIELDS:
        setattr(post, f, data[f])
    post.save()
    changes = audit.changed_fields(before, audit.snapshot(post, POST_FIELDS))
    if changes:
        audit.record(actor=actor, action=audit.Action.UPDATE, target=post, changes=changes)
    return post


# --- the register --------------------------------------------------------------------


def _user_in_scope(actor: User, username: str) -> User:
    """A user account the actor may link: one with a role somewhere the actor runs duty."""
    user = User.objects.filter(username=username.strip()).first()
    roots = scope_roots(actor, Perm.MANAGE_DUTY)
    if user is not None and roots is not None:
        paths = Assignment.objects.filter(user=user).values_list("org_path", flat=True)
        if not any(p.startswith(r) for p in paths for r in roots):
            user = None
    if user is None:
        raise ValidationError({"user": _("No user in your area has this user name.")})
    return user


def _person_checked(actor: User, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    name = _clean(values.get("name", ""), 50)
    if not name:
        errors["name"] = _("Give the person's name.")
    if values.get("kind") not in PersonKind.values:
        errors["kind"] = _("Choose what the person is: staff, party member or volunteer.")
    phone = ""
    try:
        phone = normalize_phone(values.get("phone", ""))
    except ValidationError as error:
        errors["phone"] = error.messages[0]
    skills = [s for s in (values.get("skills") or []) if s]
    if any(s not in Skill.values for s in skills):
        errors["skills"] = _("Choose skills from the list.")
    user = values.get("user")
    if isinstance(user, str):
        try:
            user = _user_in_scope(actor, user) if user.strip() else None
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return {
        "name": name, "kind": values["kind"], "phone": phone, "phone_key": phone_key(phone),
        "skills": ",".join(s for s in Skill.values if s in skills), "user": user,
        "active": bool(values.get("active", True)),
        "note": _clean(values.get("note", ""), NOTE_MAX),
    }  # fmt: skip


def _save_person(person: DutyPerson) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        if (
            person.user_id
            and DutyPerson.objects.filter(user=person.user_id).exclude(pk=person.pk).exists()
        ):
            raise ValidationError(
                {"user": _("This user account is already linked to someone on the register.")}
            ) from None
        raise


@transaction.atomic
def person_create(*, actor: User, unit: OrgUnit, **values: Any) -> DutyPerson:
    _require(actor, Perm.MANAGE_DUTY, unit.path)
    data = _person_checked(actor, values)
    person = DutyPerson(unit=unit, org_path=unit.path, **data)
    _save_person(person)
    audit.record(actor=actor, action=audit.Action.CREATE, target=person,
                 changes={"kind": person.kind, "skills": person.skills})  # fmt: skip
    return person


@transaction.atomic
def person_update(*, actor: User, person: DutyPerson, **values: Any) -> DutyPerson:
    person = DutyPerson.objects.select_for_update().get(pk=person.pk)
    _require(actor, Perm.MANAGE_DUTY, person.org_path)
    merged: dict[str, Any] = {f: getattr(person, f) for f in PERSON_FIELDS}
    merged["skills"] = person.skill_list
    merged.update(values)
    data = _person_checked(actor, merged)
    tracked = ("name", "kind", "skills", "user", "active", "note")
    before = audit.snapshot(person, tracked)
    phone_changed = data["phone"] != person.phone
    for f, v in data.items():
        setattr(person, f, v)
    _save_person(person)
    changes: dict[str, Any] = audit.changed_fields(before, audit.snapshot(person, tracked))
    if phone_changed:
        changes["phone"] = "changed"  # never the number itself
    if changes:
        audit.record(actor=actor, action=audit.Action.UPDATE, target=person, changes=changes)
    return person


def person_reveal_phone(*, actor: User, person: DutyPerson) -> str:
    """The phone in full, for those who check people in (to call a no-show); audited."""
    _require(actor, Perm.RECORD_DUTY, person.org_path)
    audit.record(actor=actor, action=audit.Action.REVEAL, target=person,
                 changes={"field": "phone"})  # fmt: skip
    return person.phone


# --- shifts and assignments ----------------------------------------------------------


@transaction.atomic
def shift_create(
    *,
    actor: User,
    post: Post,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
    repeat_days: int = 1,
) -> list[Shift]:
    """A shift at the post, and the same hours on the following days when ``repeat_days``
    is more than one (the roster of a week in one step)."""
    _require(actor, Perm.MANAGE_DUTY, post.org_path)
    if not post.active:
        raise ValidationError(_("This post is out of service."))
    if ends_at <= starts_at:
        raise ValidationError({"ends": _("A shift ends after it starts.")})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends": _("A shift lasts at most 24 hours.")})
    if not 1 <= repeat_days <= MAX_REPEAT:
        raise ValidationError({"repeat_days": _("Repeat on 1 to %(n)d days.") % {"n": MAX_REPEAT}})
    zone = timezone.get_current_timezone()
    start, end = timezone.localtime(starts_at, zone), timezone.localtime(ends_at, zone)
    made = []
    note = _clean(note, NOTE_MAX)
    for n in range(repeat_days):
        # The same wall-clock times on each day (the zone may change its offset).
        s = timezone.make_aware(start.replace(tzinfo=None) + timedelta(days=n), zone)
        e = timezone.make_aware(end.replace(tzinfo=None) + timedelta(days=n), zone)
        made.append(Shift.objects.create(post=post, org_path=post.org_path, starts_at=s,
                                         ends_at=e, note=note, created_by=actor))  # fmt: skip
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=made[0],
        changes={"post": str(post), "starts_at": str(made[0].starts_at),
                 "ends_at": str(made[0].ends_at), "days": repeat_days},
    )  # fmt: skip
    return made


@transaction.atomic
def shift_delete(*, actor: User, shift: Shift) -> None:
    """Removed with its assignments, unless someone has checked in on it (that is a
    record of who stood the post)."""
    shift = Shift.objects.select_for_update().select_related("post").get(pk=shift.pk)
    _require(actor, Perm.MANAGE_DUTY, shift.org_path)
    if shift.assignments.filter(checked_in_at__isnull=False).exists():
        raise ValidationError(_("Someone has checked in on this shift: it is kept."))
    audit.record(
        actor=actor, action=audit.Action.DELETE, target=shift,
        changes={"post": str(shift.post), "starts_at": str(shift.starts_at),
                 "people": shift.assignments.count()},
    )  # fmt: skip
    shift.delete()


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@dataclass(frozen=True)
class Clash:
    """The other assignment that an assignment would overlap."""

    post: str  # its post's name, or "another post" when the actor may not see it
    starts_at: datetime
    ends_at: datetime


def describe(actor: User, found: list[DutyAssignment]) -> list[Clash]:
    return [
        Clash(a.post.name if has_perm_at(actor, Perm.VIEW_DUTY, a.org_path) else _("another post"),
              a.starts_at, a.ends_at)
        for a in found
    ]  # fmt: skip


DOUBLE_BOOKING = "double_booking"


def is_double_booking(error: ValidationError) -> bool:
    """Was the assignment refused because it would double-book the person?"""
    found = getattr(error, "error_dict", {}).values()
    return any(e.code == DOUBLE_BOOKING for errors in found for e in errors)


@transaction.atomic
def assign(
    *, actor: User, shift: Shift, person: DutyPerson, overlap_ok: bool = False
) -> DutyAssignment:
    """Put a person on a shift. A person already on another shift at an overlapping time
    (at any post) is refused, naming that shift, unless ``overlap_ok``."""
    shift = Shift.objects.select_related("post").get(pk=shift.pk)
    _require(actor, Perm.MANAGE_DUTY, shift.org_path)
    # The person's row, locked: two managers assigning the same person at once see each
    # other's assignment, and the second one is refused.
    person = DutyPerson.objects.select_for_update().get(pk=person.pk)
    if not has_perm_at(actor, Perm.VIEW_DUTY, person.org_path):
        raise ValidationError({"person": _("Choose someone from the register of your area.")})
    if not person.active:
        raise ValidationError({"person": _("%(name)s is marked as not available.")
                                         % {"name": person.name}})  # fmt: skip
    if shift.assignments.filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s is already on this shift.")
                                         % {"name": person.name}})  # fmt: skip
    found = clashes_of(person, shift.starts_at, shift.ends_at)
    if found and not overlap_ok:
        first = describe(actor, found)[0]
        message = _(
            "Double booking: %(name)s is on duty at %(post)s from %(start)s to %(end)s. Choose "
            "someone else, or tick “assign anyway”."
        ) % {"name": person.name, "post": first.post, "start": _when(first.starts_at),
             "end": _when(first.ends_at)}  # fmt: skip
        raise ValidationError({"person": ValidationError(message, code=DOUBLE_BOOKING)})
    made = DutyAssignment.objects.create(
        shift=shift, post=shift.post, person=person, org_path=shift.org_path,
        starts_at=shift.starts_at, ends_at=shift.ends_at, overlap_ok=bool(found),
        assigned_by=actor,
    )  # fmt: skip
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=made,
        changes={"person": person.name, "post": str(shift.post),
                 "starts_at": str(shift.starts_at), "double_booking": bool(found)},
    )  # fmt: skip
    return made


@transaction.atomic
def unassign(*, actor: User, assignment: DutyAssignment) -> None:
    assignment = DutyAssignment.objects.select_for_update().get(pk=assignment.pk)
    _require(actor, Perm.MANAGE_DUTY, assignment.org_path)
    if assignment.checked_in_at is not None:
        raise ValidationError(_("This person has checked in: the assignment is kept."))
    audit.record(
        actor=actor,
        action=audit.Action.DELETE,
        target=assignment,
        changes={"person": str(assignment.person), "shift": assignment.shift_id},
    )
    assignment.delete()


def may_check(actor: User, assignment: DutyAssignment) -> bool:
    """The person themself (through their user account), or anyone who records duty at
    the post."""
    own = assignment.person.user_id is not None and assignment.person.user_id == actor.pk
    return own or has_perm_at(actor, Perm.RECORD_DUTY, assignment.org_path)


@transaction.atomic
def check_in(
    *, actor: User, assignment: DutyAssignment, now: datetime | None = None
) -> DutyAssignment:
    assignment = (
        DutyAssignment.objects.select_for_update().select_related("person").get(pk=assignment.pk)
    )
    if not may_check(actor, assignment):
        raise PermissionDenied(_("You may not do this here."))
    now = now or timezone.now()
    if assignment.checked_in_at is not None:
        raise ValidationError(_("Already checked in at %(time)s.")
                              % {"time": _when(assignment.checked_in_at)})  # fmt: skip
    if now < assignment.starts_at - CHECK_IN_EARLY:
        raise ValidationError(_("Too early: check-in opens two hours before the shift."))
    if now >= assignment.ends_at:
        raise ValidationError(_("The shift is over: it can no longer be checked in."))
    assignment.checked_in_at, assignment.checked_in_by = now, actor
    assignment.save(update_fields=["checked_in_at", "checked_in_by"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        target=assignment,
        changes={"checked_in_at": str(now), "late": assignment.late_at(now)},
    )
    return assignment


@transaction.atomic
def check_out(
    *, actor: User, assignment: DutyAssignment, now: datetime | None = None
) -> DutyAssignment:
    assignment = (
        DutyAssignment.objects.select_for_update().select_related("person").get(pk=assignment.pk)
    )
    if not may_check(actor, assignment):
        raise PermissionDenied(_("You may not do this here."))
    now = now or timezone.now()
    if assignment.checked_in_at is None:
        raise ValidationError(_("Check in first."))
    if assignment.checked_out_at is not None:
        raise ValidationError(_("Already checked out at %(time)s.")
                              % {"time": _when(assignment.checked_out_at)})  # fmt: skip
    if now < assignment.checked_in_at:
        raise ValidationError(_("The check-out cannot come before the check-in."))
    assignment.checked_out_at, assignment.checked_out_by = now, actor
    assignment.save(update_fields=["checked_out_at", "checked_out_by"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        target=assignment,
        changes={"checked_out_at": str(now)},
    )
    return assignment
