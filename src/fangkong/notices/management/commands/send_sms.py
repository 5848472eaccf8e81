"""``fangkong send_sms``: send the SMS outbox's due messages (for a cron, every few minutes).

The task enqueued with each batch normally sends them at once; this picks up retries,
and anything a lost task or a stopped worker left behind. ``--requeue-failed`` gives the
failed messages their attempts back, after the gateway was fixed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fangkong.notices import outbox
from fangkong.notices.models import SmsMessage, SmsState


class Command(BaseCommand):
    help = "Send the queued text messages that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="send at most this many")
        parser.add_argument(
            "--requeue-failed", action="store_true", help="queue the failed messages again first"
        )

    def handle(self, *args: Any, limit: int | None = None, requeue_failed: bool = False,
               **options: Any) -> None:  # fmt: skip
        if requeue_failed:
            self.stdout.write(f"{outbox.requeue_failed()} failed messages queued again")
        done = outbox.deliver(limit=limit)
        waiting = SmsMessage.objects.filter(state=SmsState.QUEUED).count()
        self.stdout.write(
            f"{done.sent} sent, {len(done.retrying)} to retry, {done.failed} failed; "
            f"{waiting} queued in all"
        )
