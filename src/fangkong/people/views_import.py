"""Registry imports: upload, progress, summary, the bad rows and a template."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.core.crypto import decrypt
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest
from fangkong.people.forms_import import ImportForm
from fangkong.people.importing.mapping import TEMPLATE_HEADERS
from fangkong.people.models import ImportJob, ImportStatus
from fangkong.people.tasks import run_import


def _require(request: AuthedRequest) -> None:
    if not has_perm_at(request.user, Perm.MANAGE_PEOPLE, None):
        raise PermissionDenied


def _job_or_404(request: AuthedRequest, pk: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.visible_to(request.user, Perm.MANAGE_PEOPLE).select_related("unit"),
        pk=pk,
    )


def import_start(request: AuthedRequest) -> HttpResponse:
    _require(request)
    form = ImportForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        unit = form.cleaned_data["unit"]
        job = ImportJob(
            unit=unit, org_path=unit.path, filename=upload.name[:200], created_by=request.user,
            language=get_language() or "", default_year=form.cleaned_data["default_year"],
        )  # fmt: skip
        job.file.save(f"{upload.name[-80:]}", upload, save=False)
        job.save()
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
        return redirect("people:import_job", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user, Perm.MANAGE_PEOPLE).select_related("unit")
    return render(request, "people/import_start.html", {"form": form, "jobs": jobs[:10]})


def import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    job = _job_or_404(request, pk)
    partial = request.headers.get("HX-Request") == "true"
    template = "people/_import_progress.html" if partial else "people/import_job.html"
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    return render(request, template, {"job": job, "running": running})


def import_errors(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every bad row with its reason, to fix in the spreadsheet and upload again."""
    _require(request)
    job = _job_or_404(request, pk)
    if not job.errors_file:
        raise Http404
    audit.record(
        actor=request.user, action=audit.Action.EXPORT, target=job,
        changes={"bad_rows": job.error_count},
    )  # fmt: skip
    with job.errors_file.open("rb") as f:
        text = decrypt(f.read().decode())
    response = HttpResponse(
        text.encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )  # Excel opens UTF-8 with a BOM
    disposition = content_disposition_header(True, f"errors-{job.filename}.csv")
    response["Content-Disposition"] = disposition or "attachment"
    return response


def import_template(request: AuthedRequest) -> FileResponse:
    import xlsxwriter

    _require(request)
    language = "zh-hans" if (get_language() or "").startswith("zh") else "en"
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Persons"))
    text = workbook.add_format({"num_format": "@"})
    for column, header in enumerate(TEMPLATE_HEADERS[language]):
        sheet.write_string(0, column, header)
        # ID and phone columns as text: Excel rounds 18-digit numbers.
        sheet.set_column(column, column, 18, text)
    workbook.close()
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="persons-template.xlsx")
