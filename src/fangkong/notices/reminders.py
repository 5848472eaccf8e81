"""Reminding units whose daily report is overdue (日报告催报): a notice and an SMS to each
user who answers for the unit's report, at most once per unit and day in a cool-down.

Which units: those of ``reports.selectors.completeness`` that are past their deadline
without a submitted report (a unit that reported, or whose deadline has not passed, is
not reminded). Who: ``reports.selectors.who_answers``. The cool-down is kept in the
database (:class:`ReportReminder`), so it holds across processes, the button and the cron.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.paths import SEGMENT_WIDTH
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.notices.models import NoticeKind, ReportReminder
from fangkong.notices.services import Draft, notify_many
from fangkong.orgunits.models import OrgUnit
from fangkong.reports import selectors as report_selectors

# Who may remind the units of a subtree: those who run its campaigns (street and
# community officers, the command) and those who publish the bulletin (the command).
REMIND_PERMS = (Perm.MANAGE_CAMPAIGNS, Perm.PUBLISH_BULLETIN)


def may_remind(actor: User, unit: OrgUnit) -> bool:
    return any(has_perm_at(actor, perm, unit.path) for perm in REMIND_PERMS)


def cooldown() -> timedelta:
    return timedelta(seconds=settings.FANGKONG_REMINDER_COOLDOWN_SECONDS)


def _claim(unit_ids: list[int], day: date, now: datetime, actor: User | None) -> set[int]:
    """The units not reminded for ``day`` within the cool-down, now marked as reminded.
    Runs under the lock of ``_lock_tree`` so that two callers never claim the same unit."""
    since = now - cooldown()
    existing = dict(
        ReportReminder.objects.filter(day=day, unit_id__in=unit_ids).values_list(
            "unit_id", "last_at"
        )
    )
    stale = [u for u, at in existing.items() if at <= since]
    new = [u for u in unit_ids if u not in existing]
    if stale:
        ReportReminder.objects.filter(day=day, unit_id__in=stale).update(
            last_at=now, last_by=actor, times=F("times") + 1
        )
    ReportReminder.objects.bulk_create(
        [ReportReminder(unit_id=u, day=day, last_at=now, last_by=actor, times=1) for u in new]
    )
    return {*stale, *new}


def _lock_tree(unit: OrgUnit) -> None:
    """Reminders anywhere in one top-level tree run one at a time (a row lock on its root;
    on SQLite every writing transaction already does)."""
    root = unit.path[:SEGMENT_WIDTH]
    list(OrgUnit.objects.select_for_update(no_key=True).filter(path=root).values_list("pk"))


def _texts(unit: OrgUnit, day: date, deadline: datetime) -> tuple[str, str, str]:
    values = {
        "unit": unit.name,
        "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
        "deadline": formats.date_format(timezone.localtime(deadline), "SHORT_DATETIME_FORMAT"),
    }
    title = _("The daily report of %(unit)s for %(day)s is missing") % values
    body = (
        _(
            "It was due at %(deadline)s. Please submit it now, or a zero report if there is "
            "nothing new."
        )
        % values
    )
    sms = (
        _(
            "%(unit)s: the daily report for %(day)s was due at %(deadline)s and has not come in. "
            "Please submit it."
        )
        % values
    )
    return title, body, sms


def remind_missing_reports(
    *, actor: User | None, unit: OrgUnit, day: date, now: datetime | None = None
) -> int:
    """Remind whoever answers for each overdue report of ``day`` in ``unit``'s subtree;
    returns how many users were reminded. ``actor`` None is the installation itself (the
    cron); a user must hold one of :data:`REMIND_PERMS` at ``unit``."""
    if actor is not None and not may_remind(actor, unit):
        raise PermissionDenied(_("You may not send reminders for this unit."))
    now = now or timezone.now()
    # Every missing unit, not the first page of them that the completeness page lists.
    missing = report_selectors.completeness(unit, day, now, limit=100_000).missing
    if not missing:
        return 0
    answering = report_selectors.who_answers([m.unit.id for m in missing])
    missing = [m for m in missing if answering.get(m.unit.id)]
    if not missing:
        return 0
    with transaction.atomic():
        _lock_tree(unit)
        claimed = _claim([m.unit.id for m in missing], day, now, actor)
        drafts: list[Draft] = []
        for m in missing:
            if m.unit.id not in claimed:
                continue
            title, body, sms = _texts(m.unit, day, m.deadline)
            link = reverse("reports:report", args=[m.unit.pk, day.isoformat()])
            drafts += [
                Draft(user.pk, NoticeKind.REPORT_MISSING, title, body, link, True, sms)
                for user in answering[m.unit.id]
            ]
        notify_many(drafts, actor=actor)
        reminded = len({d.user_id for d in drafts})
        if drafts:
            # A bulk write the model audit does not see (DESIGN.md, Stack).
            audit.record(
                actor=actor, action=audit.Action.CREATE, org_path=unit.path,
                changes={"units": len(claimed), "users": reminded},
                note=f"report reminders {day.isoformat()}",
            )  # fmt: skip
    return reminded
