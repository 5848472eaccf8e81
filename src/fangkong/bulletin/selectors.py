"""Reading bulletins: the HQ's scoped lists, and the public's published ones (counts only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from fangkong.accounts.models import User
from fangkong.bulletin.models import Bulletin, State
from fangkong.core.roles import Perm
from fangkong.core.scoping import ScopedQuerySet
from fangkong.orgunits.models import Level, OrgUnit


def bulletin_list(*, actor: User) -> ScopedQuerySet:
    """Bulletins of the districts where ``actor`` may publish."""
    return Bulletin.objects.visible_to(actor, Perm.PUBLISH_BULLETIN).select_related("unit")


def bulletin_for(*, actor: User) -> ScopedQuerySet:
    """Bulletins ``actor`` can see at all: out of this, a 404; in it without the permission,
    a 403 (STYLE.md, 2)."""
    return Bulletin.objects.visible_to(actor, Perm.VIEW_UNITS).select_related("unit")


def districts(*, actor: User) -> QuerySet[OrgUnit]:
    """The districts ``actor`` publishes for: the roots of its scope that are districts."""
    return (
        OrgUnit.objects.visible_to(actor, Perm.PUBLISH_BULLETIN)
        .filter(level=Level.DISTRICT)
        .order_by("path")
    )


def district_for(*, actor: User) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(actor, Perm.VIEW_UNITS).filter(level=Level.DISTRICT)


# The public side: published bulletins only, never a draft, never a line list.


def published() -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(state=State.PUBLISHED)


def _publishing() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(level=Level.DISTRICT, pk__in=published().values("unit_id"))


def publishing_districts() -> list[OrgUnit]:
    return list(_publishing().order_by("path"))


def published_district(code: str) -> OrgUnit | None:
    return _publishing().filter(code=code).only("id", "code", "name", "path", "level").first()


def published_bulletin(code: str, day: date | None = None) -> Bulletin | None:
    """The district's published bulletin of ``day`` (the latest if None)."""
    found = published().filter(unit__code=code).select_related("unit").order_by("-day")
    if day is not None:
        found = found.filter(day=day)
    return found.first()


@dataclass(frozen=True)
class Series:
    """The chart's data: one point per published day up to the bulletin's."""

    days: list[str]
    new_confirmed: list[int]
    confirmed_total: list[int]

    def as_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "new_confirmed": self.new_confirmed,
            "confirmed_total": self.confirmed_total,
        }


def series(bulletin: Bulletin) -> Series:
    rows = (
        published()
        .filter(unit_id=bulletin.unit_id, day__lte=bulletin.day)
        .order_by("day")
        .values_list("day", "figures")
    )
    days, new, total = [], [], []
    for day, figures in rows:
        days.append(day.isoformat())
        new.append(int(figures.get("new_confirmed", 0) or 0))
        total.append(int(figures.get("confirmed_total", 0) or 0))
    return Series(days, new, total)
