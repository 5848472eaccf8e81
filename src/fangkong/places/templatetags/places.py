from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.places.models import VenueState

register = template.Library()


@register.simple_tag(takes_context=True)
def may_anywhere(context: dict[str, Any], perm: str) -> bool:
    """Whether the user holds ``perm`` (a name of ``Perm``) anywhere: for the section's
    menu, which links only to pages the user may open."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and has_perm_at(user, Perm[perm], None)


@register.filter
def venue_state(kind: str | None) -> str:
    return str(VenueState(kind or VenueState.OPEN).label)


@register.filter
def windows_done(done: int, planned: int) -> str:
    """ "3 / 4" windows done; "—" when none planned."""
    return _("%(done)d / %(planned)d") % {"done": done, "planned": planned} if planned else "—"


@register.filter
def unit_label(unit: OrgUnit) -> str:
    """A grid with its community ("永安社区 第一网格"): every community has a 第一网格."""
    parent = unit.parent if unit.level in (Level.GRID, Level.BUILDING) else None
    return f"{parent.name} {unit.name}" if parent is not None else unit.name
