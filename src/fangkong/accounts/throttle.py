"""Login throttling, counted from the audit log's failed-login entries.

Failures are counted per user name and per address since the later of the
window's start and that name's last successful login. The audit log is the
one record of login attempts, so the count survives restarts and is shared by
every server worker.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from fangkong.accounts.models import AuditEntry

Action = AuditEntry.Action


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def locked_until(*, username: str, ip: str | None) -> datetime.datetime | None:
    """When the next attempt for this name or from this address will be accepted, if locked."""
    start = _window_start()
    name = username.strip().lower()
    last_success = AuditEntry.objects.filter(
        action=Action.LOGIN, actor_name=name, at__gte=start
    ).aggregate(m=Max("at"))["m"]
    since = max(start, last_success) if last_success else start
    by_name = AuditEntry.objects.filter(action=Action.LOGIN_FAILED, actor_name=name, at__gt=since)
    newest = None
    if by_name.count() >= settings.LOGIN_MAX_FAILURES_PER_USER:
        newest = by_name.aggregate(m=Max("at"))["m"]
    if ip:
        by_ip = AuditEntry.objects.filter(action=Action.LOGIN_FAILED, ip=ip, at__gt=start)
        if by_ip.count() >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS:
            ip_newest = by_ip.aggregate(m=Max("at"))["m"]
            newest = max(newest, ip_newest) if newest else ip_newest
    if newest is None:
        return None
    return newest + datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
