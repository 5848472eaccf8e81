"""``{% load notices %}``: what the notices partials ask of the page they are in."""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.notices.reminders import may_remind as _may_remind

register = template.Library()


@register.filter
def may_remind(user: Any, unit: Any) -> bool:
    """``request.user|may_remind:unit``: may this user send reminders for ``unit``?"""
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    return _may_remind(user, unit)
