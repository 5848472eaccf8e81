"""The demo's bulletins: every day before today that has submitted daily reports in the
district gets its bulletin, generated from those reports and published by the commander
(yesterday's is left a draft to approve), so that /bulletin/ has a history and its charts
a line.

Call it after the daily reports are loaded (core.demo.load_demo, after load_cases and any
reports demo); with no reports it publishes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.bulletin import services
from fangkong.core.paths import subtree_q
from fangkong.orgunits.models import OrgUnit


def load_bulletins(district: OrgUnit, *, actor: User | None = None) -> int:
    """Returns the number of bulletins published (drafts not counted)."""
    from fangkong.reports.models import DailyReport, ReportState

    actor = actor or User.objects.filter(username="commander").first()
    if actor is None or not services.may_publish(actor, district):
        return 0
    days = (
        DailyReport.objects.filter(
            subtree_q("org_path", district.path),
            state=ReportState.SUBMITTED,
            day__lt=timezone.localdate(),
        )
        .values_list("day", flat=True)
        .distinct()
        .order_by("day")
    )
    published = 0
    last = timezone.localdate() - timedelta(days=1)
    for day in days:
        draft = services.bulletin_generate(
            actor=actor, unit=district, day=day, language=settings.LANGUAGE_CODE
        )
        # Yesterday's stays a draft: its reports are still coming in, and the commander
        # has something to approve.
        if day < last:
            services.bulletin_publish(actor=actor, bulletin=draft)
            published += 1
    return published
