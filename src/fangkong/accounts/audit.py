"""Writing the audit log. Services call :func:`record`; nothing else writes entries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from fangkong.accounts.models import AuditEntry, User
from fangkong.core import bulk
from fangkong.core.middleware import current_ip
from fangkong.core.paths import common_ancestor

Action = AuditEntry.Action


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of ``instance``, for a later :func:`changed_fields`."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            values[name] = getattr(instance, field.attname)
        else:
            values[name] = getattr(instance, name)
    return values


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {
        name: [_jsonable(before[name]), _jsonable(after[name])]
        for name in before
        if before[name] != after.get(name)
    }


def user_scope_path(user: User) -> str:
    """Where a user's own events (logins, password changes) hang.

    That is the common ancestor of the user's assignments.
    """
    return common_ancestor(list(user.assignments.values_list("org_path", flat=True)))


def build_entries(
    *, actor: User | None, action: str, targets: list[tuple[models.Model, dict[str, Any]]]
) -> list[AuditEntry]:
    """Unsaved entries, one per (target, changes), for a caller that writes them in bulk."""
    ip = current_ip.get()
    return [
        bulk.new(
            AuditEntry,
            actor=actor if actor is not None and actor.pk else None,
            actor_name=actor.username if actor else "",
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_repr=str(target)[:200],
            changes=changes,
            org_path=str(getattr(target, "scope_path", "") or ""),
            ip=ip,
        )
        for target, changes in targets
    ]


def record_many(
    *, actor: User | None, action: str, entries: list[tuple[models.Model, dict[str, Any]]]
) -> None:
    """One entry per (target, changes), written in one statement (a batch upload)."""
    bulk.insert(build_entries(actor=actor, action=action, targets=entries))


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    org_path: str | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    actor_name: str | None = None,
) -> AuditEntry:
    if org_path is None:
        org_path = str(getattr(target, "scope_path", "") or "") if target is not None else ""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name if actor_name is not None else (actor.username if actor else ""),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        changes=changes or {},
        note=note,
        org_path=org_path,
        ip=current_ip.get(),
    )
