"""``fangkong recount``: rebuild the counts kept on write (registry, campaigns, and the
daily reports' totals).

Needed only after rows were written past the services (a restore, a hand-made bulk
load); ``--check`` reports units whose counts differ without changing anything.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fangkong.people import tallies as people_tallies
from fangkong.reports import totals as report_totals
from fangkong.screening import tallies as campaign_tallies
from fangkong.screening.models import Campaign


class Command(BaseCommand):
    help = "Rebuild the household, person, campaign and daily-report counts from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="report differences only")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        if check:
            kept, counted = people_tallies.kept(), people_tallies.counted()
            wrong: list[object] = [
                u for u in sorted(kept.keys() | counted.keys()) if kept.get(u) != counted.get(u)
            ]
            for campaign_id in Campaign.objects.values_list("pk", flat=True):
                kept_c = campaign_tallies.kept(campaign_id)
                counted_c = campaign_tallies.counted([campaign_id])
                wrong += sorted(k for k in kept_c.keys() | counted_c.keys()
                                if kept_c.get(k) != counted_c.get(k))  # fmt: skip
            wrong += report_totals.differences()
            self.stdout.write(f"{len(wrong)} counts differ" + (f": {wrong[:20]}" if wrong else ""))
            if wrong:
                raise SystemExit(1)
            return
        units = people_tallies.recount()
        rows = campaign_tallies.recount()
        totals = report_totals.recount()
        self.stdout.write(
            f"registry counts for {units} units, campaign counts in {rows} rows, "
            f"daily report totals in {totals} rows"
        )
