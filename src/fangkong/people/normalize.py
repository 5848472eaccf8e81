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


_SEPARATORS = re.compile(r"[\s·.\-_—•/]")


def transport_number(raw: object) -> str:
    """A flight or train number as stored and looked up: full-width forms folded, upper
    case, without spaces or separators, a trailing 次 dropped: "g 1234次" → "G1234".
    Every way in (forms, imports, declarations, case trips) stores it so, or a case's
    trip would not find the passengers who typed it another way."""
    text = str(raw or "")
    # Twice: taking out a space or changing the case can leave characters that compose.
    for _round in range(2):
        text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    return text.rstrip("次")
