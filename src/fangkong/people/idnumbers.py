"""Identity documents, above all the resident ID card (GB 11643-1999).

An 18-character resident ID is a 6-digit region code, the birth date
(YYYYMMDD), a 3-digit sequence whose last digit gives the sex (odd: male) and
an ISO 7064 MOD 11-2 check character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from operator import mul
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.people import divisions


class IdType(models.TextChoices):
    RESIDENT = "resident", gettext_lazy("Resident ID card")
    PASSPORT = "passport", gettext_lazy("Passport")
    OTHER = "other", gettext_lazy("Other document")


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level codes: the first two digits of every real ID. 71 is Taiwan, 81/82
# Hong Kong and Macao; 83 is used on residence permits for Taiwan residents.
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
_NOISE = re.compile(r"[\s\-'‘’`]+")
_FLOAT_TEXT = re.compile(r"\d(\.\d+)?[eE][+]?\d+")


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: date
    sex: Literal["M", "F"]

    @property
    def region_name(self) -> str:
        return divisions.full_name(self.region_code)


_ZERO_SUM = 48 * sum(WEIGHTS)  # the weighted sum of "0" * 17 as ASCII codes


def check_char(first17: str) -> str:
    # On the ASCII codes in C (map), then taking off what the "0"s add: 8 µs → 1 µs a row.
    return CHECK_CHARS[(sum(map(mul, WEIGHTS, first17.encode())) - _ZERO_SUM) % 11]


def normalize_id_text(raw: object) -> str:
    """Compact upper-case text; refuses numbers that a spreadsheet has rounded."""
    # A number cell is a double: exact up to 2**53 (a 15-digit first-generation
    # number survives), rounded beyond (an 18-digit one does not).
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 2**53:
        raw = int(raw)
    if isinstance(raw, float) or (isinstance(raw, str) and _FLOAT_TEXT.search(raw)):
        raise ValidationError(
            _(
                "The ID number was stored as a number in the spreadsheet and lost its last "
                "digits; format the column as text and type it again."
            ),
            code="id_number_as_number",
        )
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    return _NOISE.sub("", text).upper()


def parse_resident_id(raw: object, *, today: date | None = None) -> ResidentId:
    number = normalize_id_text(raw)
    if not number:
        raise ValidationError(_("Enter the ID number."), code="id_empty")
    if len(number) == 15 and number.isdigit():
        # First-generation cards: 2-digit year, no check character.
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_char(first17)
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(count)d.")
            % {"count": len(number)},
            code="id_length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number is 17 digits and a last digit or X."), code="id_chars"
        )
    if number[:2] not in PROVINCES:
        raise ValidationError(
            _("%(code)s is not a province code: the ID number cannot start this way.")
            % {"code": number[:2]},
            code="id_region",
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The date of birth in the ID number (%(digits)s) is not a real date.")
            % {"digits": number[6:14]},
            code="id_birth_date",
        ) from None
    today = today or timezone.localdate()
    if born > today:
        raise ValidationError(
            _("The date of birth in the ID number is in the future."), code="id_future_birth"
        )
    if born.year < 1880:
        raise ValidationError(
            _("The date of birth in the ID number (%(digits)s) is not a real date.")
            % {"digits": number[6:14]},
            code="id_birth_date",
        )
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _(
                "The last character does not match the others: expected %(expected)s, found "
                "%(found)s. Check every digit."
            )
            % {"expected": expected, "found": number[17]},
            code="id_checksum",
        )
    # The region is not looked up: a card keeps the county code in force when it
    # was issued, and county codes change, so an unknown county is not an error.
    sex: Literal["M", "F"] = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number=number, region_code=number[:6], birth_date=born, sex=sex)


_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")


def clean_id_number(id_type: str, raw: object) -> str:
    if id_type == IdType.RESIDENT:
        return parse_resident_id(raw).number
    text = normalize_id_text(raw)
    if not text:
        raise ValidationError(_("Enter the document number."), code="id_empty")
    if id_type == IdType.PASSPORT:
        if not _PASSPORT.fullmatch(text):
            raise ValidationError(
                _("A passport number is 5 to 20 letters and digits."), code="passport_format"
            )
        return text
    if len(text) > 40 or not text.isprintable():
        raise ValidationError(
            _("A document number is at most 40 printable characters."), code="other_format"
        )
    return text
