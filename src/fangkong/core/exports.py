"""A document printed from the system leaves it: every print is an export in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from fangkong.accounts import audit


def pdf_response(
    request: HttpRequest, pdf: bytes, *, target: models.Model, filename: str, **changes: Any
) -> HttpResponse:
    """The PDF, shown in the browser to print, after its export is written to the audit log."""
    audit.record(
        actor=request.user,  # type: ignore[arg-type]
        action=audit.Action.EXPORT,
        target=target,
        changes=changes,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
