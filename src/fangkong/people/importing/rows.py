"""One raw row to clean values, or to errors that name the row and the column.

This runs in worker processes during a large import: it touches no database,
and everything it needs (the units one may import into, the year for dates
written without one) comes in a :class:`Context`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core.crypto import encrypt
from fangkong.people import divisions
from fangkong.people.dates import parse_date_cell
from fangkong.people.idnumbers import IdType, clean_id_number, parse_resident_id
from fangkong.people.importing.mapping import label
from fangkong.people.normalize import address_key, clean_text, transport_number
from fangkong.people.phones import normalize_mobile
from fangkong.people.services import id_key, join_tags, phone_key, split_tags

ID_TYPES = {
    "": IdType.RESIDENT, "身份证": IdType.RESIDENT, "居民身份证": IdType.RESIDENT,
    "resident": IdType.RESIDENT, "resident id": IdType.RESIDENT, "id card": IdType.RESIDENT,
    "护照": IdType.PASSPORT, "passport": IdType.PASSPORT,
    "其他": IdType.OTHER, "其它": IdType.OTHER, "other": IdType.OTHER,
}  # fmt: skip
TRANSPORTS = {
    "火车": "train", "高铁": "train", "动车": "train", "列车": "train", "train": "train",
    "飞机": "flight", "航班": "flight", "flight": "flight", "plane": "flight",
    "自驾": "car", "私家车": "car", "汽车": "car", "小汽车": "car", "car": "car",
    "大巴": "bus", "客车": "bus", "长途汽车": "bus", "公交": "bus", "bus": "bus",
    "轮船": "ship", "船": "ship", "ship": "ship",
}  # fmt: skip


@dataclass(frozen=True)
class Context:
    units: dict[str, tuple[int, str]]  # unit code -> (id, path), the units one may import into
    default_year: int
    today: date
    created_by_id: int | None = None
    copy_lines: bool = False  # PostgreSQL: build COPY lines here (importing.copytext)


@dataclass(slots=True)
class Clean:
    row: int
    full_name: str
    id_type: str
    id_sealed: str
    id_key: str | None
    birth_date: date | None
    sex: str
    phone_sealed: str
    phone_key: str
    unit_id: int
    org_path: str
    address: str
    address_key: str
    relation: str
    residence: str
    tags: str
    note: str
    journey: (
        tuple[Any, ...] | None
    )  # origin_code, origin_name, departed, arrived, transport, no, seat, plate, purpose
    copy_person: str = ""
    copy_journey: str = ""


class RowErrors(Exception):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors  # (column label, message)


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_row(number: int, cells: dict[str, Any], ctx: Context) -> Clean:
    """``cells`` maps field names to raw values; raises :class:`RowErrors` with every problem."""
    errors: list[tuple[str, str]] = []

    def text(field: str) -> str:
        return clean_text(cells.get(field))

    full_name = text("full_name")
    if not full_name:
        errors.append((label("full_name"), _("The name is empty.")))
    elif len(full_name) > 50:
        errors.append((label("full_name"), _("The name is longer than 50 characters.")))
    id_type = ID_TYPES.get(text("id_type").lower())
    if id_type is None:
        errors.append(
            (label("id_type"), _("Unknown ID type “%(value)s”.") % {"value": text("id_type")})
        )
        id_type = IdType.RESIDENT
    number_text, birth, sex = "", None, "U"
    if not _is_blank(cells.get("id_number")):
        try:
            if id_type == IdType.RESIDENT:
                parsed = parse_resident_id(cells["id_number"], today=ctx.today)
                number_text, birth, sex = parsed.number, parsed.birth_date, parsed.sex
            else:
                number_text = clean_id_number(id_type, cells["id_number"])
        except ValidationError as error:
            errors.append((label("id_number"), _message(error)))
    phone = ""
    if not _is_blank(cells.get("phone")):
        try:
            phone = normalize_mobile(cells["phone"])
        except ValidationError as error:
            errors.append((label("phone"), _message(error)))
    code = text("unit_code").replace(" ", "")
    unit = ctx.units.get(code)
    if not code:
        errors.append((label("unit_code"), _("The grid code is empty.")))
    elif unit is None:
        errors.append(
            (
                label("unit_code"),
                _("No grid with code %(code)s in the area of this import.") % {"code": code},
            )
        )
    address = text("address")[:200]
    if not number_text and not address:
        errors.append(
            (
                label("id_number"),
                _(
                    "Without an ID number the household address is needed, "
                    "to know the person again."
                ),
            )
        )
    journey = _journey(cells, ctx, errors)
    if errors:
        raise RowErrors(errors)
    assert unit is not None
    key = id_key(id_type, number_text)
    return Clean(
        row=number,
        full_name=full_name,
        id_type=id_type,
        id_sealed=encrypt(number_text) if number_text else "",
        id_key=key,
        birth_date=birth,
        sex=sex,
        phone_sealed=encrypt(phone) if phone else "",
        phone_key=phone_key(phone),
        unit_id=unit[0],
        org_path=unit[1],
        address=address,
        address_key=address_key(address),
        relation=text("relation")[:20],
        residence=text("residence")[:200],
        tags=join_tags(split_tags(text("tags")))[:200],
        note=text("note"),
        journey=journey,
    )


def _journey(
    cells: dict[str, Any], ctx: Context, errors: list[tuple[str, str]]
) -> tuple[Any, ...] | None:
    origin_text = clean_text(cells.get("origin"))
    arrived_raw = cells.get("arrived_on")
    if not origin_text and _is_blank(arrived_raw):
        return None
    before = len(errors)
    if not origin_text:
        errors.append((label("origin"), _("A journey needs the place it came from.")))
    arrived = departed = None
    if _is_blank(arrived_raw):
        errors.append((label("arrived_on"), _("A journey needs its arrival date.")))
    else:
        try:
            arrived = parse_date_cell(arrived_raw, default_year=ctx.default_year)
            if arrived > ctx.today:
                errors.append((label("arrived_on"), _("The arrival date is in the future.")))
        except ValidationError as error:
            errors.append((label("arrived_on"), _message(error)))
    if not _is_blank(cells.get("departed_on")):
        try:
            departed = parse_date_cell(cells["departed_on"], default_year=ctx.default_year)
        except ValidationError as error:
            errors.append((label("departed_on"), _message(error)))
    if departed and arrived and departed > arrived:
        errors.append((label("departed_on"), _("The departure date is after the arrival date.")))
    transport_text = clean_text(cells.get("transport")).lower()
    transport = TRANSPORTS.get(transport_text, "other")
    if len(errors) > before:
        return None
    found = divisions.parse_division(origin_text)
    origin_code = found.code if found else ""
    origin_name = divisions.full_name(found.code) if found else origin_text[:100]
    return (
        origin_code,
        origin_name,
        departed,
        arrived,
        transport,
        transport_number(clean_text(cells.get("transport_no")))[:20],
        clean_text(cells.get("seat")).upper()[:12],
        clean_text(cells.get("plate")).upper().replace(" ", "")[:16],
        clean_text(cells.get("purpose"))[:100],
    )
