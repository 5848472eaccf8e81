"""Scoped reads of the org-unit tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm, Role
from fangkong.core.scoping import grants, is_global, scope_roots
from fangkong.orgunits.models import LEVEL_PLURALS, Level, OrgUnit, UnitLeader


def unit_list(*, actor, perm: Perm | None = None) -> QuerySet[OrgUnit]:  # type: ignore[no-untyped-def]
    return OrgUnit.objects.visible_to(actor, perm)


def top_units(*, actor) -> QuerySet[OrgUnit]:  # type: ignore[no-untyped-def]
    """The highest units the actor sees: its scope roots (every root for a superuser)."""
    roots = scope_roots(actor)
    if roots is None:
        return OrgUnit.objects.filter(parent__isnull=True)
    return OrgUnit.objects.filter(path__in=roots)


def unit_search(*, actor, query: str, limit: int = 50) -> QuerySet[OrgUnit]:  # type: ignore[no-untyped-def]
    query = query.strip()
    if not query:
        return OrgUnit.objects.none()
    match = Q(name__icontains=query) | Q(code__startswith=query)
    return (
        unit_list(actor=actor)
        .filter(match)
        .select_related("parent")
        .order_by("depth", "path")[:limit]
    )


def breadcrumbs(*, actor, unit: OrgUnit) -> list[OrgUnit]:  # type: ignore[no-untyped-def]
    """Ancestors the actor may see, root first (never a unit above its scope)."""
    return list(unit_list(actor=actor).filter(pk__in=unit.ancestors().values("pk")))


@dataclass
class ChildRow:
    unit: OrgUnit
    sub_units: int
    grids: int


@dataclass
class SubtreeSummary:
    """What a unit page shows about everything below the unit, from one grouped query."""

    children: list[ChildRow]
    levels: list[tuple[str, int]]
    population: dict[str, int]


def subtree_summary(*, unit: OrgUnit) -> SubtreeSummary:
    """Direct children (each with ``sub_units`` and ``grids`` below it), counts per level,
    and residents and households summed over the grids (the unit's own figure may differ).

    One pass over the subtree grouped by (child, level, depth): three separate
    aggregates cost three scans of a street's 10,000 units.
    """
    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    rows = (
        OrgUnit.objects.filter(subtree_q("path", unit.path), depth__gt=unit.depth)
        .annotate(prefix=Substr("path", 1, len(unit.path) + 4))
        .values("prefix", "level", "depth")
        .annotate(n=Count("id"), residents=Sum("residents"), households=Sum("households"))
    )
    below: dict[str, dict[str, int]] = {}
    per_level: dict[str, int] = {}
    population = {"residents": 0, "households": 0}
    for row in rows:
        per_level[row["level"]] = per_level.get(row["level"], 0) + row["n"]
        if row["level"] == Level.GRID:
            population["residents"] += row["residents"] or 0
            population["households"] += row["households"] or 0
        if row["depth"] > unit.depth + 1:
            counts = below.setdefault(row["prefix"], {"n": 0, "grids": 0})
            counts["n"] += row["n"]
            if row["level"] == Level.GRID:
                counts["grids"] += row["n"]
    rows_out = [
        ChildRow(
            child, below.get(child.path, {}).get("n", 0), below.get(child.path, {}).get("grids", 0)
        )
        for child in children
    ]
    levels = [(str(LEVEL_PLURALS[v]), per_level[v]) for v in Level.values if v in per_level]
    return SubtreeSummary(children=rows_out, levels=levels, population=population)


def subtree_levels(*, unit: OrgUnit) -> list[tuple[str, int]]:
    """(level, count) for every level below ``unit``, top level first."""
    rows = (
        OrgUnit.objects.filter(subtree_q("path", unit.path), depth__gt=unit.depth)
        .values("level")
        .annotate(n=Count("id"))
    )
    counted = {row["level"]: row["n"] for row in rows}
    return [(str(LEVEL_PLURALS[v]), counted[v]) for v in Level.values if v in counted]


def leaders_of(*, actor, unit: OrgUnit) -> QuerySet[UnitLeader]:  # type: ignore[no-untyped-def]
    return (
        UnitLeader.objects.visible_to(actor)
        .filter(unit=unit)
        .select_related("leader")
        .order_by("-until", "since")
    )


@dataclass
class HomeCard:
    unit: OrgUnit
    roles: list[str] = field(default_factory=list)
    levels: list[tuple[str, int]] = field(default_factory=list)


def home_cards(*, actor) -> list[HomeCard]:  # type: ignore[no-untyped-def]
    """One card per assigned unit (roles merged), for the home page."""
    if is_global(actor):
        units = list(OrgUnit.objects.filter(parent__isnull=True))
        cards = [HomeCard(unit=u, roles=[str(Role.ADMIN.label)]) for u in units]
    else:
        by_path: dict[str, list[str]] = {}
        for role, path in grants(actor):
            by_path.setdefault(path, []).append(str(role.label))
        units = list(OrgUnit.objects.filter(path__in=list(by_path)))
        cards = [HomeCard(unit=u, roles=by_path[u.path]) for u in units]
    for card in cards:
        card.levels = subtree_levels(unit=card.unit)
    return sorted(cards, key=lambda card: card.unit.path)


def figures_unit(*, actor, pk: int | None) -> OrgUnit:  # type: ignore[no-untyped-def]
    """The unit a figures page shows: the one asked for (404 outside the actor's scope), or
    else the actor's first scope root (403 for someone with no unit at all)."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    if pk is not None:
        return get_object_or_404(unit_list(actor=actor), pk=pk)
    roots = scope_roots(actor, Perm.VIEW_UNITS)
    units = (
        OrgUnit.objects.filter(depth=1) if roots is None else OrgUnit.objects.filter(path__in=roots)
    )
    found = units.order_by("path").first()
    if found is None:
        raise PermissionDenied
    return found
