"""Types shared by views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind the login-required middleware: its user is a real user."""

    user: User  # type: ignore[assignment]
