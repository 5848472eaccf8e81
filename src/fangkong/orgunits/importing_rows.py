"""Reading the rows of an org-unit import: the columns, the words, one row at a time.

A row is checked on its own here (code, name, level, figures); how it fits the tree (parent,
scope, level below the parent's) is for :mod:`fangkong.orgunits.importing`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple, cast

from django.db import models
from django.utils.translation import gettext as _

from fangkong.orgunits.models import Level, OrgUnit, code_validator

COLUMNS = ("code", "name", "parent_code", "level", "residents", "households")
REQUIRED_COLUMNS = ("code", "name", "parent_code", "level")

# Header spellings met in district spreadsheets (simplified and traditional script), compared
# without case, spaces, underscores, asterisks or a bracketed unit such as "户数（户）".
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "代码", "编码", "区划代码", "代碼", "編碼", "區劃代碼"),
    "name": ("name", "名称", "名稱"),
    "parent_code": ("parent_code", "parent", "上级代码", "上级编码", "上級代碼", "上級編碼"),
    "level": ("level", "层级", "级别", "層級", "級別"),
    "residents": ("residents", "人口", "常住人口"),
    "households": ("households", "户数", "戶數"),
}
# What the export and the template write: the words the districts' own tables use.
EXPORT_HEADERS: dict[str, str] = {
    "code": "代码",
    "name": "名称",
    "parent_code": "上级代码",
    "level": "层级",
    "residents": "常住人口",
    "households": "户数",
}
EXPORT_LEVEL_WORDS: dict[str, str] = {
    Level.DISTRICT: "区县",
    Level.STREET: "街道",
    Level.TOWNSHIP: "乡镇",
    Level.COMMUNITY: "社区",
    Level.VILLAGE: "村",
    Level.GRID: "网格",
    Level.BUILDING: "楼栋",
}
LEVEL_WORDS: dict[str, str] = {
    **{level.value: level.value for level in Level},
    **{word: level for level, word in EXPORT_LEVEL_WORDS.items()},
    **dict.fromkeys(("区", "县", "区/县", "區", "縣", "區縣", "區/縣"), Level.DISTRICT),
    **dict.fromkeys(("镇", "乡", "鄉鎮", "鎮", "鄉"), Level.TOWNSHIP),
    **dict.fromkeys(("社區",), Level.COMMUNITY),
    **dict.fromkeys(("網格",), Level.GRID),
    **dict.fromkeys(("楼", "樓棟", "樓"), Level.BUILDING),
}

_LEVEL_CHOICES = ", ".join([*(level.value for level in Level), *EXPORT_LEVEL_WORDS.values()])
NAME_MAX = cast(models.CharField, OrgUnit._meta.get_field("name")).max_length or 100
COUNT_MAX = 2**31 - 1
# The header may sit below a title row or two ("历下区网格划分表").
HEADER_SEARCH_ROWS = 10

# The validator's pattern is compiled lazily (a proxy object, slow in a loop of 10^5 rows).
_CODE_RE = re.compile(cast(re.Pattern[str], code_validator.regex).pattern)
_SCIENTIFIC_RE = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_COUNT_RE = re.compile(r"^\d+(\.0*)?$")
_HEADER_NOISE_RE = re.compile(r"[\s_*\-\ufeff]+|[(（][^)）]*[)）]")


class RowError(NamedTuple):
    row: int
    field: str
    message: str


@dataclass(slots=True)
class UnitRow:
    row: int
    code: str
    name: str
    parent_code: str
    level: str
    residents: int | None
    households: int | None


def _normal_header(text: str) -> str:
    return _HEADER_NOISE_RE.sub("", text).lower()


_HEADER_LOOKUP = {
    _normal_header(alias): column for column, aliases in HEADER_ALIASES.items() for alias in aliases
}


def _match_header(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _HEADER_LOOKUP.get(_normal_header(cell))
        if column is not None and column not in found:
            found[column] = index
    return found


def _find_header(table: list[list[str]]) -> tuple[int, dict[str, int]]:
    for index, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns = _match_header(cells)
        if "code" in columns and "name" in columns:
            return index, columns
    first = next((i for i, cells in enumerate(table) if any(cells)), 0)
    return first, _match_header(table[first]) if table else {}


class _RowReader:
    """Turns one line of cells into a :class:`UnitRow`, or records why it cannot."""

    def __init__(self, columns: dict[str, int], errors: list[RowError]) -> None:
        self.columns = columns
        self.indexes = [columns.get(column) for column in COLUMNS]
        self.errors = errors

    def cell(self, cells: list[str], column: str) -> str:
        index = self.columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    def read(self, number: int, cells: list[str]) -> UnitRow | None:
        found = len(self.errors)
        width = len(cells)
        code, name, parent_code, level_text, residents_text, households_text = (
            cells[i] if i is not None and i < width else "" for i in self.indexes
        )
        if not code:
            self.error(number, "code", _("The code is missing."))
        else:
            self.check_code(number, "code", code)
        if not name:
            self.error(number, "name", _("The name is missing."))
        elif len(name) > NAME_MAX:
            self.error(
                number, "name", _("The name is longer than %(max)d characters.") % {"max": NAME_MAX}
            )
        if parent_code:
            self.check_code(number, "parent_code", parent_code)
        level = self.level(number, level_text)
        residents = self.count(number, "residents", residents_text)
        households = self.count(number, "households", households_text)
        if len(self.errors) > found or level is None:
            return None
        return UnitRow(number, code, name, parent_code, level, residents, households)

    def error(self, number: int, column: str, message: str) -> None:
        self.errors.append(RowError(number, column, message))

    def check_code(self, number: int, column: str, code: str) -> None:
        if _CODE_RE.match(code):
            return
        if _SCIENTIFIC_RE.match(code):
            message = _(
                "The spreadsheet turned this code into a number (%(code)s); format the column "
                "as text, type the code again and save."
            ) % {"code": code}
        else:
            message = str(code_validator.message)
        self.error(number, column, message)

    def level(self, number: int, text: str) -> str | None:
        if not text:
            self.error(number, "level", _("The level is missing."))
            return None
        level = LEVEL_WORDS.get(text.replace(" ", "").lower())
        if level is None:
            self.error(
                number,
                "level",
                _("Unknown level “%(value)s”; use one of: %(choices)s.")
                % {"value": text, "choices": _LEVEL_CHOICES},
            )
        return level

    def count(self, number: int, column: str, text: str) -> int | None:
        """A whole number; an empty cell means "not given" (0 for a new unit, kept otherwise)."""
        if text.isascii() and text.isdigit() and len(text) < 10:
            return int(text)
        text = text.replace(",", "").replace(" ", "")
        if not text:
            return None
        if not _COUNT_RE.match(text) or int(text.split(".")[0]) > COUNT_MAX:
            self.error(number, column, _("Give a whole number, 0 or more."))
            return None
        return int(text.split(".")[0])


@dataclass
class ParsedFile:
    headers: dict[str, str]  # column → the header as written in the file
    rows: dict[str, UnitRow] = field(default_factory=dict)  # good rows by code
    failed: dict[str, int] = field(default_factory=dict)  # code → number of a bad row
    errors: list[RowError] = field(default_factory=list)
    has_columns: bool = True


def read_rows(table: list[list[str]]) -> ParsedFile:
    """The file's rows, checked one by one; ``has_columns`` is False (and the errors are on
    the header row) when a required column is missing."""
    header, columns = _find_header(table)
    parsed = ParsedFile({column: table[header][index] for column, index in columns.items()})
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            parsed.errors.append(RowError(header + 1, column, _("This column is missing.")))
            parsed.has_columns = False
    if not parsed.has_columns:
        return parsed
    rows, failed = parsed.rows, parsed.failed
    reader = _RowReader(columns, parsed.errors)
    for index in range(header + 1, len(table)):
        cells = table[index]
        if not any(cells):
            continue
        number, code = index + 1, reader.cell(cells, "code")
        first = rows[code].row if code in rows else failed.get(code)
        if first is not None:
            message = _("The code %(code)s is already in row %(row)d.")
            reader.error(number, "code", message % {"code": code, "row": first})
            continue
        row = reader.read(number, cells)
        if row is not None:
            rows[code] = row
        elif code:
            failed[code] = number
    return parsed
