"""Writes for door-to-door screening: campaigns and visits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import OrgUnit
from fangkong.people import risk
from fangkong.people import services as people
from fangkong.people.models import Household, Person, Source
from fangkong.screening import tallies
from fangkong.screening.models import (
    COVERED_RESULTS,
    Campaign,
    Symptom,
    Visit,
    VisitMember,
    VisitResult,
)

CAMPAIGN_FIELDS = ("name", "starts_on", "ends_on", "note")


def _require(actor: User, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


@transaction.atomic
def campaign_create(
    *, actor: User, unit: OrgUnit, name: str, starts_on: date, ends_on: date, note: str = ""
) -> Campaign:
    _require(actor, Perm.MANAGE_CAMPAIGNS, unit.path)
    campaign = Campaign(
        unit=unit,
        org_path=unit.path,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=campaign)
    return campaign


@transaction.atomic
def campaign_update(*, actor: User, campaign: Campaign, **values: Any) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require(actor, Perm.MANAGE_CAMPAIGNS, campaign.org_path)
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    for name, value in values.items():
        if name not in CAMPAIGN_FIELDS:
            raise TypeError(name)
        setattr(campaign, name, value)
    campaign.full_clean()
    changes = audit.changed_fields(before, audit.snapshot(campaign, CAMPAIGN_FIELDS))
    if changes:
        campaign.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, target=campaign, changes=changes)
    return campaign


@dataclass
class Journey:
    """A journey found at the door: where from, when, how."""

    origin: str
    arrived_on: date
    departed_on: date | None = None
    transport: str = "other"
    transport_no: str = ""


@dataclass
class Finding:
    """What the worker noted for one registered member."""

    person: Person
    present: bool = True
    temperature: Decimal | None = None
    symptoms: list[str] = field(default_factory=list)
    journey: Journey | None = None


@dataclass
class NewMember:
    """A resident found at the door who is not in the registry yet."""

    full_name: str
    id_type: str = "resident"
    id_number: str = ""
    phone: str = ""
    relation: str = ""
    temperature: Decimal | None = None
    symptoms: list[str] = field(default_factory=list)
    journey: Journey | None = None


def _check_symptoms(symptoms: list[str]) -> list[str]:
    allowed = set(Symptom.values)
    unknown = [s for s in symptoms if s not in allowed]
    if unknown:
        raise ValidationError(_("Unknown symptom: %(value)s") % {"value": ", ".join(unknown)})
    return sorted(set(symptoms))


@transaction.atomic
def visit_record(
    *,
    actor: User,
    campaign: Campaign,
    household: Household,
    result: str,
    findings: list[Finding] = (),  # type: ignore[assignment]
    new_members: list[NewMember] = (),  # type: ignore[assignment]
    note: str = "",
    visited_at: Any = None,
) -> Visit:
    """One visit: who was there, temperatures, symptoms, journeys found, new residents.

    Journeys go through people.services.travel_add (which re-runs the risk rule),
    new residents through person_create (which refuses a known ID number).
    """
    _require(actor, Perm.RECORD_VISITS, household.org_path)
    # One visit to a household at a time: the campaign's counts take its first settling.
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not household.org_path.startswith(campaign.org_path):
        raise ValidationError(_("This household lies outside the campaign's area."))
    today = timezone.localdate()
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise ValidationError(_("The campaign is not running today."))
    if result not in VisitResult.values:
        raise ValidationError({"result": _("Choose the result of the visit.")})
    visit = Visit(
        campaign=campaign,
        household=household,
        result=result,
        visited_by=actor,
        note=note.strip(),
        org_path=household.org_path,
    )
    if visited_at is not None:
        visit.visited_at = visited_at
    visit.full_clean(exclude=["visited_at"])
    visit.save()
    threshold = risk.policy_on(household.org_path, today).fever_threshold
    rows: list[VisitMember] = []
    for finding in findings:
        if finding.person.household_id != household.pk:
            raise ValidationError(_("%(name)s is not a member of this household.") % {
                "name": finding.person.full_name})  # fmt: skip
        if finding.journey is not None:
            people.travel_add(
                actor=actor, person=finding.person, source=Source.VISIT,
                **finding.journey.__dict__,
            )  # fmt: skip
        rows.append(
            VisitMember(
                visit=visit, campaign=campaign, person=finding.person, present=finding.present,
                temperature=finding.temperature, symptoms=_check_symptoms(finding.symptoms),
                travel_found=finding.journey is not None, org_path=household.org_path,
            )
        )  # fmt: skip
    for member in new_members:
        person = people.person_create(
            actor=actor, full_name=member.full_name, unit=household.unit, household=household,
            id_type=member.id_type, id_number=member.id_number, phone=member.phone,
            relation=member.relation, source=Source.VISIT,
        )  # fmt: skip
        if member.journey is not None:
            people.travel_add(
                actor=actor, person=person, source=Source.VISIT, **member.journey.__dict__
            )
        rows.append(
            VisitMember(
                visit=visit, campaign=campaign, person=person, present=True,
                temperature=member.temperature, symptoms=_check_symptoms(member.symptoms),
                travel_found=member.journey is not None, org_path=household.org_path,
            )
        )  # fmt: skip
    for row in rows:
        row.full_clean(exclude=["visit", "campaign", "person"])
        row.fever = (
            row.temperature is not None and row.temperature >= threshold
        ) or Symptom.FEVER in row.symptoms
    VisitMember.objects.bulk_create(rows)
    _count(visit, household, rows)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=visit,
        changes={"result": result, "members": len(rows), "new": len(new_members)},
    )
    return visit


def _count(visit: Visit, household: Household, rows: list[VisitMember]) -> None:
    """The campaign's counts: a household settled for the first time, persons found
    arrived or with a fever for the first time in this campaign."""
    settled_before = (
        Visit.objects.filter(
            campaign=visit.campaign, household=household, result__in=COVERED_RESULTS
        )
        .exclude(pk=visit.pk)
        .exists()
    )
    earlier = VisitMember.objects.filter(
        campaign=visit.campaign, person__in=[row.person_id for row in rows]
    ).exclude(visit=visit)
    arrived = {row.person_id for row in rows if row.travel_found}
    fevered = {row.person_id for row in rows if row.fever}
    if arrived:
        arrived -= set(earlier.filter(travel_found=True).values_list("person_id", flat=True))
    if fevered:
        fevered -= set(earlier.filter(fever=True).values_list("person_id", flat=True))
    tallies.count(
        visit.campaign_id, household.unit_id,
        covered=int(visit.result in COVERED_RESULTS and not settled_before),
        arrivals=len(arrived), fevers=len(fevered),
    )  # fmt: skip
