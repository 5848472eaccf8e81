from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def magnitude(value: int) -> int:
    """A ledger quantity without its sign: "200 sent", not "-200 sent"."""
    return abs(int(value))
