"""Template helpers for duty pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from fangkong.duty.models import CHECK_IN_EARLY, DutyAssignment, Shift

register = template.Library()


@register.filter
def duty_state(assignment: DutyAssignment, now: datetime) -> str:
    """out, in, late_in, no_show, late or upcoming (see ``DutyAssignment.state_at``)."""
    return assignment.state_at(now)


@register.filter
def next_day(span: Shift | DutyAssignment) -> bool:
    """Does the shift (or assignment) end on a later calendar day than it starts?"""
    return timezone.localdate(span.ends_at) > timezone.localdate(span.starts_at)


@register.filter
def may_check(assignment: DutyAssignment, user: object) -> bool:
    from fangkong.duty.services import may_check as allowed

    return allowed(user, assignment)  # type: ignore[arg-type]


@register.filter
def open_for_check(assignment: DutyAssignment, now: datetime) -> bool:
    """Can it be checked in or out now (from two hours before the start; in only until the
    end)?"""
    if assignment.checked_in_at is not None:
        return assignment.checked_out_at is None
    return assignment.starts_at - CHECK_IN_EARLY <= now < assignment.ends_at
