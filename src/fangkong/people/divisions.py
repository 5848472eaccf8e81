"""China's administrative divisions (GB/T 2260): province, prefecture city, county.

Used to name where a journey started and to decide whether an affected area
covers it. The list is today's; older codes (in ID numbers, say) may be missing,
so an unknown code is never an error by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

DATA = Path(__file__).parent / "data" / "divisions.tsv"
# Placeholder names for a municipality's districts, skipped in full names.
_FILLER = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "地区",
)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str | None
    level: Literal["province", "city", "county"]


def normalize_code(code: str) -> str:
    """2-, 4-, 6- or 12-digit codes to the 6-digit form."""
    code = code.strip()
    if not code.isdigit():
        return ""
    if len(code) >= 6:
        return code[:6]
    if len(code) in (2, 4):
        return code.ljust(6, "0")
    return ""


def _level(code: str) -> Literal["province", "city", "county"]:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


@lru_cache(maxsize=1)
def _table() -> dict[str, Division]:
    table: dict[str, Division] = {}
    with open(DATA, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            code, name, parent = line.rstrip("\n").split("\t")
            table[code] = Division(code, name, parent or None, _level(code))
    return table


def get(code: str) -> Division | None:
    return _table().get(normalize_code(code))


def lineage(code: str) -> list[Division]:
    """The division and those above it, province first."""
    found: list[Division] = []
    division = get(code)
    while division is not None:
        found.append(division)
        division = _table().get(division.parent) if division.parent else None
    return found[::-1]


def full_name(code: str) -> str:
    """e.g. 湖北省武汉市江汉区; a municipality's filler levels are left out."""
    return _full_names().get(normalize_code(code), "")


@lru_cache(maxsize=1)
def _full_names() -> dict[str, str]:
    return {
        code: "".join(d.name for d in lineage(code) if d.name not in _FILLER) for code in _table()
    }


def children(code: str | None) -> list[Division]:
    return list(_children().get(normalize_code(code) if code else None, ()))


@lru_cache(maxsize=1)
def _children() -> dict[str | None, tuple[Division, ...]]:
    found: dict[str | None, list[Division]] = {}
    for division in _table().values():
        found.setdefault(division.parent, []).append(division)
    return {parent: tuple(items) for parent, items in found.items()}


def covers(area_code: str, code: str) -> bool:
    """Does the area (a province, city or county) contain the division ``code``?"""
    area, target = normalize_code(area_code), normalize_code(code)
    if not area or not target:
        return False
    level = _level(area)
    if level == "province":
        return target[:2] == area[:2]
    if level == "city":
        return target[:4] == area[:4]
    return target == area


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def search(text: str, limit: int = 20) -> list[Division]:
    """Divisions whose code starts with, or whose (full) name contains, ``text``."""
    text = text.strip()
    if not text:
        return []
    table = _table()
    if text.isdigit():
        return [d for code, d in table.items() if code.startswith(text)][:limit]
    hits = [d for d in table.values() if text in d.name or text in full_name(d.code)]
    # Broader levels first, then by code: "武汉" gives the city before its districts.
    order = {"province": 0, "city": 1, "county": 2}
    hits.sort(key=lambda d: (text not in d.name, order[d.level], d.code))
    return hits[:limit]


_SPLIT = re.compile(r"[\s,，/·\-]+")


@lru_cache(maxsize=4096)
def parse_division(text: str) -> Division | None:
    """The most specific division that free text names unambiguously, or None.

    Accepts a code, "湖北省武汉市", "湖北武汉", "武汉", "武汉市江汉区".
    """
    text = _SPLIT.sub("", text.strip())
    if not text:
        return None
    if text.isdigit():
        return get(text)
    table = _table()
    best: Division | None = None
    # Walk down: at each level keep the single child whose (short) name starts the rest.
    candidates = children(None)
    rest = text
    while rest and candidates:
        matches = [
            d for d in candidates if rest.startswith(d.name) or rest.startswith(_short(d.name))
        ]
        if len(matches) != 1:
            break
        best = matches[0]
        consumed = best.name if rest.startswith(best.name) else _short(best.name)
        rest = rest[len(consumed) :]
        candidates = children(best.code)
        # A municipality's districts hang under its filler "市辖区" city.
        for filler in [d for d in candidates if d.name in _FILLER]:
            candidates += children(filler.code)
    if best is not None and not rest:
        return best
    if best is None:
        # No province named first: a unique city or county name anywhere.
        matches = [
            d
            for d in table.values()
            if d.level != "province" and (text == d.name or text == _short(d.name))
        ]
        if len(matches) == 1:
            return matches[0]
        # "武汉市江汉区": a city followed by one of its counties.
        for city in [d for d in table.values() if d.level == "city" and d.name not in _FILLER]:
            for prefix in (city.name, _short(city.name)):
                if text.startswith(prefix) and len(text) > len(prefix):
                    tail = text[len(prefix) :]
                    found = [c for c in children(city.code) if tail in (c.name, _short(c.name))]
                    if len(found) == 1:
                        return found[0]
        return None
    return best if not rest else None
