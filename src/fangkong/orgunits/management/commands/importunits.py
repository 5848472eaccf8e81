"""``fangkong importunits FILE --as USERNAME``: the web import, from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.accounts.models import User
from fangkong.orgunits.importing import import_units


class Command(BaseCommand):
    help = "Import org units from a CSV or spreadsheet file (code, name, parent code, level)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV (UTF-8 or GBK), XLSX, XLS or ODS file")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="the user the import is done (and audited) as; their scope applies",
        )

    def handle(self, *args: Any, file: Path, username: str, **options: Any) -> None:
        try:
            actor = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active user named {username!r}") from None
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            result = import_units(actor=actor, file_name=file.name, content=content)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}, rows with errors {result.rows_with_errors}"
        )
        for row, column, message in result.labelled_errors():
            self.stdout.write(f"row {row}\t{column}\t{message}")
        if result.errors:
            raise CommandError(f"{result.rows_with_errors} rows were not imported", returncode=1)
