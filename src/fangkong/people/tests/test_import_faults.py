"""An import killed in the middle: what was loaded is whole batches, nothing of the batch in
hand, and resuming the job finishes it without adding anyone twice."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from fangkong.core.testing import World
from fangkong.people.importing import jobs
from fangkong.people.importing.loading import Loader
from fangkong.people.models import Household, ImportJob, ImportStatus, Person
from fangkong.people.testing import resident_id

pytestmark = pytest.mark.django_db

ROWS = 25


def _csv(world: World) -> bytes:
    lines = ["姓名,身份证号,网格编码,家庭住址"]
    for n in range(ROWS):
        lines.append(f"居民{n},{resident_id(seq=300 + n)},{world.a.grid.code},翰林苑{n}号楼101")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _job(world: World) -> ImportJob:
    job = ImportJob(
        unit=world.a.district, org_path=world.a.district.path, filename="big.csv",
        created_by=world.a.community_officer, language="zh-hans", default_year=2020,
    )  # fmt: skip
    job.file.save("big.csv", io.BytesIO(_csv(world)), save=False)
    job.save()
    return job


@pytest.fixture
def killed(world: World, monkeypatch) -> ImportJob:  # type: ignore[no-untyped-def]
    """A job whose process died in its second batch, halfway through writing it."""
    monkeypatch.setattr(jobs, "BATCH", 10)
    whole = Loader.load
    batches = []

    def dies_in_the_second(self, rows):  # type: ignore[no-untyped-def]
        batches.append(len(rows))
        if len(batches) == 2:
            whole(self, rows[:5])  # half the batch written in its transaction…
            raise KeyboardInterrupt  # …when the process is killed (the database rolls back)
        whole(self, rows)

    monkeypatch.setattr(Loader, "load", dies_in_the_second)
    job = _job(world)
    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(job, workers=0)
    monkeypatch.setattr(Loader, "load", whole)
    job.refresh_from_db()
    return job


def test_a_killed_import_leaves_whole_batches_only(killed: ImportJob) -> None:
    assert Person.objects.count() == 10
    assert Household.objects.count() == 10
    assert all(h.members.count() == 1 for h in Household.objects.all())
    assert killed.status == ImportStatus.RUNNING and killed.processed_rows == 10
    assert killed.file.storage.exists(killed.file.name)


def test_resuming_finishes_it_without_duplicates(killed: ImportJob, capsys) -> None:  # type: ignore[no-untyped-def]
    assert [j.pk for j in jobs.resumable()] == [killed.pk]
    call_command("resume_imports")
    killed.refresh_from_db()
    assert killed.status == ImportStatus.DONE
    assert (killed.created_persons, killed.updated_persons, killed.error_count) == (15, 0, 0)
    assert Person.objects.count() == ROWS
    assert Person.objects.values("id_key").distinct().count() == ROWS
    assert Household.objects.count() == ROWS
    assert jobs.resumable() == []  # the upload is gone once done
    assert "15 persons added" in capsys.readouterr().out
    call_command("resume_imports")
    assert Person.objects.count() == ROWS
