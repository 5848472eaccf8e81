"""``fangkong backup`` and ``fangkong restore``: a round trip gives back every row, a
partial backup is never taken for a complete one, and a non-empty database is not
overwritten unless asked."""

from __future__ import annotations

import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from fangkong.core import backup
from fangkong.core.testing import build_world
from fangkong.people import services as people
from fangkong.people.models import Person
from fangkong.people.testing import mobile, resident_id

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ("orgunits_orgunit", "accounts_user", "people_person", "accounts_auditentry")


@pytest.fixture(autouse=True)
def _flush(flush_past_the_audit_trigger):  # type: ignore[no-untyped-def]
    yield


def _data() -> Person:
    world = build_world()
    return people.person_create(
        actor=world.a.officer, full_name="张三", unit=world.a.grid,
        id_number=resident_id(seq=321), phone=mobile(7),
    )  # fmt: skip


def _fingerprint(cursor) -> dict[str, object]:  # type: ignore[no-untyped-def]
    out: dict[str, object] = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        out[table] = cursor.fetchone()[0]
    cursor.execute("SELECT full_name, id_number, phone FROM people_person ORDER BY id")
    out["persons"] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                      for row in cursor.fetchall()]  # fmt: skip
    return out


def test_a_round_trip_gives_back_every_row(tmp_path: Path):
    person = _data()
    with connection.cursor() as cursor:
        before = _fingerprint(cursor)
    call_command("backup", str(tmp_path))
    (written,) = tmp_path.iterdir()
    assert not written.name.endswith(".partial")
    assert backup.check(written) == connection.vendor
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        call_command("restore", str(written), "--database-url", f"sqlite:///{target}")
        db = sqlite3.connect(target)
        after = _fingerprint(db.cursor())
        db.close()
        assert after == before
        return
    s = connection.settings_dict
    host, user = s["HOST"] or "127.0.0.1", s["USER"] or "postgres"
    name = f"fk_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", host, "-U", user, name], check=True)
    try:
        url = f"postgres://{user}@{host}:{s['PORT'] or 5432}/{name}"
        call_command("restore", str(written), "--database-url", url)
        import psycopg

        with psycopg.connect(dbname=name, host=host, user=user) as c:
            after = _fingerprint(c.cursor())
        assert after == before
        # Restoring over it again needs --force: it is not empty now.
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(written), "--database-url", url)
        call_command("restore", str(written), "--database-url", url, "--force")
    finally:
        subprocess.run(["dropdb", "-h", host, "-U", user, name])
    assert person.pk


def test_a_backup_is_never_written_over_and_a_broken_file_is_refused(tmp_path: Path):
    _data()
    first = tmp_path / ("one" + (".sqlite3" if connection.vendor == "sqlite" else ".dump"))
    call_command("backup", str(first))
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(first))
    # A backup cut short (a full disk, a killed process) is refused by restore.
    cut = tmp_path / ("cut" + first.suffix)
    cut.write_bytes(first.read_bytes()[: first.stat().st_size // 3])
    target = tmp_path / "target.sqlite3"
    with pytest.raises(CommandError):
        call_command("restore", str(cut), "--database-url", f"sqlite:///{target}")
    assert not target.exists() or target.stat().st_size == 0


def test_restore_refuses_a_database_that_holds_data(tmp_path: Path):
    _data()
    first = tmp_path / ("b" + (".sqlite3" if connection.vendor == "sqlite" else ".dump"))
    call_command("backup", str(first))
    if connection.vendor == "sqlite":
        target = tmp_path / "live.sqlite3"
        db = sqlite3.connect(target)
        db.execute("CREATE TABLE precious (x)")
        db.execute("INSERT INTO precious VALUES (1)")
        db.commit()
        db.close()
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(first), "--database-url", f"sqlite:///{target}")
        db = sqlite3.connect(target)
        assert db.execute("SELECT x FROM precious").fetchall() == [(1,)]
        db.close()
        return
    s = connection.settings_dict
    host, user = s["HOST"] or "127.0.0.1", s["USER"] or "postgres"
    name = f"fk_live_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", host, "-U", user, name], check=True)
    try:
        import psycopg

        with psycopg.connect(dbname=name, host=host, user=user, autocommit=True) as c:
            c.execute("CREATE TABLE precious (x int)")
            c.execute("INSERT INTO precious VALUES (1)")
        url = f"postgres://{user}@{host}:{s['PORT'] or 5432}/{name}"
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(first), "--database-url", url)
        with psycopg.connect(dbname=name, host=host, user=user) as c:
            assert c.execute("SELECT x FROM precious").fetchall() == [(1,)]
    finally:
        subprocess.run(["dropdb", "-h", host, "-U", user, name])
