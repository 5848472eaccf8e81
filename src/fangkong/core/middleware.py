"""Request context that services read without having the request passed down."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # Behind the deployment's proxy the address comes from the proxy's header;
    # which header is trusted is configuration, never the client's choice.
    header = getattr(settings, "FANGKONG_CLIENT_IP_HEADER", "")
    if header:
        # The proxy appends the address it saw; entries to its left are the client's to invent.
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if _is_ip(forwarded):
            return forwarded
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class SessionRefreshMiddleware:
    """Keep an active session alive without writing it on every request.

    The session expires ``SESSION_COOKIE_AGE`` after it was last saved; saving
    it on every request (``SESSION_SAVE_EVERY_REQUEST``) costs a database write
    per request (228 vs 826 req/s, docs/performance.md). Saving at most every
    ``SESSION_REFRESH_SECONDS`` gives the same idle logout, a few minutes coarser.
    """

    KEY = "_fk_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(request.session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                request.session[self.KEY] = now
        return self.get_response(request)
