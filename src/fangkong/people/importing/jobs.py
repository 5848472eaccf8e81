"""A whole import: read, clean (in worker processes when large), load, count, report."""

from __future__ import annotations

import csv
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.core.crypto import encrypt
from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm
from fangkong.orgunits.models import OrgUnit
from fangkong.people import risk
from fangkong.people.importing import copytext
from fangkong.people.importing.loading import Loader
from fangkong.people.importing.mapping import HEADER_SEARCH_ROWS, find_header, label
from fangkong.people.importing.reading import count_rows, read_rows
from fangkong.people.importing.rows import Clean, Context, RowErrors, clean_row
from fangkong.people.models import ImportJob, ImportStatus, RiskArea
from fangkong.people.services import reassess_under

BATCH = 5000
SHOWN_ERRORS = 200
PARALLEL_FROM = 20_000  # rows; below this, starting worker processes costs more than it saves

_CTX: dict[str, Any] = {}


def allowed_units(actor: Any, root: OrgUnit) -> dict[str, tuple[int, str]]:
    units = OrgUnit.objects.visible_to(actor, Perm.MANAGE_PEOPLE).in_subtree(root.path)
    return {code: (pk, path) for code, pk, path in units.values_list("code", "id", "path")}


def _clean_chunk(chunk: list[tuple[int, list[Any]]]) -> tuple[list[Clean], list[tuple]]:
    columns, ctx = _CTX["columns"], _CTX["ctx"]
    good: list[Clean] = []
    bad: list[tuple] = []
    for number, cells in chunk:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        values = {field: cells[i] if i < len(cells) else None for field, i in columns.items()}
        try:
            row = clean_row(number, values, ctx)
        except RowErrors as problem:
            bad.extend((number, column, message, cells) for column, message in problem.errors)
            continue
        if ctx.copy_lines:
            copytext.prepare(row, ctx.created_by_id)
        good.append(row)
    return good, bad


def _init_worker(columns: dict[str, int], ctx: Context, language: str) -> None:
    _CTX.update(columns=columns, ctx=ctx)
    translation.activate(language)


def _chunks(
    rows: Iterator[tuple[int, list[Any]]], size: int
) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _bounded(
    pool: Any, chunks: Iterator[list[tuple[int, list[Any]]]], ahead: int
) -> Iterator[tuple[list[Clean], list[tuple]]]:
    """Cleaned chunks in order, with at most ``ahead`` in flight: imap would run ahead of a
    slower database and hold the whole file's rows in memory (1.3 GB at a million)."""
    pending: deque[Any] = deque()
    for chunk in chunks:
        pending.append(pool.apply_async(_clean_chunk, (chunk,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


class _Duplicates:
    """Document keys seen earlier in this file (60 bits of each: 1M rows in ~100 MB)."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}

    def split(self, rows: list[Clean]) -> tuple[list[Clean], list[tuple]]:
        kept: list[Clean] = []
        bad: list[tuple] = []
        for row in rows:
            if row.id_key:
                short = int(row.id_key[:15], 16)
                first = self.seen.setdefault(short, row.row)
                if first != row.row:
                    message = _("The same ID number as row %(row)d; this row was skipped.") % {
                        "row": first
                    }
                    bad.append((row.row, label("id_number"), message, []))
                    continue
            kept.append(row)
        return kept, bad


def run_job(job: ImportJob, *, workers: int | None = None) -> ImportJob:
    """Run ``job`` to the end; every failure is recorded on the job, never raised."""
    with translation.override(job.language or None):
        try:
            return _run(job, workers)
        except Exception as error:
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, message=str(error)[:2000], finished_at=timezone.now()
            )
            raise


def resumable() -> list[ImportJob]:
    """Jobs that stopped before the end (a killed worker leaves its job running; an error
    marks it failed) and still have their upload: run again, they finish the work.

    Running a job again is safe: each batch was loaded in its own transaction, so a batch is
    either all in or not at all, and the loader matches every row by its document (or name
    and household), so the rows already in are found, not added twice.
    """
    jobs = ImportJob.objects.filter(status__in=[ImportStatus.RUNNING, ImportStatus.FAILED]).exclude(
        file=""
    )
    return [
        job
        for job in jobs.select_related("unit", "created_by")
        if job.file.storage.exists(job.file.name)
    ]


def _run(job: ImportJob, workers: int | None) -> ImportJob:
    path = Path(job.file.path)
    total = count_rows(path, job.filename)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), total_rows=total
    )
    raw = read_rows(path, job.filename)
    head = list(islice(raw, HEADER_SEARCH_ROWS))
    found = find_header(head)
    if found is None:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            message=_("No header row found: one of the first rows must name the columns, "
                      "with at least the name (姓名) and one more column."),
        )  # fmt: skip
        job.refresh_from_db()
        return job
    header, columns = found
    actor = job.created_by
    ctx = Context(
        units=allowed_units(actor, job.unit),
        default_year=job.default_year or timezone.localdate().year,
        today=timezone.localdate(),
        created_by_id=actor.pk if actor else None,
        copy_lines=connection.vendor == "postgresql",
    )
    # Excel numbers rows from 1, and the header is a row too.
    numbered = enumerate(chain(head[header + 1 :], raw), start=header + 2)
    loader = Loader(created_by_id=actor.pk if actor else None)
    duplicates = _Duplicates()
    shown: list[dict[str, Any]] = []
    error_count = processed = 0
    language = translation.get_language() or "zh-hans"
    workers = workers if workers is not None else (2 if total >= PARALLEL_FROM else 0)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8-sig", newline="",
                                     delete=False) as report:  # fmt: skip
        writer = csv.writer(report)
        writer.writerow([_("row"), _("column"), _("problem"), *head[header]])
        pool = None
        results: Iterator[tuple[list[Clean], list[tuple]]]
        if workers:
            pool = multiprocessing.get_context("fork").Pool(
                workers, initializer=_init_worker, initargs=(columns, ctx, language)
            )
            results = _bounded(pool, _chunks(numbered, BATCH), ahead=2 * workers)
        else:
            _init_worker(columns, ctx, language)
            results = map(_clean_chunk, _chunks(numbered, BATCH))
        try:
            for good, bad in results:
                good, repeated = duplicates.split(good)
                with transaction.atomic():
                    loader.load(good)
                for number, column, message, cells in sorted(bad + repeated, key=lambda b: b[0]):
                    error_count += 1
                    writer.writerow([number, column, message, *cells])
                    if len(shown) < SHOWN_ERRORS:
                        shown.append({"row": number, "column": column, "message": message})
                processed += len(good) + len({b[0] for b in bad + repeated})
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=processed, error_count=error_count
                )
        finally:
            if pool is not None:
                pool.terminate()
    counts = loader.counts
    # The bad rows carry ID and phone numbers as typed: sealed like the fields they
    # would have filled. The upload itself is deleted once read.
    with open(report.name, encoding="utf-8-sig") as f:
        sealed = encrypt(f.read()).encode()
    os.unlink(report.name)
    job.errors_file.save(f"errors-{job.pk}.csv.sealed", ContentFile(sealed), save=False)
    job.file.delete(save=False)
    job.status = ImportStatus.DONE
    job.processed_rows = processed
    job.total_rows = max(total, processed)
    job.created_persons = counts["created"]
    job.updated_persons = counts["updated"]
    job.created_households = counts["households"]
    job.created_travels = counts["travels"]
    job.error_count = error_count
    job.errors = shown
    job.finished_at = timezone.now()
    job.save()
    audit.record(
        actor=actor,
        action=audit.Action.IMPORT,
        target=job,
        changes={
            "file": job.filename, "created": job.created_persons, "updated": job.updated_persons,
            "households": job.created_households, "journeys": job.created_travels,
            "bad_rows": error_count,
        },
    )  # fmt: skip
    areas = RiskArea.objects.filter(
        Q(org_path__in=risk.prefixes(job.unit.path)) | subtree_q("org_path", job.unit.path)
    )
    if counts["travels"] and areas.exists():
        reassess_under(job.unit.path)
    return job
