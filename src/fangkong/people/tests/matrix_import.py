"""Permission-matrix rows for registry imports."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _community(w: World) -> str:
    return w.a.community.path


def _job(w: World) -> int:
    import io

    from fangkong.people.models import ImportJob, ImportStatus

    job = ImportJob.objects.filter(org_path=w.a.community.path).first()
    if job is None:
        job = ImportJob(
            unit=w.a.community, org_path=w.a.community.path, filename="a.csv",
            status=ImportStatus.DONE,
        )  # fmt: skip
        job.file.save("a.csv", io.BytesIO(b"name\n"), save=False)
        from django.core.files.base import ContentFile

        from fangkong.core.crypto import encrypt

        job.errors_file.save(
            "errors.csv.sealed", ContentFile(encrypt("row\n").encode()), save=False
        )
        job.save()
    return job.pk


ENDPOINTS = [
    Endpoint("people:import", "GET", lambda w: [], Perm.MANAGE_PEOPLE),
    Endpoint("people:import_template", "GET", lambda w: [], Perm.MANAGE_PEOPLE),
    Endpoint("people:import_job", "GET", lambda w: [_job(w)], Perm.MANAGE_PEOPLE, _community),
    Endpoint("people:import_errors", "GET", lambda w: [_job(w)], Perm.MANAGE_PEOPLE, _community),
]
