"""The one door to scoped data.

Every model that hangs in the org-unit tree declares, once, the field that
holds its path (``scope_path_field``) and uses :class:`ScopedQuerySet`. Every
list, detail, export, form and API read goes through ``visible_to(user)``.
It fails closed: an anonymous or inactive user, or one without assignments,
gets no rows.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import reduce
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

from fangkong.core.paths import minimal_roots, subtree_q
from fangkong.core.roles import Perm, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

_CACHE_ATTR = "_fangkong_grants"
_ROOTS_ATTR = "_fangkong_roots"  # (grants, {perm: roots}), see has_perm_at


def grants(user: User | AnonymousUser) -> list[tuple[Role, str]]:
    """The user's (role, unit path) pairs, loaded once per user object."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = [
            (Role(role), path)
            for role, path in user.assignments.values_list("role", "unit__path")  # type: ignore[union-attr]
        ]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    """Drop the cached grants after the user's assignments changed."""
    for attr in (_CACHE_ATTR, _ROOTS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def is_global(user: User | AnonymousUser) -> bool:
    """A superuser is the installation's administrator: every unit, every permission."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def scope_roots(user: User | AnonymousUser, perm: Perm | None = None) -> list[str] | None:
    """Subtree roots where ``user`` holds ``perm`` (any role if None); None means everywhere."""
    if is_global(user):
        return None
    if perm is not None:
        return list(_held_roots(user, perm))  # a list of the caller's own to change
    return minimal_roots([path for _role, path in grants(user)])


def has_perm_at(user: User | AnonymousUser, perm: Perm, path: str | None) -> bool:
    """Does ``user`` hold ``perm`` at the unit with ``path`` (or anywhere, if None)?"""
    if is_global(user):
        return True
    roots = _held_roots(user, perm)
    return bool(roots) if path is None else path.startswith(roots)


def _held_roots(user: User | AnonymousUser, perm: Perm) -> tuple[str, ...]:
    """``scope_roots`` as a tuple, kept with the grants it was worked out from: a device's
    upload asks it for every passage."""
    held = grants(user)
    kept: tuple[list[tuple[Role, str]], dict[Perm, tuple[str, ...]]] | None
    kept = getattr(user, _ROOTS_ATTR, None)
    if kept is None or kept[0] is not held:
        kept = (held, {})
        if user.is_authenticated:
            setattr(user, _ROOTS_ATTR, kept)
    roots = kept[1].get(perm)
    if roots is None:
        roots = kept[1][perm] = tuple(minimal_roots([p for r, p in held if perm in r.perms]))
    return roots


def perms_at(user: User | AnonymousUser, path: str) -> frozenset[Perm]:
    """Every permission ``user`` holds at the unit with ``path``."""
    if is_global(user):
        return frozenset(Perm)
    held: set[Perm] = set()
    for role, root in grants(user):
        if path.startswith(root):
            held |= role.perms
    return frozenset(held)


def paths_q(field: str, roots: Iterable[str]) -> Q:
    clauses = [subtree_q(field, root) for root in roots]
    if not clauses:
        return Q(pk__in=[])
    return reduce(operator.or_, clauses)


class ScopedQuerySet(models.QuerySet):
    """A queryset whose model says where its rows hang in the tree."""

    def visible_to(self, user: User | AnonymousUser, perm: Perm | None = None) -> Self:
        roots = scope_roots(user, perm)
        if roots is None:
            return self
        if not roots:
            return self.none()
        field = self.model.scope_path_field  # type: ignore[attr-defined]
        return self.filter(paths_q(field, roots))

    def in_subtree(self, path: str) -> Self:
        field = self.model.scope_path_field  # type: ignore[attr-defined]
        return self.filter(subtree_q(field, path))


class ScopedModel(models.Model):
    """A row that hangs in the tree by a copy of its unit's path (``org_path``).

    Moves of a unit rewrite the copies (orgunits.services.unit_move); reads go
    through ``objects.visible_to``.
    """

    org_path = models.CharField(max_length=64, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"

    class Meta:
        abstract = True

    @property
    def scope_path(self) -> str:
        return self.org_path
