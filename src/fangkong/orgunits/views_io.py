"""Import and export of the unit tree (views). Filled in with the importer."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def unit_import(request: HttpRequest) -> HttpResponse:
    raise Http404


def unit_template(request: HttpRequest, fmt: str) -> HttpResponse:
    raise Http404


def unit_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    raise Http404
