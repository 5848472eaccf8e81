"""Writes to the org-unit tree. Every change is checked against the actor and audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Now, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core import stamps
from fangkong.core.paths import MAX_SIBLINGS, child_path, depth_of, segment, subtree_q
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import LEVEL_RANK, OrgUnit, UnitLeader
from fangkong.orgunits.signals import unit_moved

EDITABLE_FIELDS = ("code", "name", "level", "residents", "households")


def _require(actor: User, perm: Perm, path: str | None) -> None:
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("You may not do this here."))


def check_level(level: str, parent: OrgUnit | None) -> None:
    if parent is not None and LEVEL_RANK[level] <= parent.level_rank:
        raise ValidationError(
            {
                "level": _("A %(level)s cannot be placed under a %(parent)s.")
                % {"level": _label(level), "parent": parent.get_level_display()}
            }
        )


def _label(level: str) -> str:
    field = OrgUnit._meta.get_field("level")
    return str(dict(field.flatchoices).get(level, level))  # type: ignore[arg-type]


def allocate_path(parent: OrgUnit | None) -> str:
    """A fresh, never used path for a new child of ``parent`` (a root if None)."""
    if parent is None:
        top = OrgUnit.objects.filter(depth=1).aggregate(m=models.Max("path"))["m"]
        number = int(top) + 1 if top else 1
        return segment(number)
    OrgUnit.objects.filter(pk=parent.pk).update(last_child=F("last_child") + 1)
    parent.refresh_from_db(fields=["last_child", "path"])
    if parent.last_child > MAX_SIBLINGS:
        raise ValidationError(_("%(unit)s has too many sub-units.") % {"unit": parent.name})
    return child_path(parent.path, parent.last_child)


@transaction.atomic
def unit_create(
    *,
    actor: User,
    parent: OrgUnit | None,
    code: str,
    name: str,
    level: str,
    residents: int = 0,
    households: int = 0,
) -> OrgUnit:
    _require(actor, Perm.MANAGE_UNITS, parent.path if parent else "")
    check_level(level, parent)
    unit = OrgUnit(
        parent=parent,
        code=code.strip(),
        name=name.strip(),
        level=level,
        residents=residents,
        households=households,
        path="0" * 4,
        depth=1,
    )
    unit.full_clean(exclude=["path", "depth"])
    unit.path = allocate_path(parent)
    unit.recompute_depth()
    unit.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=unit,
        changes={f: [None, getattr(unit, f)] for f in EDITABLE_FIELDS},
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: OrgUnit, **fields: Any) -> OrgUnit:
    _require(actor, Perm.MANAGE_UNITS, unit.path)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = audit.snapshot(unit, EDITABLE_FIELDS)
    for name, value in fields.items():
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    check_level(unit.level, unit.parent)
    lowest_child = min(
        (LEVEL_RANK[level] for level in unit.children.values_list("level", flat=True)),
        default=None,
    )
    if lowest_child is not None and lowest_child <= unit.level_rank:
        raise ValidationError({"level": _("This level would be at or below its sub-units' level.")})
    unit.full_clean()
    changes = audit.changed_fields(before, audit.snapshot(unit, EDITABLE_FIELDS))
    if changes:
        unit.updated_at = timezone.now()
        unit.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, target=unit, changes=changes)
    return unit


def _path_copies() -> list[tuple[type[models.Model], str]]:
    """Every model that copies a unit path onto its rows and follows moves."""
    found = []
    for model in apps.get_models():
        field = getattr(model, "scope_path_field", None)
        if model is OrgUnit or not field or "__" in field:
            continue
        if getattr(model, "scope_path_follows_moves", True):
            found.append((model, field))
    return found


@transaction.atomic
def unit_move(*, actor: User, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Hang ``unit`` and its subtree under ``new_parent``; every copied path follows."""
    # Paths read before the transaction may be stale (a concurrent move): read them again, locked.
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    new_parent = OrgUnit.objects.select_for_update().get(pk=new_parent.pk)
    _require(actor, Perm.MANAGE_UNITS, unit.path)
    _require(actor, Perm.MANAGE_UNITS, new_parent.path)
    if unit.parent_id is None:
        raise ValidationError(_("A top-level unit cannot be moved."))
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            {"parent": _("A unit cannot be moved under itself or its sub-units.")}
        )
    if new_parent.pk == unit.parent_id:
        return unit
    check_level(unit.level, new_parent)
    old_path, old_parent = unit.path, unit.parent
    new_path = allocate_path(new_parent)
    cut = len(old_path) + 1
    delta = depth_of(new_path) - depth_of(old_path)
    OrgUnit.objects.filter(subtree_q("path", old_path)).update(
        path=Concat(Value(new_path), Substr("path", cut)), depth=F("depth") + delta
    )
    for model, field in _path_copies():
        model._default_manager.filter(subtree_q(field, old_path)).update(
            **{field: Concat(Value(new_path), Substr(field, cut))}
        )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent, updated_at=Now())
    stamps.bump()
    unit_moved.send(sender=OrgUnit, old_path=old_path, new_path=new_path)
    unit.refresh_from_db()
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        target=unit,
        changes={"parent": [str(old_parent), str(new_parent)]},
        note=_("Moved with its sub-units."),
    )
    # Still within the actor's reach after the move (it is, by the checks above; keep it so).
    if not has_perm_at(actor, Perm.MANAGE_UNITS, unit.path):
        raise PermissionDenied(_("You may not do this here."))
    return unit


@transaction.atomic
def unit_delete(*, actor: User, unit: OrgUnit) -> None:
    _require(actor, Perm.MANAGE_UNITS, unit.path)
    if unit.parent_id is None:
        raise ValidationError(_("A top-level unit cannot be deleted."))
    if unit.children.exists():
        raise ValidationError(_("Delete or move its sub-units first."))
    if unit.leaders.exists():
        raise ValidationError(
            _("This unit has contracting leaders on record; it cannot be deleted.")
        )
    if unit.assignments.exists():
        raise ValidationError(_("Users are assigned to this unit; remove their assignments first."))
    audit.record(actor=actor, action=audit.Action.DELETE, target=unit)
    unit.delete()


@transaction.atomic
def leader_assign(
    *,
    actor: User,
    unit: OrgUnit,
    leader: User,
    title: str = "",
    since: datetime.date,
    until: datetime.date | None = None,
) -> UnitLeader:
    _require(actor, Perm.MANAGE_LEADERS, unit.path)
    contract = UnitLeader(
        unit=unit, leader=leader, title=title.strip(), since=since, until=until, org_path=unit.path
    )
    contract.full_clean()
    contract.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=contract,
        changes={"leader": [None, str(leader)], "title": [None, contract.title]},
    )
    return contract


@transaction.atomic
def leader_end(*, actor: User, contract: UnitLeader, until: datetime.date) -> UnitLeader:
    _require(actor, Perm.MANAGE_LEADERS, contract.org_path)
    before = audit.snapshot(contract, ["until"])
    contract.until = until
    contract.full_clean()
    contract.save(update_fields=["until"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        target=contract,
        changes=audit.changed_fields(before, audit.snapshot(contract, ["until"])),
    )
    return contract
