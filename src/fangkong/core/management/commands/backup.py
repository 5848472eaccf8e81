"""``fangkong backup``: a complete, checked copy of the database in one file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.accounts import audit
from fangkong.core import backup


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database (SQLite: online copy; PostgreSQL: pg_dump) "
        "to a file or into a directory. The field keys are not in it: keep them apart."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "output", nargs="?", default=str(settings.VAR_DIR / "backups"),
            help="a file name, or a directory (default: var/backups)",
        )  # fmt: skip

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        path = Path(output)
        if not path.suffix:
            path.mkdir(parents=True, exist_ok=True)
        try:
            written = backup.backup(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        audit.record(
            actor=None, action=audit.Action.EXPORT, note=f"backup {written.name}",
            changes={"bytes": written.stat().st_size}, actor_name="fangkong backup",
        )  # fmt: skip
        self.stdout.write(f"{written} ({written.stat().st_size:,} bytes)")
