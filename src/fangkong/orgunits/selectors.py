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
    return unit_list(actor=actor).filter(match).order_by("depth", "path")[:limit]


def breadcrumbs(*, actor, unit: OrgUnit) -> list[OrgUnit]:  # type: ignore[no-untyped-def]
    """Ancestors the actor may see, root first (never a unit above its scope)."""
    return list(unit_list(actor=actor).filter(pk__in=unit.ancestors().values("pk")))


def children_with_counts(*, unit: OrgUnit) -> list[OrgUnit]:
    """Direct children, each with ``sub_units`` and ``grids``: the sizes of its subtree."""
    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    if not children:
        return children
    width = len(unit.path) + 4
    below = (
        OrgUnit.objects.filter(subtree_q("path", unit.path), depth__gt=unit.depth + 1)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"), grids=Count("id", filter=Q(level=Level.GRID)))
    )
    counts = {row["prefix"]: row for row in below}
    for child in children:
        row = counts.get(child.path, {})
        child.sub_units = row.get("n", 0)  # type: ignore[attr-defined]
        child.grids = row.get("grids", 0)  # type: ignore[attr-defined]
    return children


def subtree_levels(*, unit: OrgUnit) -> list[tuple[str, int]]:
    """(level label, count) for every level below ``unit``, top level first."""
    rows = (
        OrgUnit.objects.filter(subtree_q("path", unit.path), depth__gt=unit.depth)
        .values("level")
        .annotate(n=Count("id"))
    )
    counted = {row["level"]: row["n"] for row in rows}
    return [
        (str(LEVEL_PLURALS[value]), counted[value]) for value in Level.values if value in counted
    ]


def subtree_population(*, unit: OrgUnit) -> dict[str, int]:
    """Residents and households summed over the grids below (the unit's own figure may differ)."""
    totals = OrgUnit.objects.filter(
        subtree_q("path", unit.path), depth__gt=unit.depth, children__isnull=True
    ).aggregate(residents=Sum("residents"), households=Sum("households"))
    return {key: value or 0 for key, value in totals.items()}


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
