"""Import and export of the unit tree (views)."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits import selectors
from fangkong.orgunits.exporting import FORMATS, export_units, template_file
from fangkong.orgunits.forms import ImportForm
from fangkong.orgunits.importing import import_units

# A district's full tree (10^5 rows) is a few MB of CSV.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
# Errors listed on the page; the counts above the table say how many there were.
ERRORS_SHOWN = 500


def _download(content: bytes, file_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name) or "attachment"
    return response


def unit_import(request: HttpRequest) -> HttpResponse:
    if not has_perm_at(request.user, Perm.MANAGE_UNITS, None):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            message = _("The file is larger than %(size)d MB; split it into parts.")
            form.add_error("file", message % {"size": MAX_IMPORT_BYTES // 2**20})
        else:
            try:
                actor = cast(User, request.user)  # LoginRequiredMiddleware
                result = import_units(actor=actor, file_name=upload.name, content=upload.read())
            except ValidationError as error:
                form.add_error("file", error)
    errors = result.labelled_errors() if result else []
    return render(
        request,
        "orgunits/unit_import.html",
        {
            "form": form,
            "result": result,
            "errors": errors[:ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - ERRORS_SHOWN),
        },
    )


def unit_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    return _download(*template_file(fmt))  # type: ignore[arg-type]


def unit_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    root = get_object_or_404(selectors.unit_list(actor=request.user), pk=pk)
    if not request.user.has_perm(Perm.EXPORT, root):
        raise PermissionDenied
    actor = cast(User, request.user)
    return _download(*export_units(actor=actor, root=root, fmt=fmt))  # type: ignore[arg-type]
