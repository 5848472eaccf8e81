"""Writes to the affected-area list and the policy versions; each re-judges the persons below."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.orgunits.models import OrgUnit
from fangkong.people import divisions
from fangkong.people.models import Policy, RiskArea
from fangkong.people.services import reassess_under, require

AREA_FIELDS = ("division_code", "name", "level", "valid_from", "valid_to", "note")
POLICY_FIELDS = (
    "effective_from",
    "observation_days",
    "fever_threshold",
    "followups_per_day",
    "followup_times",
    "handoff_hours",
    "report_hours",
    "contact_days_before_onset",
    "secondary_contacts",
    "letter_days",
    "report_by_grid",
    "report_by_community",
    "report_by_street",
    "report_by_district",
    "high_risk_measure",
    "medium_risk_measure",
    "low_risk_measure",
    "note",
)


def _division(code: str) -> divisions.Division:
    found = divisions.get(code) if code.isdigit() else divisions.parse_division(code)
    if found is None:
        raise ValidationError(
            {
                "division_code": _("No province, city or county matches “%(value)s”.")
                % {"value": code}
            }
        )
    return found


def _after_change(path: str) -> None:
    transaction.on_commit(lambda: reassess_under(path))


@transaction.atomic
def riskarea_create(*, actor: User, unit: OrgUnit, division: str, **values: Any) -> RiskArea:
    require(actor, Perm.MANAGE_POLICY, unit.path)
    found = _division(division)
    area = RiskArea(
        unit=unit,
        org_path=unit.path,
        division_code=found.code,
        name=divisions.full_name(found.code),
        **values,
    )
    area.full_clean()
    area.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=area)
    _after_change(unit.path)
    return area


@transaction.atomic
def riskarea_update(*, actor: User, area: RiskArea, **values: Any) -> RiskArea:
    area = RiskArea.objects.select_for_update().get(pk=area.pk)
    require(actor, Perm.MANAGE_POLICY, area.org_path)
    before = audit.snapshot(area, AREA_FIELDS)
    for name, value in values.items():
        if name not in ("level", "valid_from", "valid_to", "note"):
            raise TypeError(name)
        setattr(area, name, value)
    area.full_clean()
    changes = audit.changed_fields(before, audit.snapshot(area, AREA_FIELDS))
    if changes:
        area.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, target=area, changes=changes)
        _after_change(area.org_path)
    return area


def riskarea_end(*, actor: User, area: RiskArea, on: date | None = None) -> RiskArea:
    """Take the area off the list from tomorrow: departures up to ``on`` still count."""
    on = on or timezone.localdate()
    if on < area.valid_from:
        raise ValidationError(
            _("The area was listed only from %(day)s.") % {"day": area.valid_from}
        )
    return riskarea_update(actor=actor, area=area, valid_to=on)


@transaction.atomic
def riskarea_delete(*, actor: User, area: RiskArea) -> None:
    require(actor, Perm.MANAGE_POLICY, area.org_path)
    audit.record(actor=actor, action=audit.Action.DELETE, target=area)
    path = area.org_path
    area.delete()
    _after_change(path)


@transaction.atomic
def policy_add(*, actor: User, unit: OrgUnit, **values: Any) -> Policy:
    """A new version from a date on. A version from a past date re-judges past arrivals;
    the form says so before it is saved."""
    require(actor, Perm.MANAGE_POLICY, unit.path)
    policy = Policy(unit=unit, org_path=unit.path, **values)
    policy.full_clean()
    policy.save()
    audit.record(actor=actor, action=audit.Action.CREATE, target=policy)
    _after_change(unit.path)
    return policy


@transaction.atomic
def policy_delete(*, actor: User, policy: Policy) -> None:
    """Only a version not yet in force can be withdrawn: the others are history."""
    require(actor, Perm.MANAGE_POLICY, policy.org_path)
    if policy.effective_from <= timezone.localdate():
        raise ValidationError(_("A version already in force is history and cannot be removed."))
    audit.record(actor=actor, action=audit.Action.DELETE, target=policy)
    path = policy.org_path
    policy.delete()
    _after_change(path)
