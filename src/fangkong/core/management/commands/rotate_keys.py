"""``fangkong rotate_keys``: seal every encrypted value again with the current field key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.accounts import audit
from fangkong.core.rotation import rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt the personal data sealed with an older field key with the first key of "
        "FANGKONG_FIELD_KEYS. Safe to stop and run again. --check only counts, and exits 1 "
        "while anything is sealed with an older key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="count only, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        check = options["check"]
        result = rotate(
            check=check,
            progress=lambda column, n: self.stderr.write(f"{column}: {n}", ending="\r"),
        )
        for column, n in sorted(result.stale.items()):
            if n:
                self.stdout.write(f"{column}: {n}")
        verb = "sealed with an older key" if check else "re-sealed"
        self.stdout.write(f"{result.total} values {verb}; current key {result.current}")
        if not check and result.total:
            audit.record(
                actor=None,
                action=audit.Action.UPDATE,
                changes={"rotated_to": result.current, "values": result.total},
                note="field key rotation",
            )
        if check and result.total:
            raise CommandError(f"{result.total} values still sealed with an older key")
