"""``fangkong remind_reports [--day YYYY-MM-DD]``: remind every unit of the installation
whose daily report is overdue (for a cron shortly after each level's deadline).

The day defaults to yesterday, the day whose reports fall due today. A unit reminded
within the cool-down (by the cron or by an officer's button) is not reminded again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from fangkong.notices.reminders import remind_missing_reports
from fangkong.orgunits.models import OrgUnit


class Command(BaseCommand):
    help = "Remind whoever answers for each overdue daily report, by notice and SMS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="the reported day, YYYY-MM-DD (default: yesterday)")

    def handle(self, *args: Any, day: str | None = None, **options: Any) -> None:
        try:
            reported = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
        except ValueError:
            raise CommandError(f"--day must be YYYY-MM-DD, not {day!r}") from None
        total = 0
        # Notices are written in the installation's language (the recipients' is unknown).
        with translation.override(settings.LANGUAGE_CODE):
            for root in OrgUnit.objects.filter(parent__isnull=True).order_by("path"):
                total += remind_missing_reports(actor=None, unit=root, day=reported)
        self.stdout.write(f"{total} reminded for {reported.isoformat()}")
