"""Mainland mobile numbers, as people type them and as spreadsheets store them."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-.()（）·/]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalize_mobile(raw: object) -> str:
    """11 digits starting 13-19; country prefixes and separators removed."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip()
    text = _SEPARATORS.sub("", text)
    if not text:
        raise ValidationError(_("Enter a mobile phone number."), code="phone_empty")
    if text.startswith("+"):
        text = text[1:]
    for prefix in ("0086", "86"):
        if text.startswith(prefix) and len(text) == 11 + len(prefix):
            text = text[len(prefix) :]
            break
    if not text.isdigit():
        raise ValidationError(
            _("A mobile number has only digits; “%(value)s” has other characters.")
            % {"value": raw},
            code="phone_chars",
        )
    if len(text) != 11:
        raise ValidationError(
            _("A mobile number has 11 digits; this one has %(count)d.") % {"count": len(text)},
            code="phone_length",
        )
    if not _MOBILE.fullmatch(text):
        raise ValidationError(
            _("A mainland mobile number starts with 13 to 19; this one starts with %(start)s.")
            % {"start": text[:2]},
            code="phone_prefix",
        )
    return text
