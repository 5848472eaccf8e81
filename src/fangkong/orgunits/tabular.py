"""Reading an uploaded table (CSV or spreadsheet) into rows of text cells.

Row ``i`` of the result is row ``i + 1`` as the spreadsheet shows it: empty rows are kept, so
that error messages can name the row the user sees.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from fangkong.core.text import drop_controls

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
# Zip (xlsx, ods) and OLE2 (xls) signatures, for a spreadsheet saved under another name.
SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
CSV_DELIMITERS = ",\t;"


def read_table(file_name: str, content: bytes) -> list[list[str]]:
    """The first sheet (or the CSV) as stripped text cells; ValidationError if unreadable."""
    if not content.strip():
        raise ValidationError(_("The file is empty."))
    if file_name.lower().endswith(SPREADSHEET_SUFFIXES) or content.startswith(SPREADSHEET_MAGIC):
        return _read_spreadsheet(content)
    return _read_csv(content)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text; whole numbers without ".0" (a code typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return drop_controls(str(value)).strip()


def _read_spreadsheet(content: bytes) -> list[list[str]]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as error:
        raise ValidationError(_("The file could not be read as a spreadsheet.")) from error
    return [[cell_text(value) for value in row] for row in rows]


def _decode(content: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030: Excel and WPS on a Chinese
    Windows save CSV in GBK, of which GB18030 is a superset."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor GBK text; save it again as CSV."))


def _read_csv(content: bytes) -> list[list[str]]:
    text = _decode(content)
    # The header may sit below a title line without any delimiter in it.
    sample = "\n".join(text.splitlines()[:10])
    delimiter = max(CSV_DELIMITERS, key=sample.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[drop_controls(cell).strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise ValidationError(_("The file could not be read as CSV.")) from error
