"""``fangkong demo``: a generated district with a login per role, then optionally serve it."""

from __future__ import annotations

import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from fangkong.core import demo
from fangkong.core.management.commands.serve import default_workers
from fangkong.orgunits.models import Level, OrgUnit


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain table that lines up in a terminal, Chinese characters counted as two columns."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    rule = "  ".join("-" * w for w in widths)
    head = "  ".join(_pad(cell, w) for cell, w in zip(header, widths, strict=True))
    return "\n".join([head, rule, *lines])


class Command(BaseCommand):
    help = (
        "Load a generated demo district (streets, communities, grids, residents and one login "
        "per role) into an empty database; with --serve, then run the server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2020, help="same seed, same district")
        parser.add_argument("--residents", type=int, default=120_000)
        parser.add_argument("--streets", type=int, default=10, help="streets and towns")
        parser.add_argument("--communities-per-street", type=int, default=10)
        parser.add_argument("--grids-per-community", type=int, default=10)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the SQLite database (audit log included) and start afresh",
        )
        parser.add_argument("--serve", action="store_true", help="then run `fangkong serve`")
        parser.add_argument("--host", default="127.0.0.1", help="with --serve")
        parser.add_argument("--port", type=int, default=8000, help="with --serve")
        parser.add_argument("--workers", type=int, default=default_workers(), help="with --serve")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = demo.DemoSpec(
            seed=options["seed"],
            residents=options["residents"],
            streets=options["streets"],
            communities_per_street=options["communities_per_street"],
            grids_per_community=options["grids_per_community"],
        )
        try:
            spec.check()
        except ValueError as error:
            raise CommandError(str(error)) from None
        started = time.perf_counter()
        if options["reset"]:
            self._reset()
        call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
        migrated = time.perf_counter() - started
        try:
            result = demo.load_demo(spec)
        except demo.DemoAlreadyLoaded as loaded:
            self.stdout.write(
                f"The demo is already loaded (seed {loaded.found.get('seed')}); nothing was "
                "changed. Use --reset to generate it again."
            )
        except demo.DatabaseNotEmpty as error:
            raise CommandError(
                f"This database is not empty ({error}); the demo goes into an empty one. "
                "Use another FANGKONG_DATABASE_URL, or --reset to delete this SQLite database."
            ) from None
        else:
            self._summary(result, migrated)
        self._logins()
        if options["serve"]:
            call_command(
                "serve", host=options["host"], port=options["port"], workers=options["workers"]
            )

    def _reset(self) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                "--reset only works on SQLite. The audit log is append-only; on PostgreSQL "
                "drop and create the database yourself (dropdb / createdb), then run "
                "`fangkong demo` again."
            )
        name = str(connection.settings_dict["NAME"])
        if not name or connection.is_in_memory_db():  # type: ignore[attr-defined]
            raise CommandError("--reset needs an SQLite database file, not an in-memory one.")
        path = Path(name)
        try:
            foreign = OrgUnit.objects.exists() and demo.loaded_demo() is None
        except DatabaseError:  # not migrated yet: no units in it
            foreign = False
        # Units that are not the demo may be somebody's real data (and its audit log).
        if foreign and not self._confirm(path):
            raise CommandError("Nothing was deleted.")
        connection.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.stdout.write(f"Deleted {path}.")

    def _confirm(self, path: Path) -> bool:
        if not sys.stdin.isatty():
            raise CommandError(
                f"{path} holds units that are not the demo; --reset will not delete it "
                "without confirmation at a terminal."
            )
        answer = input(
            f"{path} holds units that are not the demo. Type its file name ({path.name}) "
            "to delete it with everything in it: "
        )
        return answer.strip() == path.name

    def _summary(self, result: demo.DemoResult, migrated: float) -> None:
        plan = result.plan
        district = plan.units[0]
        counts = plan.by_level()
        labels = dict(Level.choices)
        parts = ", ".join(f"{labels[level]} {n:,}" for level, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"{plan.district_name} ({district.code}), seed {plan.spec.seed}: ")
            + parts
        )
        self.stdout.write(
            f"{district.residents:,} residents in {district.households:,} households; "
            f"{len(plan.users)} users, {len(plan.leaders)} contracting leaders."
        )
        steps = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.timings.items())
        self.stdout.write(
            f"Generated in {result.seconds:.2f} s ({steps}); migrations {migrated:.2f} s."
        )

    def _logins(self) -> None:
        rows = [
            [username, role, unit, settings.FANGKONG_DEMO_PASSWORD]
            for username, role, unit in demo.demo_logins()
        ]
        if rows:
            self.stdout.write("")
            self.stdout.write(format_table(["user name", "role", "unit", "password"], rows))
            self.stdout.write("")
