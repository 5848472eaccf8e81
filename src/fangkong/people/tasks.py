"""Background work for the registry. Tasks take ids and load what they need (the actor
and the language are on the job)."""

from __future__ import annotations

from django_tasks import task

from fangkong.people.importing.jobs import run_job
from fangkong.people.models import ImportJob, ImportStatus


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return  # already run (a retried delivery)
    run_job(job)
