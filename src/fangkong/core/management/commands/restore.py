"""``fangkong restore FILE``: put a backup made by ``fangkong backup`` back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from fangkong.core import backup
from fangkong.settings import database_from_url


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database (or --database-url). It must be "
        "empty unless --force, which replaces everything in it. Run `fangkong migrate` after "
        "restoring a backup made by an older version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="replace a non-empty database")
        parser.add_argument(
            "--database-url", help="restore there instead (sqlite:// or postgres://)"
        )

    def handle(self, *args: Any, file: str, force: bool, database_url: str | None,
               **options: Any) -> None:  # fmt: skip
        target = database_from_url(database_url) if database_url else connection.settings_dict
        connection.close()  # nothing of ours holds the database while it is replaced
        try:
            backup.restore(Path(file), settings=dict(target), force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored {file} into {target['NAME']}")
