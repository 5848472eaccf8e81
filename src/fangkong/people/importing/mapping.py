"""Which column is which: header names as offices write them, in Chinese or English."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext_lazy as _

# field -> (label for messages, accepted header names)
COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "full_name": (_("name"), ("姓名", "名字", "name", "full name")),
    "id_type": (_("ID type"), ("证件类型", "证件种类", "id type", "document type")),
    "id_number": (
        _("ID number"),
        (
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "证件号码",
            "证件号",
            "身份证",
            "id number",
            "id",
            "id no",
            "document number",
        ),
    ),
    "phone": (
        _("mobile phone"),
        (
            "手机",
            "手机号",
            "手机号码",
            "联系电话",
            "电话",
            "联系方式",
            "phone",
            "mobile",
            "mobile phone",
        ),
    ),
    "unit_code": (
        _("grid code"),
        ("网格编码", "网格代码", "网格", "所属网格", "单位编码", "grid", "grid code", "unit code"),
    ),
    "address": (
        _("household address"),
        ("住址", "家庭住址", "户籍地址", "居住地址", "地址", "household address", "address"),
    ),
    "relation": (_("relation to householder"), ("与户主关系", "关系", "relation")),
    "residence": (_("current residence"), ("现住址", "现居住地", "current residence")),
    "tags": (_("tags"), ("标签", "人员类别", "类别", "tags")),
    "origin": (_("origin"), ("来源地", "出发地", "从何地来", "来自", "origin", "came from")),
    "departed_on": (_("departure date"), ("出发日期", "离开日期", "departure date", "departed")),
    "arrived_on": (
        _("arrival date"),
        ("抵达日期", "到达日期", "返回日期", "返乡日期", "来济日期", "arrival date", "arrived"),
    ),
    "transport": (_("transport"), ("交通方式", "交通工具", "transport")),
    "transport_no": (
        _("train / flight number"),
        ("车次", "航班号", "车次/航班号", "车次航班", "train", "flight", "train / flight number"),
    ),
    "seat": (_("seat"), ("座位号", "座位", "seat")),
    "plate": (_("vehicle plate"), ("车牌号", "车牌", "plate", "vehicle plate")),
    "purpose": (_("purpose"), ("事由", "来访事由", "目的", "purpose")),
    "note": (_("note"), ("备注", "note")),
}
TEMPLATE_HEADERS = {
    "zh-hans": ["姓名", "证件类型", "身份证号", "手机", "网格编码", "住址", "与户主关系", "现住址",
                "标签", "来源地", "出发日期", "抵达日期", "交通方式", "车次/航班号", "座位号",
                "车牌号", "事由", "备注"],
    "en": ["name", "ID type", "ID number", "phone", "grid code", "household address", "relation",
           "current residence", "tags", "origin", "departure date", "arrival date", "transport",
           "train / flight number", "seat", "vehicle plate", "purpose", "note"],
}  # fmt: skip
HEADER_SEARCH_ROWS = 15
_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】]+")
_ALIASES = {
    _NOISE.sub("", unicodedata.normalize("NFKC", alias)).lower(): field
    for field, (_label, aliases) in COLUMNS.items()
    for alias in aliases
}


def header_field(cell: Any) -> str | None:
    text = _NOISE.sub("", unicodedata.normalize("NFKC", str(cell or ""))).lower()
    return _ALIASES.get(text)


def find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """The header among the first rows (title rows above it are skipped): its index and
    field -> column. It must name at least the person's name and one other column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            field = header_field(cell)
            if field and field not in columns:
                columns[field] = position
        if "full_name" in columns and len(columns) >= 2:
            return index, columns
    return None


def label(field: str) -> str:
    return str(COLUMNS[field][0])
