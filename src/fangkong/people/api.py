from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from fangkong.core.pagination import BoundedPagination
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.people import selectors
from fangkong.people.models import RiskStatus
from fangkong.people.schemas import PersonDetailOut, PersonOut

router = Router(tags=["people"])


def _require_view(request: HttpRequest) -> None:
    if not has_perm_at(request.user, Perm.VIEW_PEOPLE, None):
        raise HttpError(403, "forbidden")


@router.get("/", response=list[PersonOut])
@paginate(BoundedPagination, page_size=100)
def list_persons(
    request: HttpRequest, q: str = "", status: RiskStatus | None = None, tag: str = ""
):
    """Persons in the caller's scope; ``q`` is a name, or an ID or phone number matched exactly."""
    _require_view(request)
    return selectors.person_list(actor=request.user, query=q, status=status or "", tag=tag)


@router.get("/{int:person_id}", response=PersonDetailOut)
def get_person(request: HttpRequest, person_id: int):
    return get_object_or_404(
        selectors.person_get_queryset(actor=request.user).filter(merged_into__isnull=True),
        pk=person_id,
    )
