from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from fangkong.core.pagination import BoundedPagination
from fangkong.orgunits import selectors
from fangkong.orgunits.models import Level
from fangkong.orgunits.schemas import UnitOut

router = Router(tags=["units"])


@router.get("/", response=list[UnitOut])
@paginate(BoundedPagination, page_size=100)
def list_units(
    request: HttpRequest,
    q: str = "",
    parent: int | None = None,
    level: Level | None = None,
):
    """Units in the caller's scope: all, children of one unit, or matching a name or code."""
    units = selectors.unit_list(actor=request.user)
    if parent is not None:
        units = units.filter(parent_id=parent)
    if level is not None:
        units = units.filter(level=level)
    if q:
        units = units.filter(name__icontains=q) | units.filter(code__startswith=q)
    return units.order_by("path")


@router.get("/{int:unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int):
    return get_object_or_404(selectors.unit_list(actor=request.user), pk=unit_id)
