"""Writes to users and assignments.

A manager may act on a user only where it could have made every one of that
user's assignments itself: the unit lies in the manager's user-management scope
and the role grants nothing the manager lacks there. So nobody can raise a
colleague (or themself) above their own reach.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import Assignment, User
from fangkong.core.roles import Perm, Role
from fangkong.core.scoping import forget_grants, has_perm_at, is_global, perms_at
from fangkong.orgunits.models import OrgUnit

PROFILE_FIELDS = ("full_name", "phone", "is_active")


def may_grant(actor: User, role: str, unit: OrgUnit) -> bool:
    if is_global(actor):
        return True
    held = perms_at(actor, unit.path)
    return Perm.MANAGE_USERS in held and Role(role).perms <= held


def may_manage(actor: User, user: User) -> bool:
    """May ``actor`` change ``user``'s profile, password or assignments?"""
    if is_global(actor):
        return True
    if user.is_superuser or user.pk == actor.pk:
        return False
    held = list(user.assignments.select_related("unit"))
    return bool(held) and all(may_grant(actor, a.role, a.unit) for a in held)


def _require_grant(actor: User, role: str, unit: OrgUnit) -> None:
    if not may_grant(actor, role, unit):
        raise PermissionDenied(_("You may not give this role at this unit."))


def _require_manage(actor: User, user: User) -> None:
    if not may_manage(actor, user):
        raise PermissionDenied(_("You may not manage this user."))


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    password: str,
    role: str,
    unit: OrgUnit,
    phone: str = "",
) -> User:
    """A new user always starts with one assignment, so that someone can see and manage it."""
    _require_grant(actor, role, unit)
    user = User(username=username.strip(), full_name=full_name.strip(), phone=phone.strip())
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    assignment = Assignment.objects.create(user=user, role=role, unit=unit, org_path=unit.path)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=user,
        org_path=unit.path,
        changes={"username": [None, user.username], "full_name": [None, user.full_name]},
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=assignment,
        changes={"role": [None, role], "unit": [None, str(unit)], "user": [None, user.username]},
    )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **fields: object) -> User:
    _require_manage(actor, user)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = audit.snapshot(user, PROFILE_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    user.full_clean(exclude=["password"])
    changes = audit.changed_fields(before, audit.snapshot(user, PROFILE_FIELDS))
    if "phone" in changes:
        # The log must not become a copy of the personal data it protects.
        changes["phone"] = ["…", "…"]
    if changes:
        user.save()
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            target=user,
            org_path=audit.user_scope_path(user),
            changes=changes,
        )
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> None:
    """An administrator sets a new password; users change their own on the password page."""
    _require_manage(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=actor,
        action=audit.Action.PASSWORD,
        target=user,
        org_path=audit.user_scope_path(user),
        note=_("Set by an administrator."),
    )


@transaction.atomic
def assignment_add(*, actor: User, user: User, role: str, unit: OrgUnit) -> Assignment:
    _require_manage(actor, user)
    _require_grant(actor, role, unit)
    assignment = Assignment(user=user, role=role, unit=unit, org_path=unit.path)
    assignment.full_clean()
    assignment.save()
    forget_grants(user)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        target=assignment,
        changes={"role": [None, role], "unit": [None, str(unit)], "user": [None, user.username]},
    )
    return assignment


@transaction.atomic
def assignment_remove(*, actor: User, assignment: Assignment) -> None:
    user = assignment.user
    _require_manage(actor, user)
    if user.assignments.count() == 1 and not user.is_superuser:
        raise ValidationError(
            _("This is the user's last assignment. Deactivate the user instead of removing it.")
        )
    audit.record(
        actor=actor,
        action=audit.Action.DELETE,
        target=assignment,
        changes={"role": [assignment.role, None], "user": [user.username, None]},
    )
    assignment.delete()
    forget_grants(user)


def user_reveal_phone(*, actor: User, user: User) -> str:
    """The full phone number, for a role that may see it; every reveal is logged."""
    path = audit.user_scope_path(user)
    if not (is_global(actor) or (path and has_perm_at(actor, Perm.REVEAL_PERSONAL, path))):
        raise PermissionDenied(_("You may not see this number."))
    audit.record(
        actor=actor,
        action=audit.Action.REVEAL,
        target=user,
        org_path=path,
        changes={"field": "phone"},
    )
    return user.phone
