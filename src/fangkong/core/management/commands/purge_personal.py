"""``fangkong purge_personal --before DATE``: anonymise personal data older than a date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fangkong.accounts import audit
from fangkong.core.retention import purge

# A cutoff closer than this to today would take the names off work still in hand (a
# 14-day observation, its follow-ups, the letters about it).
MIN_AGE_DAYS = 28


class Command(BaseCommand):
    help = (
        "Anonymise the personal data recorded before a date (names, ID numbers, phones, "
        "addresses of travellers, persons, declarations, tip contacts, text messages, donors), "
        "keeping every record and figure. Open work is kept. Safe to stop and run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, help="the cutoff date, YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cutoff = date.fromisoformat(options["before"])
        except ValueError:
            given = options["before"]
            raise CommandError(f"--before {given!r} is not a date (YYYY-MM-DD)") from None
        latest = timezone.localdate() - timedelta(days=MIN_AGE_DAYS)
        if cutoff > latest:
            raise CommandError(
                f"--before {cutoff} is too recent: the latest cutoff allowed today is {latest} "
                f"({MIN_AGE_DAYS} days ago)"
            )
        dry_run = options["dry_run"]
        result = purge(cutoff, dry_run=dry_run)
        for model, n in sorted(result.counts.items()):
            self.stdout.write(f"{model}: {n}")
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"{result.total} records {verb} (recorded before {cutoff})")
        if not dry_run:
            audit.record(
                actor=None,
                action=audit.Action.UPDATE,
                changes={"purged_before": cutoff.isoformat(), **result.counts},
                note="retention purge",
            )
