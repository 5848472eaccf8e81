"""``fangkong resume_imports``: finish the registry imports that a stopped worker left."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fangkong.people.importing.jobs import resumable, run_job


class Command(BaseCommand):
    help = (
        "Run again the registry imports left running by a worker that was stopped (or that "
        "failed), from their uploaded file: rows already loaded are found, not added twice. "
        "Run it when no worker is running an import (after a restart)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--job", type=int, help="only this job (its number)")
        parser.add_argument("--list", action="store_true", help="list them, run nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = [j for j in resumable() if options["job"] in (None, j.pk)]
        if not jobs:
            self.stdout.write("no import to resume")
            return
        for job in jobs:
            self.stdout.write(
                f"job {job.pk} ({job.filename}): {job.status}, {job.processed_rows} rows done"
            )
            if options["list"]:
                continue
            done = run_job(job)
            self.stdout.write(
                f"job {job.pk}: {done.status}, {done.created_persons} persons added, "
                f"{done.updated_persons} updated, {done.error_count} rows with problems"
            )
