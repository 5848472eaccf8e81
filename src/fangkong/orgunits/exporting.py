"""Exporting a subtree of the org-unit tree, in the columns the importer reads back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Literal

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core import watermark
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits.importing_rows import COLUMNS, EXPORT_HEADERS, EXPORT_LEVEL_WORDS
from fangkong.orgunits.models import OrgUnit

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADER = [EXPORT_HEADERS[column] for column in COLUMNS]
# Two rows to copy, in the template only.
EXAMPLE_ROWS: list[list[str | int]] = [
    ["370102001001", "示例社区", "370102001000", "社区", 3200, 1100],
    ["370102001001001", "第一网格", "370102001001", "网格", 800, 300],
]
TEXT_COLUMNS = {COLUMNS.index("code"), COLUMNS.index("parent_code")}
COLUMN_WIDTHS = [18, 24, 18, 8, 10, 10]

Row = Sequence[str | int]


def _unit_rows(actor: User, root: OrgUnit) -> list[Row]:
    units = (
        OrgUnit.objects.visible_to(actor)
        .in_subtree(root.path)
        .order_by("path")
        .values_list("code", "name", "parent__code", "level", "residents", "households")
    )
    return [
        [code, name, parent_code or "", EXPORT_LEVEL_WORDS[level], residents, households]
        for code, name, parent_code, level, residents, households in units
    ]


def _inert(value: object) -> object:
    """A cell Excel will not run as a formula: text starting with = + - @ gets a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([[_inert(value) for value in row] for row in rows])
    # With the BOM, Excel on a Chinese Windows opens the file as UTF-8 rather than GBK.
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows: Iterable[Row], sheet_name: str, actor: User | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    sheet = book.add_worksheet(sheet_name[:31])
    if actor is not None:
        watermark.xlsx(book, [sheet], actor)
    bold = book.add_format({"bold": True})
    # Codes are text: as numbers Excel would show 3.70102E+11 and lose the leading zeros.
    text = book.add_format({"num_format": "@"})
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.set_column(index, index, width, text if index in TEXT_COLUMNS else None)
    sheet.write_row(0, 0, HEADER, bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if index in TEXT_COLUMNS:
                sheet.write_string(number, index, str(value), text)
            else:
                sheet.write(number, index, value)
    book.close()
    return buffer.getvalue()


def _render(rows: list[Row], fmt: str, sheet_name: str, actor: User | None = None) -> bytes:
    if fmt == "csv":
        return _csv(rows)
    if fmt == "xlsx":
        return _xlsx(rows, sheet_name, actor)
    raise ValueError(f"unknown export format: {fmt!r}")


def export_units(*, actor: User, root: OrgUnit, fmt: Format) -> tuple[bytes, str, str]:
    """``root`` and its subtree as (file content, file name, content type); audited."""
    if not has_perm_at(actor, Perm.EXPORT, root.path):
        raise PermissionDenied(_("You may not do this here."))
    rows = _unit_rows(actor, root)
    content = _render(rows, fmt, root.code, actor)
    file_name = f"units-{root.code}-{timezone.localdate():%Y%m%d}.{fmt}"
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        target=root,
        changes={"rows": len(rows), "format": fmt},
        note=_("%(count)d units exported as %(format)s.") % {"count": len(rows), "format": fmt},
    )
    return content, file_name, CONTENT_TYPES[fmt]


def template_file(fmt: Format) -> tuple[bytes, str, str]:
    """An empty import file: the header row and two example rows."""
    rows: list[Row] = list(EXAMPLE_ROWS)
    return _render(rows, fmt, "units"), f"units-template.{fmt}", CONTENT_TYPES[fmt]
