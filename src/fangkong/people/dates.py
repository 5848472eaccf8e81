"""Dates as spreadsheets hold them: date cells, Excel serials, and the ways offices type them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Excel's day 0 is 1899-12-30 (its phantom 1900-02-29 makes later serials line up).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (18264, 73051)  # 1950-01-01 .. 2099-12-31
_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s.*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _make(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a real date.") % {"value": raw}, code="date_invalid"
        ) from None


def parse_date_cell(value: object, *, default_year: int | None = None) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        serial = int(value)
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + timedelta(days=serial)
        text = str(serial)
    else:
        text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    if text.isdigit() and len(text) == 5:
        serial = int(text)
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + timedelta(days=serial)
    if match := _FULL.fullmatch(text):
        return _make(int(match[1]), int(match[2]), int(match[3]), value)
    if match := _COMPACT.fullmatch(text):
        return _make(int(match[1]), int(match[2]), int(match[3]), value)
    if match := _MONTH_DAY.fullmatch(text):
        if default_year is None:
            raise ValidationError(
                _("“%(value)s” has no year; write it as 2020-01-24.") % {"value": value},
                code="date_year_missing",
            )
        return _make(default_year, int(match[1]), int(match[2]), value)
    raise ValidationError(
        _("“%(value)s” is not a date; write it as 2020-01-24.") % {"value": value},
        code="date_format",
    )
