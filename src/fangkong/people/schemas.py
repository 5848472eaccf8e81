from __future__ import annotations

from datetime import date

from ninja import Schema


class TravelOut(Schema):
    id: int
    origin_code: str
    origin_name: str
    departed_on: date | None
    arrived_on: date
    transport: str
    transport_no: str


class PersonOut(Schema):
    """Numbers are masked; revealing one is a separate, audited act on the page."""

    id: int
    full_name: str
    id_type: str
    masked_id_number: str
    masked_phone: str
    birth_date: date | None
    sex: str
    unit_id: int
    household_id: int | None
    tags: list[str]
    risk_status: str
    risk_until: date | None

    @staticmethod
    def resolve_tags(obj) -> list[str]:  # type: ignore[no-untyped-def]
        return obj.tag_list


class PersonDetailOut(PersonOut):
    travels: list[TravelOut]

    @staticmethod
    def resolve_travels(obj) -> list:  # type: ignore[no-untyped-def]
        return list(obj.travels.all())
