"""Writing notices: send them (with an SMS where asked), mark them read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from fangkong.accounts.models import User
from fangkong.notices import outbox
from fangkong.notices.models import Notice, NoticeKind, SmsMessage
from fangkong.people.phones import normalize_mobile

TITLE_MAX = Notice._meta.get_field("title").max_length or 200
SMS_MAX = 300  # characters; a gateway splits long texts into parts


@dataclass(frozen=True)
class Draft:
    """One notice to one user."""

    user_id: int
    kind: str
    title: str
    body: str = ""
    link: str = ""
    sms: bool = False
    sms_text: str = ""  # blank: the title and the text


def check_link(link: str) -> str:
    """A notice leads to a page of this site: a path, never another host."""
    if link and not (
        link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    ):
        raise ValueError(f"a notice's link is a path on this site, not {link!r}")
    return link


def sms_number(phone: str) -> str:
    """The mobile number to text, or "" for none (blank, or a landline)."""
    if not phone:
        return ""
    try:
        return normalize_mobile(phone)
    except ValidationError:
        return ""


def notify(
    users: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    sms: bool = False,
    actor: User | None = None,
    sms_text: str = "",
) -> list[Notice]:
    """A notice to each active user of ``users`` (each once), and if ``sms`` a text message
    to each of them who has a mobile number on file."""
    drafts = [
        Draft(user_id, kind, title, body, link, sms, sms_text)
        for user_id in dict.fromkeys(u.pk for u in users)
    ]
    return notify_many(drafts, actor=actor)


@transaction.atomic
def notify_many(drafts: list[Draft], *, actor: User | None = None) -> list[Notice]:
    """Write many notices (and their SMS) in a few statements, whatever their number."""
    for draft in drafts:
        check_link(draft.link)
        if draft.kind not in NoticeKind.values:
            raise ValueError(f"unknown notice kind {draft.kind!r}")
    if not drafts:
        return []
    texting = {d.user_id for d in drafts if d.sms}
    fields = ["id", "is_active", "phone"] if texting else ["id", "is_active"]
    users = {u.pk: u for u in User.objects.filter(pk__in={d.user_id for d in drafts}).only(*fields)}
    now = timezone.now()
    kept = [d for d in drafts if d.user_id in users and users[d.user_id].is_active]
    notices = Notice.objects.bulk_create(
        [
            Notice(
                recipient_id=d.user_id,
                kind=d.kind,
                title=d.title[:TITLE_MAX],
                body=d.body,
                link=d.link,
                sender=actor,
                created_at=now,
            )
            for d in kept
        ]
    )
    messages: list[SmsMessage] = []
    for draft, notice in zip(kept, notices, strict=True):
        if not draft.sms:
            continue
        number = sms_number(users[draft.user_id].phone)
        if not number:
            continue
        text = draft.sms_text or (f"{draft.title}: {draft.body}" if draft.body else draft.title)
        messages.append(
            SmsMessage(notice=notice, recipient_id=draft.user_id, to=number, text=text[:SMS_MAX])
        )
    outbox.queue(messages)
    return notices


def notice_read(*, actor: User, notice: Notice, now: datetime | None = None) -> bool:
    """Mark one of the actor's own notices read; False if it already was."""
    changed = Notice.objects.filter(pk=notice.pk, recipient=actor, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    return bool(changed)


def notices_read_all(*, actor: User, now: datetime | None = None) -> int:
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
