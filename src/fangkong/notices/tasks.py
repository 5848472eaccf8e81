"""Background work for notices: sending the SMS outbox. Tasks take ids (STYLE.md, 11)."""

from __future__ import annotations

from django_tasks import task

from fangkong.notices import outbox


@task()
def send_sms(message_ids: list[int]) -> dict[str, int]:
    """Send these messages if they are still queued and due; a message the gateway did not
    take is tried again later, by this task where the task backend can defer (the database
    backend can), and in any case by ``fangkong send_sms``."""
    done = outbox.deliver(message_ids)
    if done.retrying and done.next_at is not None and send_sms.get_backend().supports_defer:
        send_sms.using(run_after=done.next_at).enqueue(done.retrying)
    return {"sent": done.sent, "failed": done.failed, "retrying": len(done.retrying)}
