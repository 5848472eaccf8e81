from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "units": has_perm_at(user, Perm.VIEW_UNITS, None),
            "users": has_perm_at(user, Perm.MANAGE_USERS, None),
            "audit": has_perm_at(user, Perm.VIEW_AUDIT, None),
            "import_units": has_perm_at(user, Perm.MANAGE_UNITS, None),
        }
    }
