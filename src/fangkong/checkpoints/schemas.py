from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import BaseModel

# What a device sends is read by plain pydantic models: a ninja Schema runs a validator
# of its own on every object (to read Django models' attributes), which made reading a
# batch of two passages cost 99 µs instead of 16.


class TravellerIn(BaseModel):
    full_name: str = Field("", max_length=200)
    id_type: str = Field("resident", max_length=20)
    id_number: str = Field("", max_length=60)
    phone: str = Field("", max_length=40)
    temperature: float | str | None = None
    symptoms: list[str] = Field(default_factory=list, max_length=10)


class PassageIn(BaseModel):
    """One passage. Every field is checked item by item: a bad item is reported with
    its problems and the others are stored."""

    client_id: str = Field("", max_length=64, description="the device's id for the passage")
    checkpoint: int | None = None
    passed_at: datetime | None = Field(None, description="default: when received")
    direction: str = Field("in", max_length=3)
    vehicle: str = Field("car", max_length=12)
    plate: str = Field("", max_length=30)
    plate_checked: bool = True
    origin: str = Field("", max_length=100)
    destination: str = Field("", max_length=20, description="unit code in the district")
    destination_text: str = Field("", max_length=200)
    travellers: list[TravellerIn] = Field(default_factory=list, max_length=80)


class BatchIn(BaseModel):
    items: list[PassageIn] = Field(..., min_length=1, max_length=500)


class ProblemOut(Schema):
    field: str
    message: str


class ItemOut(Schema):
    index: int
    client_id: str
    status: str = Field(description="created, duplicate or invalid")
    id: int | None
    errors: list[ProblemOut]


class BatchOut(Schema):
    created: int
    duplicates: int
    invalid: int
    results: list[ItemOut]


class CheckpointOut(Schema):
    id: int
    name: str
    kind: str
    directions: str
    unit_id: int
    active: bool
