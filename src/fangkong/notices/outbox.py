"""The SMS outbox: queueing messages with their notices, and sending what is due.

Sending is at least once: a message is claimed by raising its attempt count and pushing
its due time past the gateway's timeout (a lease), then handed to the backend outside any
transaction, then marked. A sender that dies between the two leaves the message due again
when the lease runs out. Nothing is ever deleted here: a message the gateway refused stays
queued for another attempt, or failed with the reason once the attempts are used up.

Two things send: the task enqueued when messages are queued (``tasks.send_sms``), and
``fangkong send_sms`` from a cron, which also picks up retries and anything a lost task
left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fangkong.core.crypto import mask
from fangkong.notices.models import SmsMessage, SmsState
from fangkong.notices.sms import SmsBackend, SmsError, get_backend

logger = logging.getLogger("fangkong.notices.sms")

BATCH = 200


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    retrying: list[int] = field(default_factory=list)
    next_at: datetime | None = None  # when the earliest retry is due

    def add(self, other: Delivery) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retrying += other.retrying
        if other.next_at and (self.next_at is None or other.next_at < self.next_at):
            self.next_at = other.next_at


def queue(messages: list[SmsMessage]) -> list[SmsMessage]:
    """Write ``messages`` to the outbox; they are sent once the transaction commits."""
    if not messages:
        return []
    now = timezone.now()
    for message in messages:
        message.created_at = now
        message.next_attempt_at = now
    created = SmsMessage.objects.bulk_create(messages)
    ids = [m.pk for m in created]
    transaction.on_commit(lambda: enqueue(ids))
    return created


def enqueue(ids: list[int]) -> None:
    """Start the sending task; if even that fails the messages wait for the cron."""
    from fangkong.notices.tasks import send_sms

    try:
        send_sms.enqueue(ids)
    except Exception:
        logger.exception("%d SMS queued but not handed to a worker; `send_sms` will", len(ids))


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.FANGKONG_SMS_RETRY_SECONDS * attempts)


def _send_one(message: SmsMessage, backend: SmsBackend, now: datetime, out: Delivery) -> None:
    lease = now + timedelta(seconds=settings.FANGKONG_SMS_TIMEOUT_SECONDS + 60)
    claimed = SmsMessage.objects.filter(
        pk=message.pk, state=SmsState.QUEUED, attempts=message.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=lease)
    if not claimed:
        return  # another sender has it, or it is gone
    message.attempts += 1
    limit = settings.FANGKONG_SMS_MAX_ATTEMPTS
    try:
        backend.send(to=message.to, text=message.text, ref=str(message.pk))
    except Exception as error:
        if isinstance(error, SmsError):
            reason, permanent = error.reason, error.permanent
        else:  # a backend's own fault: keep the message and say what happened
            reason, permanent = f"backend error: {type(error).__name__}", False
        reason = reason.replace(message.to, mask(message.to))[:500]
        message.last_error = reason
        if permanent or message.attempts >= limit:
            message.state = SmsState.FAILED
            out.failed += 1
        else:
            message.next_attempt_at = now + _backoff(message.attempts)
            out.retrying.append(message.pk)
            if out.next_at is None or message.next_attempt_at < out.next_at:
                out.next_at = message.next_attempt_at
        logger.warning(
            "SMS %s to %s not sent (attempt %d of %d, %s): %s", message.pk,
            message.masked_to, message.attempts, limit, message.state, reason,
        )  # fmt: skip
        message.save(update_fields=["state", "last_error", "next_attempt_at"])
        return
    message.state = SmsState.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["state", "sent_at", "last_error"])
    out.sent += 1


def deliver(
    message_ids: Iterable[int] | None = None,
    *,
    limit: int | None = None,
    now: datetime | None = None,
    backend: SmsBackend | None = None,
) -> Delivery:
    """Send the queued messages that are due (those of ``message_ids`` only, if given),
    oldest first, at most ``limit`` of them."""
    now = now or timezone.now()
    backend = backend or get_backend()
    due = SmsMessage.objects.filter(state=SmsState.QUEUED, next_attempt_at__lte=now)
    if message_ids is not None:
        due = due.filter(pk__in=list(message_ids))
    out = Delivery()
    seen: set[int] = set()
    # A message tried once is no longer due (sent, failed, or due again later), so each
    # batch is new; ``seen`` only guards against a row that stays due for another reason.
    while limit is None or len(seen) < limit:
        size = BATCH if limit is None else min(BATCH, limit - len(seen))
        batch = [m for m in due.order_by("next_attempt_at", "id")[:size] if m.pk not in seen]
        if not batch:
            break
        for message in batch:
            seen.add(message.pk)
            _send_one(message, backend, now, out)
    return out


def requeue_failed(*, ids: Iterable[int] | None = None) -> int:
    """Give failed messages their attempts back (after the gateway was fixed)."""
    failed = SmsMessage.objects.filter(state=SmsState.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    return failed.update(state=SmsState.QUEUED, attempts=0, next_attempt_at=timezone.now())
