"""``fangkong genkey``: fresh secrets for a new installation, as environment lines."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def field_key(key_id: str = "k1") -> str:
    """``<id>=<urlsafe base64 of 32 random bytes>``: one entry of FANGKONG_FIELD_KEYS."""
    return f"{key_id}={base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


def generate(key_id: str = "k1") -> dict[str, str]:
    return {
        "FANGKONG_SECRET_KEY": secrets.token_urlsafe(50),
        "FANGKONG_FIELD_KEYS": field_key(key_id),
        # Without its own key the blind index is derived from the current field key,
        # so rotating that key would make every stored ID number unfindable.
        "FANGKONG_BLIND_INDEX_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


def env_lines(key_id: str = "k1") -> list[str]:
    """What ``fangkong genkey`` prints. Needs no settings, so that it can run before
    an installation has any (``fangkong.cli`` may call it directly)."""
    return [
        "# fangkong secrets: keep them out of version control, back them up.",
        "# When rotating field keys, put the new key first and keep the old ones after it;",
        "# never change FANGKONG_BLIND_INDEX_KEY once data is stored.",
        *(f"{name}={value}" for name, value in generate(key_id).items()),
    ]


class Command(BaseCommand):
    help = (
        "Print a fresh FANGKONG_SECRET_KEY, FANGKONG_FIELD_KEYS and FANGKONG_BLIND_INDEX_KEY "
        "(environment-file lines). Keep them secret and backed up: without the field keys the "
        "encrypted personal data cannot be read."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--key-id", default="k1", help="name of the field key (a new one when rotating: k2 …)"
        )
        parser.add_argument(
            "--field-key-only",
            action="store_true",
            help="print only a new field key entry, to put in front of FANGKONG_FIELD_KEYS",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key_id = options["key_id"]
        if not key_id.isalnum():
            raise CommandError("a key id is letters and digits, e.g. k2")
        if options["field_key_only"]:
            self.stdout.write(field_key(key_id))
            return
        for line in env_lines(key_id):
            self.stdout.write(line)
