"""Mainland vehicle plates (GA 36): what a roadside officer types, checked and normalised.

Accepted, after folding full-width forms, spaces, dots and hyphens away:
  * ordinary plates: a province character, the issuing office's letter, five letters
    or digits (鲁A12345), or four and a last character for trailers, learners, police,
    Hong Kong and Macau cross-border cars, consulates, trials (鲁A1234挂, 粤Z1234港);
  * new-energy plates, eight characters: small cars with the energy letter first then
    a letter or digit and four digits (鲁AD12345, 鲁AF1K234 is refused), large vehicles
    with five digits then the energy letter (鲁A12345D);
  * embassy plates: 使 and six digits (使123456).
The letters I and O are never issued: in the serial part they are read as 1 and 0,
the way they are mistyped. Military and armed-police plates, foreign and temporary
plates follow other rules: the form offers to record those unchecked.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
OFFICE = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O
SERIAL = OFFICE + "0123456789"
SUFFIXES = "挂学警港澳领试超"
ENERGY = "ABCDEFGHJK"  # D, A, B, C, E: battery; F, G, H, J, K: other new energy

_ORDINARY = re.compile(rf"[{PROVINCES}][{OFFICE}][{SERIAL}]{{5}}")
_SUFFIXED = re.compile(rf"[{PROVINCES}][{OFFICE}][{SERIAL}]{{4}}[{SUFFIXES}]")
_SMALL_ENERGY = re.compile(rf"[{PROVINCES}][{OFFICE}][{ENERGY}][{SERIAL}][0-9]{{4}}")
_LARGE_ENERGY = re.compile(rf"[{PROVINCES}][{OFFICE}][0-9]{{5}}[{ENERGY}]")
_EMBASSY = re.compile(r"使[0-9]{6}")
_DROP = re.compile(r"[\s·.\-_—•]")


def normalize_plate(raw: object) -> str:
    """The plate as stored: upper case, nothing between the characters; I and O in the
    serial part read as 1 and 0. Raises ValidationError (in the user's language) if it
    is not a mainland plate."""
    text = _DROP.sub("", unicodedata.normalize("NFKC", str(raw or ""))).upper()
    if not text:
        raise ValidationError(_("Enter the plate, or choose “on foot”."), code="empty")
    if len(text) >= 3 and text[0] in PROVINCES:
        text = text[:2] + text[2:].replace("O", "0").replace("I", "1")
    if any(p.fullmatch(text) for p in (_ORDINARY, _SUFFIXED, _EMBASSY)):
        return text
    if len(text) == 8 and (_SMALL_ENERGY.fullmatch(text) or _LARGE_ENERGY.fullmatch(text)):
        return text
    raise ValidationError(_plate_problem(text), code="invalid")


def _plate_problem(text: str) -> str:
    if text[0] not in PROVINCES:
        return _("A plate starts with a province character such as 鲁 or 鄂; “%(value)s” does "
                 "not. For military, foreign or temporary plates tick “other plate”.") % {
            "value": text}  # fmt: skip
    if len(text) < 2 or text[1] not in OFFICE:
        return _("The second character of a plate is a letter (A to Z, without I and O).")
    if len(text) not in (7, 8):
        return _("A plate has 7 characters, or 8 for a new-energy vehicle; “%(value)s” has "
                 "%(count)d.") % {"value": text, "count": len(text)}  # fmt: skip
    if len(text) == 8:
        return _(
            "A new-energy plate has a letter D, F (or A–K) and five more characters after "
            "the office letter, or five digits and then that letter."
        )
    return _("“%(value)s” is not a valid plate: after the province and the letter come five "
             "letters or digits.") % {"value": text}  # fmt: skip
