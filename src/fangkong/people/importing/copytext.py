"""Clean rows as lines of PostgreSQL's COPY text format.

Built in the cleaning workers, not in the loading process: escaping thirty values a
row there cost the loader a fifth of its time. The one value only the loader knows
(the household of a person, the person of a journey) goes last and is appended there.
"""

from __future__ import annotations

from typing import Any

from fangkong.people.importing.rows import Clean
from fangkong.people.models import RiskStatus, Source

PERSON_COLUMNS = (
    "full_name", "id_type", "id_number", "id_key", "birth_date", "sex", "phone", "phone_key",
    "relation", "unit_id", "address", "tags", "note", "source", "risk_status", "org_path",
    "created_by_id", "household_id",
)  # fmt: skip
TRAVEL_COLUMNS = (
    "origin_code", "origin_name", "departed_on", "arrived_on", "transport", "transport_no",
    "seat", "plate", "purpose", "source", "org_path", "created_by_id", "person_id",
)  # fmt: skip


def value(item: Any) -> str:
    if item is None:
        return "\\N"
    if isinstance(item, str):
        # Clean text holds no tab, newline or control character (normalize.clean_text):
        # the backslash is the one character left to escape.
        return item.replace("\\", "\\\\") if "\\" in item else item
    return str(item)


def person_values(row: Clean, created_by_id: int | None) -> tuple:
    """The person's columns but the household, in PERSON_COLUMNS order."""
    return (
        row.full_name, row.id_type, row.id_sealed, row.id_key, row.birth_date, row.sex,
        row.phone_sealed, row.phone_key, row.relation, row.unit_id, row.residence, row.tags,
        row.note, Source.IMPORT, RiskStatus.CLEAR, row.org_path, created_by_id,
    )  # fmt: skip


def journey_values(row: Clean, created_by_id: int | None) -> tuple:
    """The journey's columns but the person, in TRAVEL_COLUMNS order."""
    assert row.journey is not None
    return (*row.journey[:9], Source.IMPORT, row.org_path, created_by_id)


def prepare(row: Clean, created_by_id: int | None) -> None:
    """Fill ``row``'s COPY prefixes: each line lacks only its last column."""
    row.copy_person = "\t".join(map(value, person_values(row, created_by_id))) + "\t"
    if row.journey is not None:
        row.copy_journey = "\t".join(map(value, journey_values(row, created_by_id))) + "\t"
