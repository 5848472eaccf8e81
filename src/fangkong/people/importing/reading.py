"""Raw rows from a file, streamed: a million-row CSV is never held in memory."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def sniff_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else GB18030 (GBK's superset, WPS/Excel)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if error.start < len(head) - 3:
            return "gb18030"
    return "utf-8"


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    with open(path, "rb") as raw:
        encoding = sniff_encoding(raw.read(1 << 16))
    with open(path, encoding=encoding, newline="", errors="replace") as f:
        yield from csv.reader(f)


def _workbook_rows(path: Path) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    sheet = workbook.get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    # A merged cell holds its value in its top-left corner only; offices merge
    # a household's address over its members' rows, so spread it over the range.
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        if top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else ""
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            for c in range(left, right + 1):
                if c < len(rows[r]):
                    rows[r][c] = value
    yield from rows


def read_rows(path: Path, filename: str) -> Iterator[list[Any]]:
    if filename.lower().endswith(WORKBOOK_SUFFIXES):
        return _workbook_rows(path)
    return _csv_rows(path)


def count_rows(path: Path, filename: str) -> int:
    """About how many rows (for the progress bar): lines of a CSV, rows of a sheet."""
    if filename.lower().endswith(WORKBOOK_SUFFIXES):
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).height
    lines = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            lines += block.count(b"\n")
    return lines


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)
