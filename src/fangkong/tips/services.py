"""Writes for tips: received (public form or hotline), triaged to a unit, worked on,
resolved or rejected, and a contact revealed.

Every staff write takes the actor, locks the tip, checks the permission where the tip
hangs and the step against ``models.TRANSITIONS``, and writes its log line and audit
entry in the same transaction. The public form goes through ``tips.public``, which
counts it for the rate limit before it comes here.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

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
from fangkong.people.phones import normalize_mobile
from fangkong.people.services import phone_key
from fangkong.tips.models import (
    DEFAULT_DUE_HOURS,
    Category,
    Channel,
    Outcome,
    State,
    Tip,
    TipLog,
)

# 30 characters: no 0/O or 1/I to misread, and no S or Z, which handwriting turns into
# 5 and 2. Eight of them: 30^8 ≈ 6.6 × 10^11 codes, so guessing one is hopeless.
ALPHABET = "ABCDEFGHJKLMNPQRTUVWXY23456789"
CODE_LENGTH = 8
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_CODE_SEPARATORS = re.compile(r"[\s\-_.·—]+")

PLACE_MAX, TEXT_MAX, NAME_MAX = 200, 2000, 50
DUE_HOURS_MAX = 30 * 24
SECRET_FIELDS = frozenset({"contact_name", "contact_phone"})

_PHONE_SEPARATORS = re.compile(r"[\s\-.()（）·/]+")
# A landline with its area code (0531-88880000), or a local number of 7 or 8 digits.
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}[0-9]{7,8}|[2-9][0-9]{6,7}")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: object) -> str:
    """The code as stored, from what a person typed ("abcd-efgh", full-width letters, a
    space in the middle); "" for anything that cannot be a code."""
    text = unicodedata.normalize("NFKC", str(raw or "")).upper()
    text = _CODE_SEPARATORS.sub("", text)
    return text if _CODE.fullmatch(text) else ""


def format_code(code: str) -> str:
    """ "ABCDEFGH" -> "ABCD-EFGH", easier to read out on the phone."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def normalize_phone(raw: object) -> str:
    """A mainland mobile number, or a landline (with or without its area code)."""
    text = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or "")).strip())
    if not text:
        return ""
    if text.startswith(("1", "+")) or (text.startswith(("0086", "86")) and len(text) >= 13):
        return normalize_mobile(text)
    if _LANDLINE.fullmatch(text):
        return text
    raise ValidationError(
        _("Enter a mobile number (11 digits) or a landline with its area code."),
        code="phone",
    )


def _require(actor: User, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


def _clean(value: str, limit: int) -> str:
    return drop_controls(value or "").strip()[:limit]


@dataclass(frozen=True)
class Report:
    """What a reporter tells: on the public form, or to the hotline operator."""

    category: str
    place: str
    text: str
    anonymous: bool = False
    contact_name: str = ""
    contact_phone: str = ""


def _checked(report: Report) -> Report:
    errors: dict[str, str] = {}
    if report.category not in Category.values:
        errors["category"] = _("Choose what the tip is about.")
    place, text = _clean(report.place, PLACE_MAX), _clean(report.text, TEXT_MAX)
    if not place:
        errors["place"] = _("Say where it is.")
    if not text:
        errors["text"] = _("Say what you saw or heard.")
    name, phone = "", ""
    if not report.anonymous:
        name = _clean(report.contact_name, NAME_MAX)
        try:
            phone = normalize_phone(report.contact_phone)
        except ValidationError as error:
            errors["contact_phone"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    # Nothing to reach the reporter by is an anonymous tip, whatever the box said.
    anonymous = report.anonymous or not (name or phone)
    return Report(report.category, place, text, anonymous, name, phone)


def _log(tip: Tip, before: str, actor: User | None, note: str = "", at: datetime | None = None):  # type: ignore[no-untyped-def]
    TipLog.objects.create(
        tip=tip, before=before, after=tip.state, unit=tip.unit, note=note, by=actor,
        at=at or timezone.now(),
    )  # fmt: skip


def _create(
    report: Report, *, desk: OrgUnit, channel: str, actor: User | None, now: datetime
) -> Tip:
    report = _checked(report)
    tip = Tip(
        org_path=desk.path, desk=desk, channel=channel, category=report.category,
        place=report.place, text=report.text, anonymous=report.anonymous,
        contact_name=report.contact_name, contact_phone=report.contact_phone,
        phone_key=phone_key(report.contact_phone), received_at=now, created_by=actor,
    )  # fmt: skip
    for _attempt in range(5):
        tip.code = new_code()
        try:
            with transaction.atomic():
                tip.save()
        except IntegrityError:
            # A code drawn twice (one in 10^11): draw again; anything else is a real error.
            if not Tip.objects.filter(code=tip.code).exists():
                raise
            tip.pk = None
            continue
        break
    else:  # pragma: no cover - five collisions in a row would mean a broken generator
        raise RuntimeError("no free receipt code")
    _log(tip, "", actor, at=now)
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=tip,
        changes={"channel": channel, "category": tip.category, "anonymous": tip.anonymous},
    )  # fmt: skip
    return tip


@transaction.atomic
def tip_submit(*, district: OrgUnit, report: Report, now: datetime | None = None) -> Tip:
    """A tip from the public form, waiting at the district for triage (no actor: the
    caller, ``tips.public``, has counted it for the rate limit)."""
    if district.parent_id is not None:
        raise ValidationError(_("Tips from the public are received by the district."))
    return _create(
        report, desk=district, channel=Channel.PUBLIC, actor=None, now=now or timezone.now()
    )


@transaction.atomic
def tip_record(
    *,
    actor: User,
    desk: OrgUnit,
    report: Report,
    assign_to: OrgUnit | None = None,
    due_hours: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Tip:
    """A tip taken on the hotline, received at the operator's unit; an operator who may
    triage can assign it at once."""
    _require(actor, Perm.HANDLE_TIPS, desk.path)
    now = now or timezone.now()
    tip = _create(report, desk=desk, channel=Channel.HOTLINE, actor=actor, now=now)
    if assign_to is not None:
        tip = tip_triage(
            actor=actor, tip=tip, unit=assign_to, due_hours=due_hours, note=note, now=now
        )
    return tip


def _lock(tip: Tip) -> Tip:
    return Tip.objects.select_for_update(of=("self",)).select_related("unit").get(pk=tip.pk)


def _step(tip: Tip, to: str) -> None:
    if not tip.may_become(to):
        raise ValidationError(
            _("This tip is “%(state)s”: that step is not possible now.")
            % {"state": tip.get_state_display()},
            code="transition",
        )


def _changed(actor: User, tip: Tip, before: str, changes: dict[str, object], note: str) -> None:
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=tip,
        changes={"state": [before, tip.state], **changes}, note=note[:200],
    )  # fmt: skip


def due_hours_for(category: str) -> int:
    return DEFAULT_DUE_HOURS.get(category, DEFAULT_DUE_HOURS[Category.OTHER])


@transaction.atomic
def tip_triage(
    *,
    actor: User,
    tip: Tip,
    unit: OrgUnit,
    due_hours: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Tip:
    """Assign the tip to a unit, with a due time (the category's default unless given);
    an assigned tip may be passed on to another unit, keeping its due time."""
    tip = _lock(tip)
    _require(actor, Perm.TRIAGE_TIPS, tip.org_path)
    _step(tip, State.TRIAGED)
    if not has_perm_at(actor, Perm.TRIAGE_TIPS, unit.path):
        raise ValidationError({"unit": _("You may assign tips only to units in your area.")})
    if tip.unit_id == unit.pk:
        raise ValidationError({"unit": _("The tip is already assigned to this unit.")})
    now = now or timezone.now()
    before, old_unit = tip.state, tip.unit
    if tip.state == State.NEW:
        hours = due_hours if due_hours is not None else due_hours_for(tip.category)
        if not 1 <= hours <= DUE_HOURS_MAX:
            raise ValidationError(
                {"due_hours": _("Give between 1 and %(max)d hours.") % {"max": DUE_HOURS_MAX}}
            )
        tip.triaged_at = now
        tip.due_at = now + timedelta(hours=hours)
    tip.state = State.TRIAGED
    tip.unit = unit
    tip.org_path = unit.path
    tip.save(update_fields=["state", "unit", "org_path", "triaged_at", "due_at"])
    note = _clean(note, 1000)
    _log(tip, before, actor, note, at=now)
    _changed(actor, tip, before, {"unit": [str(old_unit or ""), str(unit)]}, note)
    # Still within the actor's reach where it now hangs (it is, by the checks above).
    _require(actor, Perm.TRIAGE_TIPS, tip.org_path)
    return tip


@transaction.atomic
def tip_reject(*, actor: User, tip: Tip, reason: str, now: datetime | None = None) -> Tip:
    """Not a tip (spam, a prank, an advertisement): closed with the reason, for staff."""
    tip = _lock(tip)
    _require(actor, Perm.TRIAGE_TIPS, tip.org_path)
    _step(tip, State.REJECTED)
    reason = _clean(reason, 1000)
    if not reason:
        raise ValidationError({"reason": _("Say why the tip is rejected.")})
    now = now or timezone.now()
    before = tip.state
    tip.state, tip.closed_at, tip.resolution = State.REJECTED, now, reason
    tip.save(update_fields=["state", "closed_at", "resolution"])
    _log(tip, before, actor, reason, at=now)
    _changed(actor, tip, before, {}, reason)
    return tip


@transaction.atomic
def tip_start(*, actor: User, tip: Tip, note: str = "", now: datetime | None = None) -> Tip:
    """The unit has begun: someone is on the way, or on the phone."""
    tip = _lock(tip)
    _require(actor, Perm.HANDLE_TIPS, tip.org_path)
    _step(tip, State.IN_PROGRESS)
    now = now or timezone.now()
    before = tip.state
    tip.state = State.IN_PROGRESS
    tip.started_at = tip.started_at or now
    tip.save(update_fields=["state", "started_at"])
    note = _clean(note, 1000)
    _log(tip, before, actor, note, at=now)
    _changed(actor, tip, before, {}, note)
    return tip


@transaction.atomic
def tip_resolve(
    *,
    actor: User,
    tip: Tip,
    outcome: str,
    note: str,
    public_reply: str = "",
    now: datetime | None = None,
) -> Tip:
    """Done: what was found (for staff) and, apart from it, what the reporter may read."""
    tip = _lock(tip)
    _require(actor, Perm.HANDLE_TIPS, tip.org_path)
    _step(tip, State.RESOLVED)
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    note = _clean(note, TEXT_MAX)
    if not note:
        errors["note"] = _("Say what was found and done.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    before = tip.state
    tip.state, tip.outcome, tip.closed_at = State.RESOLVED, outcome, now
    tip.resolution, tip.public_reply = note, _clean(public_reply, 1000)
    tip.save(update_fields=["state", "outcome", "closed_at", "resolution", "public_reply"])
    _log(tip, before, actor, note, at=now)
    _changed(actor, tip, before, {"outcome": outcome}, "")
    return tip


def tip_reveal(*, actor: User, tip: Tip, field: str) -> str:
    """The reporter's name or phone in full, for a role that may see it; audited."""
    if field not in SECRET_FIELDS:
        raise ValueError(field)
    _require(actor, Perm.REVEAL_PERSONAL, tip.org_path)
    audit.record(actor=actor, action=audit.Action.REVEAL, target=tip, changes={"field": field})
    return str(getattr(tip, field))
