"""Text from outside (files, forms, devices) made safe to store."""

from __future__ import annotations

import re

# Control characters other than whitespace: NUL among them, which PostgreSQL refuses in text
# (the whole statement fails), and the rest, which no field of this system means to hold.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def drop_controls(text: str) -> str:
    return _CONTROLS.sub("", text) if not text.isprintable() else text


_ID = re.compile(r"[0-9]{1,18}")


def is_id(value: object) -> bool:
    """A record id as typed in a URL or a form: ASCII digits only ("²" is a digit to
    Python's isdigit, and int() refuses it)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None
