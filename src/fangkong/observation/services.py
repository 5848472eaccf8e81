"""Writes for observation: start, correct, move, follow up, refer, release, cancel.

Every write takes the actor, checks the permission at the record's unit, and
writes its log line and audit entry in the same transaction. Rooms are locked
before their occupancy changes, so that no room takes more people than it has beds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.observation import rules
from fangkong.observation.models import (
    OPEN_STATES,
    FollowUp,
    Kind,
    LogEntry,
    LogKind,
    Method,
    NoticeCounter,
    Observation,
    Reason,
    Referral,
    ReferralOutcome,
    Role,
    Room,
    Site,
    State,
    TeamMember,
)
from fangkong.people import risk
from fangkong.people.models import Person, Policy
from fangkong.screening.models import Symptom


def _require(actor: User, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _log(
    observation: Observation, kind: str, text: str, actor: User | None, at: datetime | None = None
) -> None:
    LogEntry.objects.create(
        observation=observation, kind=kind, text=text, by=actor, org_path=observation.org_path,
        at=at or timezone.now(),
    )  # fmt: skip


@dataclass(frozen=True)
class Member:
    role: str
    name: str
    phone: str = ""
    lead: bool = False


def _check_team(team: list[Member]) -> list[Member]:
    team = [m for m in team if m.name.strip()]
    if not team:
        raise ValidationError({"team": _("Name at least the lead of the responsibility team.")})
    if sum(1 for m in team if m.lead) != 1:
        raise ValidationError({"team": _("Mark exactly one member of the team as the lead.")})
    for m in team:
        if m.role not in Role.values:
            raise ValidationError({"team": _("Choose each member's role.")})
    return team


def _period(path: str, last_exposure: date) -> tuple[Policy, date]:
    policy = risk.policy_on(path, last_exposure)
    return policy, rules.planned_end(last_exposure, policy.observation_days)


def _lay_out_slots(observation: Observation, *, since: datetime) -> int:
    """The follow-up slots from the start to the planned end not laid out yet."""
    policy = risk.policy_on(observation.org_path, timezone.localdate())
    have = set(observation.followups.values_list("day", "slot"))
    new = [
        FollowUp(
            observation=observation,
            org_path=observation.org_path,
            day=s.day,
            slot=s.index,
            opens_at=s.opens_at,
            closes_at=s.closes_at,
        )
        for s in rules.slots(
            first=observation.starts_on,
            last=observation.planned_end,
            times=policy.slot_times,
            zone=timezone.get_default_timezone(),
            not_before=since,
        )
        if (s.day, s.index) not in have
    ]
    FollowUp.objects.bulk_create(new)
    return len(new)


def _drop_slots_after(observation: Observation, moment: datetime) -> None:
    """Slots not recorded and still open at ``moment`` are no longer owed; those already
    missed stay, as the record of what was missed."""
    observation.followups.filter(recorded_at__isnull=True, closes_at__gt=moment).delete()


def _take_room(room: Room) -> Room:
    room = Room.objects.select_for_update().select_related("site").get(pk=room.pk)
    if not room.active or not room.site.active:
        raise ValidationError({"room": _("This room is not in use.")})
    if room.occupied >= room.beds:
        raise ValidationError({"room": _("Room %(room)s is full.") % {"room": room.number}})
    Room.objects.filter(pk=room.pk).update(occupied=F("occupied") + 1)
    room.occupied += 1
    return room


def _free_room(observation: Observation) -> None:
    if observation.room_id is not None:
        Room.objects.select_for_update().filter(pk=observation.room_id).update(
            occupied=F("occupied") - 1
        )


def _place(
    actor: User, kind: str, site: Site | None, room: Room | None
) -> tuple[Site | None, Room | None]:
    if kind == Kind.HOME:
        return None, None
    if site is None:
        raise ValidationError({"site": _("Choose the isolation site.")})
    if room is not None and room.site_id != site.pk:
        raise ValidationError({"room": _("This room is not in the chosen site.")})
    from fangkong.observation.selectors import sites_serving

    if not sites_serving(actor).filter(pk=site.pk).exists():
        raise ValidationError({"site": _("No isolation site with this id serves your area.")})
    if room is not None:
        room = _take_room(room)
    return site, room


@transaction.atomic
def observation_start(
    *,
    actor: User,
    person: Person,
    kind: str,
    reason: str,
    last_exposure: date,
    team: Iterable[Member],
    site: Site | None = None,
    room: Room | None = None,
    note: str = "",
    source: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Observation:
    """Put ``person`` under observation, from the record in ``source`` (a hand-off, a
    visit member or a journey) when there is one, with its follow-up slots laid out."""
    _require(actor, Perm.MANAGE_OBSERVATION, person.org_path)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose home or centralized observation.")})
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choose the reason.")})
    if last_exposure > today:
        raise ValidationError({"last_exposure": _("The last exposure cannot be in the future.")})
    members = _check_team(list(team))
    policy, end = _period(person.org_path, last_exposure)
    if end < today:
        raise ValidationError(
            {
                "last_exposure": _(
                    "The observation period after this exposure already ended on %(end)s."
                )
                % {"end": _day(end)}
            }
        )
    if Observation.objects.filter(person=person, state__in=OPEN_STATES).exists():
        raise ValidationError(_("%(name)s is already under observation.") % {"name": person})
    site, room = _place(actor, kind, site, room)
    observation = Observation(
        person=person, unit_id=person.unit_id, org_path=person.org_path, kind=kind, site=site,
        room=room, reason=reason, last_exposure=last_exposure, starts_on=today,
        planned_end=end, days=policy.observation_days,
        policy_from=policy.effective_from if policy.pk else None, note=note.strip(),
        created_by=actor, **(source or {}),
    )  # fmt: skip
    try:
        with transaction.atomic():
            observation.save()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is already under observation.") % {"name": person}
        ) from None
    TeamMember.objects.bulk_create(
        TeamMember(
            observation=observation,
            org_path=observation.org_path,
            role=m.role,
            name=m.name.strip()[:50],
            phone=m.phone.strip(),
            lead=m.lead,
        )
        for m in members
    )
    _lay_out_slots(observation, since=now)
    policy_text = _day(policy.effective_from) if policy.pk else _("default")
    _log(
        observation,
        LogKind.STARTED,
        _(
            "%(kind)s for %(days)d days after the exposure of %(exposure)s (policy of "
            "%(policy)s): until %(end)s."
        )
        % {
            "kind": observation.get_kind_display(),
            "days": policy.observation_days,
            "exposure": _day(last_exposure),
            "policy": policy_text,
            "end": _day(end),
        },
        actor,
        now,
    )
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=observation,
        changes={"person": person.pk, "kind": kind, "planned_end": end.isoformat()},
    )  # fmt: skip
    return observation


def _lock(actor: User, perm: Perm, observation: Observation) -> Observation:
    locked = Observation.objects.select_for_update().get(pk=observation.pk)
    _require(actor, perm, locked.org_path)
    return locked


def _lock_open(actor: User, perm: Perm, observation: Observation) -> Observation:
    locked = _lock(actor, perm, observation)
    if locked.state not in OPEN_STATES:
        raise ValidationError(_("This observation has ended."))
    return locked


@transaction.atomic
def observation_correct_exposure(
    *, actor: User, observation: Observation, last_exposure: date, note: str
) -> Observation:
    """A corrected exposure date moves the planned end; the reason is kept in the log."""
    observation = _lock_open(actor, Perm.MANAGE_OBSERVATION, observation)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say why the date changes.")})
    if last_exposure > timezone.localdate():
        raise ValidationError({"last_exposure": _("The last exposure cannot be in the future.")})
    if last_exposure == observation.last_exposure:
        raise ValidationError({"last_exposure": _("This is already the date.")})
    policy, end = _period(observation.org_path, last_exposure)
    before = (observation.last_exposure, observation.planned_end)
    observation.last_exposure = last_exposure
    observation.planned_end = end
    observation.days = policy.observation_days
    observation.policy_from = policy.effective_from if policy.pk else None
    observation.save(update_fields=["last_exposure", "planned_end", "days", "policy_from"])
    observation.followups.filter(recorded_at__isnull=True, day__gt=end).delete()
    _lay_out_slots(observation, since=timezone.now())
    policy_text = _day(policy.effective_from) if policy.pk else _("default")
    _log(
        observation,
        LogKind.EXPOSURE,
        _(
            "Last exposure %(old)s → %(new)s; planned end %(old_end)s → %(end)s (policy of "
            "%(policy)s, %(days)d days). %(note)s"
        )
        % {
            "old": _day(before[0]),
            "new": _day(last_exposure),
            "old_end": _day(before[1]),
            "end": _day(end),
            "policy": policy_text,
            "days": policy.observation_days,
            "note": note,
        },
        actor,
    )
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=observation,
        changes={"last_exposure": [before[0].isoformat(), last_exposure.isoformat()],
                 "planned_end": [before[1].isoformat(), end.isoformat()]},
        note=note,
    )  # fmt: skip
    return observation


@transaction.atomic
def observation_move(
    *,
    actor: User,
    observation: Observation,
    kind: str,
    site: Site | None = None,
    room: Room | None = None,
    note: str = "",
) -> Observation:
    """From home to a site, between rooms, or back home."""
    observation = _lock_open(actor, Perm.MANAGE_OBSERVATION, observation)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose home or centralized observation.")})
    if (kind, site and site.pk, room and room.pk) == (
        observation.kind,
        observation.site_id,
        observation.room_id,
    ):
        raise ValidationError(_("Nothing changes."))
    before = str(observation.room or observation.site or observation.get_kind_display())
    # Both rooms locked in one order, so that two moves the other way round cannot deadlock.
    ids = sorted(i for i in (observation.room_id, room.pk if room else None) if i)
    list(Room.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    _free_room(observation)
    observation.site, observation.room = _place(actor, kind, site, room)
    observation.kind = kind
    observation.save(update_fields=["kind", "site", "room"])
    after = " ".join(str(x) for x in (observation.site, observation.room) if x) or str(
        observation.get_kind_display()
    )
    _log(observation, LogKind.MOVED, f"{before} → {after}. {note.strip()}".strip(), actor)
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=observation,
        changes={"kind": kind, "site": observation.site_id, "room": observation.room_id},
    )  # fmt: skip
    return observation


@transaction.atomic
def observation_team(
    *, actor: User, observation: Observation, team: Iterable[Member]
) -> Observation:
    """The responsibility team replaced; a member named again keeps their phone when
    none is given (phones are not shown in full on the form)."""
    observation = _lock_open(actor, Perm.MANAGE_OBSERVATION, observation)
    members = _check_team(list(team))
    phones = {(m.role, m.name): m.phone for m in observation.team.all()}
    observation.team.all().delete()
    rows = [
        TeamMember(
            observation=observation, org_path=observation.org_path, role=m.role,
            name=m.name.strip()[:50], lead=m.lead,
            phone=m.phone.strip() or phones.get((m.role, m.name.strip()), ""),
        )
        for m in members
    ]  # fmt: skip
    TeamMember.objects.bulk_create(rows)
    names = "、".join(f"{m.name.strip()}（{Role(m.role).label}）" for m in members)
    _log(observation, LogKind.TEAM, names, actor)
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=observation,
        changes={"team": [m.name.strip() for m in members]},
    )  # fmt: skip
    return observation


def _fever(path: str, day: date, temperature: Decimal | None, symptoms: list[str]) -> bool:
    threshold = risk.policy_on(path, day).fever_threshold
    return bool(symptoms) or (temperature is not None and temperature >= threshold)


# A follow-up may be taken a little before its slot opens (a visit at 07:40 for 08:00).
EARLY = timedelta(hours=1)


@dataclass(frozen=True)
class Recorded:
    followup: FollowUp
    referral: Referral | None


@transaction.atomic
def followup_record(
    *,
    actor: User,
    followup: FollowUp,
    temperature: Decimal | None,
    symptoms: Iterable[str] = (),
    method: str = Method.VISIT,
    note: str = "",
    now: datetime | None = None,
) -> Recorded:
    """One slot's temperature and symptoms; a fever opens a referral the same moment."""
    now = now or timezone.now()
    # The observation first, then its slot: release and cancel lock in that order too.
    observation = _lock_open(actor, Perm.RECORD_FOLLOWUPS, followup.observation)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    _require(actor, Perm.RECORD_FOLLOWUPS, followup.org_path)
    if followup.recorded_at is not None:
        raise ValidationError(_("This follow-up was already recorded."))
    if now < followup.opens_at - EARLY:
        raise ValidationError(
            _("This follow-up opens at %(at)s.")
            % {
                "at": formats.date_format(
                    timezone.localtime(followup.opens_at), "SHORT_DATETIME_FORMAT"
                )
            }
        )
    symptoms = sorted({s for s in symptoms if s})
    if any(s not in Symptom.values for s in symptoms):
        raise ValidationError({"symptoms": _("Choose symptoms from the list.")})
    if method not in Method.values:
        raise ValidationError({"method": _("Choose how the follow-up was done.")})
    if temperature is None and method != Method.PHONE:
        raise ValidationError({"temperature": _("Enter the temperature.")})
    followup.temperature = temperature
    followup.symptoms = symptoms
    followup.method = method
    followup.note = note.strip()[:200]
    followup.fever = _fever(followup.org_path, followup.day, temperature, symptoms)
    followup.recorded_at = now
    followup.recorded_by = actor
    followup.full_clean(exclude=["observation"])
    followup.save()
    referral = None
    if followup.fever and observation.state == State.ACTIVE:
        parts = [f"{temperature} °C"] if temperature is not None else []
        parts += [str(Symptom(s).label) for s in symptoms]
        referral = _refer(actor, observation, "、".join(parts), "", followup, now)
    return Recorded(followup, referral)


def _refer(
    actor: User,
    observation: Observation,
    reason: str,
    clinic: str,
    followup: FollowUp | None,
    now: datetime,
) -> Referral:
    referral = Referral.objects.create(
        observation=observation, org_path=observation.org_path, followup=followup,
        reason=reason[:200], clinic=clinic.strip()[:100], opened_at=now, opened_by=actor,
    )  # fmt: skip
    observation.state = State.ESCALATED
    observation.save(update_fields=["state"])
    _log(observation, LogKind.REFERRED, reason, actor, now)
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=referral,
        changes={"observation": observation.pk, "reason": referral.reason},
    )  # fmt: skip
    return referral


@transaction.atomic
def referral_open(
    *, actor: User, observation: Observation, reason: str, clinic: str = ""
) -> Referral:
    """Sent to the fever clinic by hand (a symptom reported between follow-ups)."""
    observation = _lock_open(actor, Perm.RECORD_FOLLOWUPS, observation)
    if observation.state == State.ESCALATED:
        raise ValidationError(_("This person is already at the fever clinic."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    return _refer(actor, observation, reason.strip(), clinic, None, timezone.now())


def _end(observation: Observation, state: str, actor: User, note: str, now: datetime) -> None:
    _free_room(observation)
    _drop_slots_after(observation, now)
    observation.state = state
    observation.ended_at = now
    observation.ended_by = actor
    observation.end_note = note.strip()[:200]
    observation.save(update_fields=["state", "ended_at", "ended_by", "end_note"])


@transaction.atomic
def referral_close(*, actor: User, referral: Referral, outcome: str, note: str = "") -> Referral:
    """The fever clinic's outcome. Cleared: observation goes on. Admitted or suspected:
    the observation ends as transferred; a suspected case waits for the CDC's case record
    on this referral, so that nothing is typed twice."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    # The fever clinic decides for people it may see; checkpoint staff record the outcome of
    # their own travellers' referrals (checkpoints), not of people under observation.
    _require(actor, Perm.RECORD_REFERRALS, referral.org_path)
    _require(actor, Perm.VIEW_PEOPLE, referral.org_path)
    if referral.closed_at is not None:
        raise ValidationError(_("The outcome of this referral is already recorded."))
    if outcome not in ReferralOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    now = timezone.now()
    observation = Observation.objects.select_for_update().get(pk=referral.observation_id)
    referral.outcome = outcome
    referral.outcome_note = note.strip()[:200]
    referral.closed_at = now
    referral.closed_by = actor
    referral.save(update_fields=["outcome", "outcome_note", "closed_at", "closed_by"])
    text = f"{ReferralOutcome(outcome).label}. {referral.outcome_note}".strip()
    _log(observation, LogKind.OUTCOME, text, actor)
    if outcome == ReferralOutcome.CLEARED:
        observation.state = State.ACTIVE
        observation.save(update_fields=["state"])
    else:
        _end(observation, State.TRANSFERRED, actor, text, now)
        _log(observation, LogKind.TRANSFERRED, text, actor)
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=referral, changes={"outcome": outcome}
    )
    return referral


def release_blockers(observation: Observation, today: date | None = None) -> list[str]:
    """Why the observation cannot be released today (empty: it can)."""
    today = today or timezone.localdate()
    out = []
    if (
        observation.state == State.ESCALATED
        or observation.referrals.filter(closed_at__isnull=True).exists()
    ):
        out.append(_("A fever referral is still open."))
    elif observation.state != State.ACTIVE:
        out.append(_("This observation has ended."))
    if today < observation.planned_end:
        out.append(_("The period ends on %(end)s.") % {"end": _day(observation.planned_end)})
    return out


def _notice_number(observation: Observation, year: int) -> str:
    """The issuing unit's code, the year and its next number: 370102001001-2020-0001."""
    from fangkong.observation.notice import issuing_unit

    issuer = issuing_unit(observation.unit)
    counter, _created = NoticeCounter.objects.select_for_update().get_or_create(
        unit=issuer, year=year
    )
    NoticeCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{issuer.code}-{year}-{counter.last:04d}"


@transaction.atomic
def observation_release(
    *, actor: User, observation: Observation, note: str = "", now: datetime | None = None
) -> Observation:
    """On or after the planned end, with no open referral: released, with a numbered notice."""
    now = now or timezone.now()
    observation = _lock(actor, Perm.MANAGE_OBSERVATION, observation)
    blockers = release_blockers(observation, timezone.localtime(now).date())
    if blockers:
        raise ValidationError(blockers)
    observation.notice_number = _notice_number(observation, timezone.localtime(now).year)
    observation.save(update_fields=["notice_number"])
    _end(observation, State.RELEASED, actor, note, now)
    _log(observation, LogKind.RELEASED, observation.notice_number, actor)
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=observation,
        changes={"state": State.RELEASED, "notice": observation.notice_number},
    )  # fmt: skip
    return observation


@transaction.atomic
def observation_cancel(*, actor: User, observation: Observation, reason: str) -> Observation:
    """Started by mistake (wrong person, duplicate): ended, with the reason."""
    observation = _lock_open(actor, Perm.MANAGE_OBSERVATION, observation)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if observation.referrals.filter(closed_at__isnull=True).exists():
        raise ValidationError(_("A fever referral is still open."))
    _end(observation, State.CANCELLED, actor, reason, timezone.now())
    _log(observation, LogKind.CANCELLED, reason.strip(), actor)
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=observation,
        changes={"state": State.CANCELLED}, note=reason.strip()[:200],
    )  # fmt: skip
    return observation
