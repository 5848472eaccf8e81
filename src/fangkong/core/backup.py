"""Backups of the whole database and their restore, for SQLite and PostgreSQL.

A backup is written under a temporary name, checked, then renamed, so that a file named
as a backup is always a complete one: SQLite's online backup API gives a consistent copy
while the system runs; PostgreSQL's ``pg_dump --format=custom`` does the same there.
A restore goes only into an empty database unless forced, and on PostgreSQL runs in one
transaction: it lands whole or not at all. The field keys are not in the database: a
backup is useless without them, and they are kept apart from it (docs/configuration.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".dump"


class BackupError(Exception):
    """What went wrong, in words an operator can act on."""


@dataclass(frozen=True)
class Target:
    vendor: str  # "sqlite" or "postgresql"
    settings: dict[str, Any]

    @classmethod
    def of(cls, settings: dict[str, Any]) -> Target:
        engine = str(settings["ENGINE"])
        if engine.endswith("sqlite3"):
            return cls("sqlite", settings)
        if engine.endswith("postgresql"):
            return cls("postgresql", settings)
        raise BackupError(f"Backups are made of SQLite and PostgreSQL databases, not {engine}.")

    def pg_env(self) -> dict[str, str]:
        s = self.settings
        env = dict(os.environ)
        env.update(
            {k: str(v) for k, v in {
                "PGHOST": s.get("HOST"), "PGPORT": s.get("PORT"), "PGUSER": s.get("USER"),
                "PGPASSWORD": s.get("PASSWORD"), "PGDATABASE": s.get("NAME"),
            }.items() if v}
        )  # fmt: skip
        return env


def default_name(vendor: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"fangkong-{stamp}{SQLITE_SUFFIX if vendor == 'sqlite' else PG_SUFFIX}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed; on Debian: apt-get install postgresql-client "
            "(the same major version as the server)."
        )
    return found


def backup(output: Path, *, settings: dict[str, Any] | None = None) -> Path:
    """Write a backup of the database to ``output`` (a file, or a directory to name it in)."""
    target = Target.of(settings or connection.settings_dict)
    if output.is_dir():
        output = output / default_name(target.vendor)
    if output.exists():
        raise BackupError(f"{output} exists already; a backup never overwrites a file.")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if target.vendor == "sqlite":
            _backup_sqlite(partial)
        else:
            _backup_pg(target, partial)
        check(partial, target.vendor)
        partial.rename(output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def _backup_sqlite(partial: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    destination = sqlite3.connect(partial)
    try:
        with destination:
            source.backup(destination, pages=4096)
        destination.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
    finally:
        destination.close()


def _backup_pg(target: Target, partial: Path) -> None:
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"]
    done = subprocess.run(command, env=target.pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[-500:]}")


def check(path: Path, vendor: str | None = None) -> str:
    """Raise unless ``path`` is a complete backup; return its vendor."""
    vendor = vendor or ("sqlite" if path.suffix == SQLITE_SUFFIX else "postgresql")
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    if vendor == "sqlite":
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                (ok,) = db.execute("PRAGMA integrity_check").fetchone()
                (tables,) = db.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'django_migrations'"
                ).fetchone()
            finally:
                db.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a readable SQLite backup: {error}") from None
        if ok != "ok" or not tables:
            raise BackupError(f"{path} is not a complete fangkong backup ({ok}).")
        return vendor
    done = subprocess.run(
        [_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True
    )
    if done.returncode != 0 or "django_migrations" not in done.stdout:
        why = done.stderr.strip()[-300:]
        raise BackupError(f"{path} is not a complete fangkong backup: {why}")
    return vendor


def is_empty(settings: dict[str, Any]) -> bool:
    target = Target.of(settings)
    if target.vendor == "sqlite":
        name = Path(str(settings["NAME"]))
        if not name.exists():
            return True
        db = sqlite3.connect(name)
        try:
            (n,) = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            ).fetchone()
        finally:
            db.close()
        return n == 0
    done = subprocess.run(
        [_tool("psql"), "-At", "-c",
         "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env=target.pg_env(), capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"cannot reach the database: {done.stderr.strip()[-300:]}")
    return done.stdout.strip() == "0"


def restore(path: Path, *, settings: dict[str, Any], force: bool = False) -> None:
    """Put the backup at ``path`` into the database of ``settings``: empty, unless ``force``
    (then everything there is replaced)."""
    target = Target.of(settings)
    check(path, target.vendor)
    if not force and not is_empty(settings):
        raise BackupError(
            "The database is not empty; restoring would replace everything in it. "
            "Use --force if that is what you want."
        )
    if target.vendor == "sqlite":
        _restore_sqlite(path, Path(str(settings["NAME"])))
    else:
        _restore_pg(target, path)


def _restore_sqlite(path: Path, name: str | Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    destination = sqlite3.connect(name)
    try:
        with destination:
            source.backup(destination)
        destination.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
        destination.close()


def _restore_pg(target: Target, path: Path) -> None:
    command = [
        _tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", f"--dbname={target.settings['NAME']}", str(path),
    ]  # fmt: skip
    done = subprocess.run(command, env=target.pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was changed: {done.stderr.strip()[-500:]}")
