"""Text from outside (files, forms, devices) made safe to store."""

from __future__ import annotations

import re

# Control characters other than whitespace: NUL among them, which PostgreSQL refuses in text
# (the whole statement fails), and the rest, which no field of this system means to hold.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def drop_controls(text: str) -> str:
    return _CONTROLS.sub("", text) if not text.isprintable() else text
