"""Permissions as ``rules`` predicates, so that ``user.has_perm(Perm.X, obj)`` works everywhere.

The object may be an org unit or any row with a ``scope_path`` (its place in
the tree); without an object the question is "anywhere in my scope?".
"""

from __future__ import annotations

from typing import Any

import rules

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at


def _object_path(obj: Any) -> str | None:
    if obj is None:
        return None
    path = getattr(obj, "scope_path", None)
    if path is None:
        raise TypeError(f"{type(obj).__name__} has no scope_path; it cannot be checked")
    return str(path)


def _predicate_for(perm: Perm) -> rules.Predicate:
    @rules.predicate(name=f"holds {perm}")
    def holds(user: Any, obj: Any = None) -> bool:
        return has_perm_at(user, perm, _object_path(obj))

    return holds


for _perm in Perm:
    rules.add_perm(str(_perm), _predicate_for(_perm))
