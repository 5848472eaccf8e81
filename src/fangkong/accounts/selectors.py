"""Scoped reads of users, assignments and the audit log."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from fangkong.accounts.models import Assignment, AuditEntry, User
from fangkong.core.roles import Perm


def user_list(*, actor, query: str = "") -> QuerySet[User]:  # type: ignore[no-untyped-def]
    """Users with at least one assignment where the actor manages users."""
    users = User.objects.visible_to(actor, Perm.MANAGE_USERS).prefetch_related(
        # Only the roles inside the actor's area: a user's roles elsewhere are not its business.
        Prefetch(
            "assignments",
            queryset=Assignment.objects.visible_to(actor, Perm.MANAGE_USERS).select_related("unit"),
            to_attr="roles_in_scope",
        )
    )
    query = query.strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    return users.order_by("username")


def audit_list(*, actor) -> QuerySet[AuditEntry]:  # type: ignore[no-untyped-def]
    return AuditEntry.objects.visible_to(actor, Perm.VIEW_AUDIT).order_by("-at", "-id")
