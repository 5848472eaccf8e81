"""The rules of cases, pure: which classification may follow which, and by whom; the
exposure window a policy asks for; whether a report was late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from fangkong.cases.models import Classification as C
from fangkong.core.roles import Perm

# Where a case may go from each classification, and the permission each step needs:
# clinicians diagnose (suspected, clinical); the CDC confirms, excludes and records
# asymptomatic infections (2020: confirmation by the CDC's laboratory or expert group).
TRANSITIONS: dict[str, dict[str, Perm]] = {
    C.SUSPECTED: {C.CLINICAL: Perm.DIAGNOSE_CASES, C.CONFIRMED: Perm.MANAGE_CASES,
                  C.EXCLUDED: Perm.MANAGE_CASES},
    C.CLINICAL: {C.CONFIRMED: Perm.MANAGE_CASES, C.EXCLUDED: Perm.MANAGE_CASES},
    C.ASYMPTOMATIC: {C.CONFIRMED: Perm.MANAGE_CASES, C.EXCLUDED: Perm.MANAGE_CASES},
    C.CONFIRMED: {},
    C.EXCLUDED: {},
}  # fmt: skip

# A first report: a clinician reports a suspected or clinical case; the CDC any but excluded.
FIRST: dict[str, Perm] = {
    C.SUSPECTED: Perm.DIAGNOSE_CASES,
    C.CLINICAL: Perm.DIAGNOSE_CASES,
    C.CONFIRMED: Perm.MANAGE_CASES,
    C.ASYMPTOMATIC: Perm.MANAGE_CASES,
}


def next_steps(classification: str) -> dict[str, Perm]:
    return TRANSITIONS.get(classification, {})


def report_late(diagnosed_at: datetime, reported_at: datetime, hours: int) -> bool:
    return reported_at - diagnosed_at > timedelta(hours=hours)


@dataclass(frozen=True)
class Window:
    start: date | None
    rule: str

    def covers(self, day: date) -> bool:
        return self.start is None or day >= self.start


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def exposure_window(
    *,
    onset: date | None,
    sampled_on: date | None,
    days_before: int,
    policy_from: date | None,
) -> Window:
    """From when contact with the case counts, and the words that say why."""
    policy = _day(policy_from) if policy_from else _("default")
    anchor, what = (onset, _("onset")) if onset else (sampled_on, _("sampling"))
    if anchor is None:
        return Window(None, _("No onset or sampling date is known: every contact counts "
                              "until one is recorded."))  # fmt: skip
    start = anchor - timedelta(days=days_before)
    if days_before == 0:
        text = _("The policy of %(policy)s counts contact from the %(what)s (%(day)s) on.")
    else:
        text = _(
            "The policy of %(policy)s counts contact from %(days)d days before the %(what)s "
            "(%(anchor)s): from %(day)s."
        )
    return Window(
        start,
        text % {"policy": policy, "what": what, "day": _day(start), "days": days_before,
                "anchor": _day(anchor)},
    )  # fmt: skip
