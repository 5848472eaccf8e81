"""Text as offices type it, reduced to what compares equal."""

from __future__ import annotations

import re
import unicodedata

from fangkong.core.text import drop_controls

_SPACES = re.compile(r"\s+")
# Punctuation that varies between two typings of one address: "3号楼-2单元" vs "3号楼2单元".
_ADDRESS_NOISE = re.compile(r"[\s\-—–_,，、.。·()（）#＃]")


def clean_text(value: object) -> str:
    """Full-width forms folded (NFKC), whitespace collapsed, control characters dropped,
    ends trimmed."""
    if value is None:
        return ""
    text = drop_controls(unicodedata.normalize("NFKC", str(value)))
    return _SPACES.sub(" ", text).strip()


def address_key(address: str) -> str:
    """An address reduced for matching: folded, without spaces or separators."""
    return _ADDRESS_NOISE.sub("", clean_text(address)).upper()[:200]
