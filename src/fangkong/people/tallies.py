"""Households and persons per unit, kept current by every write to the registry.

The coverage page sums these rows per child unit instead of counting a district's
households and persons (2 s at 350,000 households on SQLite, see docs/performance.md).
Writers call :func:`count` or :func:`moved` inside their transaction; :func:`recount`
rebuilds the counts from the registry (after a bulk load, or to check them).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Substr

from fangkong.core import tallies
from fangkong.core.paths import subtree_q
from fangkong.people.models import Household, Person, UnitTally

COLUMNS = ("households", "persons")


def count(
    *, households: Iterable[tuple[int, int]] = (), persons: Iterable[tuple[int, int]] = ()
) -> None:
    """Add (unit id, amount) pairs to the units' household and person counts."""
    amounts: dict[tuple[int, ...], list[int]] = {}
    for unit_id, amount in households:
        amounts.setdefault((unit_id,), [0, 0])[0] += amount
    for unit_id, amount in persons:
        amounts.setdefault((unit_id,), [0, 0])[1] += amount
    tallies.add(UnitTally, ("unit_id",), amounts, COLUMNS)


def moved(old_unit_id: int, new_unit_id: int, *, households: int = 0, persons: int = 0) -> None:
    """Counts for rows that changed unit."""
    if old_unit_id != new_unit_id:
        count(
            households=[(old_unit_id, -households), (new_unit_id, households)],
            persons=[(old_unit_id, -persons), (new_unit_id, persons)],
        )


def counted(path: str | None = None) -> dict[int, tuple[int, int]]:
    """What the registry holds, per unit id: (households, current persons)."""
    homes = Household.objects.all()
    people = Person.objects.current()
    if path:
        homes, people = homes.in_subtree(path), people.in_subtree(path)
    found: dict[int, list[int]] = {}
    for unit_id, n in homes.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"):
        found.setdefault(unit_id, [0, 0])[0] = n
    for unit_id, n in people.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"):
        found.setdefault(unit_id, [0, 0])[1] = n
    return {unit_id: (h, p) for unit_id, (h, p) in found.items()}


def kept(path: str | None = None) -> dict[int, tuple[int, int]]:
    """The counts as kept, per unit id, without the units at zero."""
    rows = UnitTally.objects.all()
    if path:
        rows = rows.filter(subtree_q("unit__path", path))
    return {unit_id: (h, p) for unit_id, h, p in rows.values_list("unit_id", *COLUMNS) if h or p}


@transaction.atomic
def recount(path: str | None = None) -> int:
    """Rebuild the counts of the units under ``path`` (every unit without one);
    returns how many units hold a count."""
    found = counted(path)
    stale = UnitTally.objects.all()
    if path:
        stale = stale.filter(subtree_q("unit__path", path))
    stale.delete()
    tallies.replace(UnitTally, ("unit_id",), [(u, h, p) for u, (h, p) in found.items()], COLUMNS)
    return len(found)


def by_child(path: str) -> dict[str, tuple[int, int]]:
    """Child path (or ``path`` itself, for rows on the unit) -> (households, persons)."""
    width = len(path) + 4
    rows = (
        UnitTally.objects.filter(subtree_q("unit__path", path))
        .annotate(child=Substr("unit__path", 1, width))
        .values("child")
        .annotate(h=Sum("households"), p=Sum("persons"))
        .values_list("child", "h", "p")
    )
    return {child: (h or 0, p or 0) for child, h, p in rows}
