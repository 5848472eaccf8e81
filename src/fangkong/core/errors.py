"""The server-error page, which must work when the database does not.

When the database is down (or, on SQLite, the disk is full) the page says so plainly and
keeps what the user submitted: the posted fields come back as a form that sends them again
to the same address once the database is back, so a roadside registration typed on a phone
is not lost. Passwords and files are not echoed. The page reads nothing from the database
(no user, no menu): it renders a standalone template.
"""

from __future__ import annotations

import errno
import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Field names never sent back into a page.
SECRET_FIELDS = ("password", "secret", "token")


def _cause(error: BaseException | None) -> str:
    """ "disk_full", "database" or "" (another error)."""
    if error is None:
        return ""
    text = str(error).lower()
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "disk_full"
    if isinstance(error, DatabaseError) and ("disk is full" in text or "no space left" in text):
        return "disk_full"
    if isinstance(error, (OperationalError, InterfaceError)):
        return "database"
    return ""


def kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The posted fields to offer again, in their order; none of the secret ones."""
    if request.method != "POST":
        return []
    try:
        return [
            (name, value)
            for name, values in request.POST.lists()
            for value in values
            if not any(word in name.lower() for word in SECRET_FIELDS)
        ]
    except Exception:  # an unreadable body: nothing to keep
        return []


def server_error(request: HttpRequest) -> HttpResponse:
    cause = _cause(sys.exc_info()[1])
    fields = kept_fields(request) if cause else []
    html = render_to_string(
        "core/error.html",
        {"cause": cause, "fields": fields, "action": request.get_full_path(),
         "method": request.method},
    )  # fmt: skip
    status = 503 if cause else 500
    response = HttpResponse(html, status=status)
    if cause:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        logger.error("answered %s: %s", status, cause)
    return response
