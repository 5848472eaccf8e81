from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from fangkong.accounts import selectors
from fangkong.accounts.models import User
from fangkong.accounts.schemas import AssignmentOut, UserOut
from fangkong.core.pagination import BoundedPagination

router = Router(tags=["accounts"])


def _out(user: User) -> UserOut:
    return UserOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        is_active=user.is_active,
        phone_masked=user.masked_phone,
        assignments=[
            AssignmentOut(role=a.role, unit_id=a.unit_id, unit_name=a.unit.name)
            for a in getattr(user, "roles_in_scope", [])
        ],
    )


@router.get("/me", response=UserOut)
def me(request: HttpRequest):
    return _out(request.user)  # type: ignore[arg-type]


@router.get("/users", response=list[UserOut])
@paginate(BoundedPagination, page_size=100)
def list_users(request: HttpRequest, q: str = ""):
    """Users with an assignment in the caller's user-management scope."""
    return [_out(u) for u in selectors.user_list(actor=request.user, query=q)]


@router.get("/users/{int:user_id}", response=UserOut)
def get_user(request: HttpRequest, user_id: int):
    return _out(get_object_or_404(selectors.user_list(actor=request.user), pk=user_id))
