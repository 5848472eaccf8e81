"""Writes for cases: report, classify, treat; hospitals and admissions; contacts.

Every write takes the actor and checks the permission at the record's unit; the
classification history, the audit entry and any hand-over to observation or to a
letter are written in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.cases import rules
from fangkong.cases.models import (
    Admission,
    Case,
    Classification,
    ClassificationChange,
    Contact,
    Counter,
    ExposureEvent,
    Hospital,
    Level,
    Outcome,
    Setting,
    Tracing,
)
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.observation import services as observation_services
from fangkong.observation.models import Observation, Referral, ReferralOutcome
from fangkong.orgunits.models import Level as UnitLevel
from fangkong.orgunits.models import OrgUnit
from fangkong.people import risk
from fangkong.people import services as people
from fangkong.people.models import Person, Policy


def _require(actor: User, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


def district_of(unit: OrgUnit) -> OrgUnit:
    if unit.level == UnitLevel.DISTRICT:
        return unit
    return next((u for u in unit.ancestors() if u.level == UnitLevel.DISTRICT), unit)


NUMBER_FORMATS = {
    "case": "{code}-{year}-{n:04d}",
    # As official letters are numbered: 370102协〔2020〕12号.
    "letter": "{code}协〔{year}〕{n}号",
}


def next_number(kind: str, unit: OrgUnit, year: int) -> str:
    """The district's next number of a kind in a year: 370102-2020-0001 for a case."""
    counter, _created = Counter.objects.select_for_update().get_or_create(
        kind=kind, unit=unit, year=year
    )
    Counter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return NUMBER_FORMATS[kind].format(code=unit.code[:6], year=year, n=counter.last)


def policy_for(case: Case) -> Policy:
    """The policy in force for the case's unit on the day of its diagnosis."""
    return risk.policy_on(case.org_path, timezone.localtime(case.diagnosed_at).date())


def window(case: Case) -> rules.Window:
    policy = policy_for(case)
    return rules.exposure_window(
        onset=case.onset_date,
        sampled_on=case.sampled_on,
        days_before=policy.contact_days_before_onset,
        policy_from=policy.effective_from if policy.pk else None,
    )


def is_late(case: Case) -> bool:
    return rules.report_late(case.diagnosed_at, case.reported_at, policy_for(case).report_hours)


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _check_hospital(actor: User, hospital: Hospital | None) -> None:
    from fangkong.cases.selectors import hospital_list

    if hospital is not None and not hospital_list(actor=actor).filter(pk=hospital.pk).exists():
        raise ValidationError({"hospital": _("No hospital with this id serves your area.")})


def _log(case: Case, before: str, after: str, reason: str, actor: User) -> None:
    ClassificationChange.objects.create(
        case=case, before=before, after=after, reason=reason, by=actor, org_path=case.org_path
    )


@transaction.atomic
def case_report(
    *,
    actor: User,
    person: Person,
    classification: str,
    diagnosed_at: datetime,
    reporting_institution: str,
    reported_at: datetime | None = None,
    onset_date: date | None = None,
    sampled_on: date | None = None,
    hospital: Hospital | None = None,
    severity: str = "",
    imported: bool = False,
    origin: str = "",
    referral: Referral | None = None,
    note: str = "",
) -> Case:
    """A new case, numbered by the district; from an observation's referral when it ended
    in "suspected case", so that nothing is typed twice."""
    perm = rules.FIRST.get(classification)
    if perm is None:
        raise ValidationError(
            {"classification": _("A case is first reported as suspected, clinical, confirmed "
                                 "or asymptomatic.")}
        )  # fmt: skip
    _require(actor, perm, person.org_path)
    now = timezone.now()
    # A time without a zone is the district's wall-clock time.
    diagnosed_at = _aware(diagnosed_at)
    reported_at = _aware(reported_at) if reported_at else now
    if diagnosed_at > now or reported_at < diagnosed_at:
        raise ValidationError(
            {"diagnosed_at": _("The diagnosis must be in the past and before the report.")}
        )
    if onset_date and onset_date > timezone.localtime(diagnosed_at).date():
        raise ValidationError({"onset_date": _("The onset cannot be after the diagnosis.")})
    if classification == Classification.ASYMPTOMATIC and onset_date:
        raise ValidationError({"onset_date": _("An asymptomatic infection has no onset date.")})
    if not reporting_institution.strip():
        raise ValidationError({"reporting_institution": _("Name the reporting institution.")})
    if referral is not None and (
        referral.outcome != ReferralOutcome.SUSPECTED
        or referral.observation.person_id != person.pk
        or Case.objects.filter(referral=referral).exists()
    ):
        raise ValidationError(_("This referral did not end in a suspected case."))
    _check_hospital(actor, hospital)
    if Case.objects.filter(person=person).exclude(classification=Classification.EXCLUDED).exists():
        raise ValidationError(_("%(name)s already has a case record.") % {"name": person})
    district = district_of(person.unit)
    case = Case(
        person=person, org_path=person.org_path, classification=classification,
        number=next_number("case", district, timezone.localtime(diagnosed_at).year),
        onset_date=onset_date, sampled_on=sampled_on, diagnosed_at=diagnosed_at,
        reported_at=reported_at, reporting_institution=reporting_institution.strip()[:100],
        hospital=hospital, severity=severity, imported=imported, origin=origin.strip()[:100],
        referral=referral, note=note.strip(), created_by=actor,
    )  # fmt: skip
    case.full_clean(exclude=["referral", "hospital", "person"])
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # the same person reported twice at the same moment
        raise ValidationError(_("%(name)s already has a case record.") % {"name": person}) from None
    _log(case, "", classification, _("First report"), actor)
    if hospital is not None:
        _admit(case, hospital, diagnosed_at)
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=case,
        changes={"person": person.pk, "classification": classification},
    )  # fmt: skip
    return case


@transaction.atomic
def case_classify(*, actor: User, case: Case, to: str, reason: str) -> Case:
    """One allowed step, by the role that may take it, with the reason kept."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    steps = rules.next_steps(case.classification)
    if to not in steps:
        raise ValidationError(
            {"to": _("A %(before)s case cannot become %(after)s.") % {
                "before": Classification(case.classification).label,
                "after": Classification(to).label if to in Classification.values else to}}
        )  # fmt: skip
    _require(actor, steps[to], case.org_path)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the record.")})
    before = case.classification
    case.classification = to
    case.save(update_fields=["classification"])
    _log(case, before, to, reason.strip()[:200], actor)
    audit.record(
        actor=actor, action=audit.Action.UPDATE, target=case,
        changes={"classification": [before, to]}, note=reason.strip()[:200],
    )  # fmt: skip
    return case


def _admit(case: Case, hospital: Hospital, at: datetime) -> Admission:
    return Admission.objects.create(
        hospital=hospital, case=case, admitted_at=at, org_path=hospital.org_path
    )


@transaction.atomic
def case_treatment(
    *,
    actor: User,
    case: Case,
    severity: str | None = None,
    outcome: str | None = None,
    hospital: Hospital | None = None,
) -> Case:
    """Severity, the designated hospital (an admission) and the outcome (a discharge)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require(actor, Perm.DIAGNOSE_CASES, case.org_path)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if severity is not None and severity != case.severity:
        changes["severity"] = [case.severity, severity]
        case.severity = severity
    if hospital is not None and hospital.pk != case.hospital_id:
        _check_hospital(actor, hospital)
        Admission.objects.filter(case=case, discharged_at__isnull=True).update(discharged_at=now)
        _admit(case, hospital, now)
        changes["hospital"] = [case.hospital_id, hospital.pk]
        case.hospital = hospital
    if outcome is not None and outcome != case.outcome:
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome.")})
        changes["outcome"] = [case.outcome, outcome]
        case.outcome = outcome
        if outcome != Outcome.TREATMENT:
            Admission.objects.filter(case=case, discharged_at__isnull=True).update(
                discharged_at=now
            )
    if not changes:
        raise ValidationError(_("Nothing changes."))
    case.full_clean(exclude=["referral", "hospital", "person"])
    case.save(update_fields=["severity", "hospital", "outcome"])
    audit.record(actor=actor, action=audit.Action.UPDATE, target=case, changes=changes)
    return case


@transaction.atomic
def hospital_create(*, actor: User, unit: OrgUnit, **values: Any) -> Hospital:
    _require(actor, Perm.MANAGE_CASES, unit.path)
    hospital = Hospital(unit=unit, org_path=unit.path, **values)
    hospital.full_clean()
    hospital.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=hospital)
    return hospital


# --- contacts -------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonIn:
    """Who a contact is, as typed: found in the registry by the document, else created."""

    full_name: str
    id_type: str = "resident"
    id_number: str = ""
    phone: str = ""
    unit: OrgUnit | None = None  # where they live in the district; None: the case's unit
    address: str = ""


def find_or_create(actor: User, who: PersonIn, fallback: OrgUnit) -> Person:
    """The registry's record for this document, or a new one; never a second record."""
    found = people.find_by_id(who.id_type, who.id_number) if who.id_number else None
    if found is None and who.phone and not who.id_number:
        key = people.phone_key(who.phone.strip())
        found = Person.objects.current().filter(phone_key=key, full_name=who.full_name).first()
    if found is not None:
        found = found.merged_into or found
        if not has_perm_at(actor, Perm.VIEW_PEOPLE, found.org_path):
            raise ValidationError(
                {"id_number": _("This person is registered outside your area; ask the level "
                                "above to add the contact.")}
            )  # fmt: skip
        return found
    return people.person_create(
        actor=actor, full_name=who.full_name, unit=who.unit or fallback, id_type=who.id_type,
        id_number=who.id_number, phone=who.phone, address=who.address,
    )  # fmt: skip


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@transaction.atomic
def contact_add(
    *,
    actor: User,
    case: Case,
    who: PersonIn | Person,
    setting: str,
    last_contact: date,
    relation: str = "",
    level: str = Level.CLOSE,
    via: Contact | None = None,
    event: Any = None,
    gone_to: str = "",
) -> Contact:
    """A contact of the case, inside the window the policy sets; a secondary contact goes
    through a close contact, and only where the policy in force traces them."""
    _require(actor, Perm.MANAGE_CASES, case.org_path)
    if case.classification == Classification.EXCLUDED:
        raise ValidationError(_("This case was excluded: its contacts are not traced."))
    if setting not in Setting.values:
        raise ValidationError({"setting": _("Choose where the contact took place.")})
    if last_contact > timezone.localdate():
        raise ValidationError({"last_contact": _("The last contact cannot be in the future.")})
    policy = policy_for(case)
    if level == Level.SECONDARY:
        if not policy.secondary_contacts:
            raise ValidationError({"level": _("The policy in force does not trace secondary "
                                              "contacts.")})  # fmt: skip
        if via is None or via.case_id != case.pk or via.level != Level.CLOSE:
            raise ValidationError({"via": _("A secondary contact goes through a close contact "
                                            "of this case.")})  # fmt: skip
    elif level != Level.CLOSE:
        raise ValidationError({"level": _("Choose close or secondary.")})
    else:
        span = window(case)
        if not span.covers(last_contact):
            raise ValidationError({"last_contact": span.rule})
    if event is not None and not has_perm_at(actor, Perm.VIEW_PEOPLE, event.org_path):
        raise ValidationError({"event": _("No cluster with this id is in your area.")})
    person = who if isinstance(who, Person) else find_or_create(actor, who, case.person.unit)
    source = via.person if via is not None else case.person
    if person.pk == source.pk:
        raise ValidationError(_("A person is not their own contact."))
    contact = Contact(
        case=case, event=event, source=source, person=person, via=via,
        relation=relation.strip()[:50], setting=setting, last_contact=last_contact,
        level=level, gone_to=gone_to.strip()[:100], created_by=actor, org_path=person.org_path,
    )  # fmt: skip
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is already a contact of this case.") % {"name": person}
        ) from None
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=contact,
        changes={"case": case.pk, "person": person.pk, "level": level},
    )  # fmt: skip
    return contact


@transaction.atomic
def contact_observe(
    *,
    actor: User,
    contact: Contact,
    kind: str,
    team: list[observation_services.Member],
    site: Any = None,
    room: Any = None,
) -> Observation:
    """The contact in the district goes under observation from the last contact: one action."""
    contact = Contact.objects.select_for_update().select_related("person").get(pk=contact.pk)
    _require(actor, Perm.MANAGE_CASES, contact.org_path)
    if contact.observation_id is not None:
        raise ValidationError(_("This contact is already under observation."))
    if contact.state != Tracing.FOUND:
        raise ValidationError(_("This contact is traced elsewhere now (%(state)s).") % {
            "state": Tracing(contact.state).label})  # fmt: skip
    reason = "close_contact" if contact.level == Level.CLOSE else "secondary_contact"
    observation = observation_services.observation_start(
        actor=actor, person=contact.person, kind=kind, reason=reason,
        last_exposure=contact.last_contact, team=team, site=site, room=room,
        note=_("Contact of case %(case)s") % {"case": contact.case.number},
    )  # fmt: skip
    contact.observation = observation
    contact.state = Tracing.OBSERVED
    contact.save(update_fields=["observation", "state"])
    return observation


@transaction.atomic
def event_create(*, actor: User, unit: OrgUnit, **values: Any) -> ExposureEvent:
    """A gathering, a place or a trip that links several people (a cluster)."""
    _require(actor, Perm.MANAGE_CASES, unit.path)
    event = ExposureEvent(unit=unit, org_path=unit.path, **values)
    event.full_clean()
    event.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=event)
    return event
