from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class CaseIn(Schema):
    person: int = Field(description="a person of the registry in the caller's scope")
    classification: str = Field(max_length=12)
    diagnosed_at: datetime
    reported_at: datetime | None = None
    reporting_institution: str = Field(max_length=100)
    onset_date: date | None = None
    sampled_on: date | None = None
    severity: str = Field("", max_length=10)
    imported: bool = False
    origin: str = Field("", max_length=100)
    hospital: int | None = None


class CaseOut(Schema):
    id: int
    number: str
    person: int = Field(alias="person_id")
    classification: str
    onset_date: date | None
    diagnosed_at: datetime
    reported_at: datetime
    late: bool
    window_from: date | None
    window_rule: str


class ObserveIn(Schema):
    kind: str = Field("centralized", max_length=12)
    room: int | None = Field(None, description="a room with a free bed, for centralized")
    lead_name: str = Field("", max_length=50, description="default: the caller")
    lead_phone: str = Field("", max_length=20)


class LetterIn(Schema):
    authority: str = Field(max_length=100)
    region: str = Field(max_length=100)


class ContactIn(Schema):
    """One contact: found in the registry by the document (else created), then, in one
    step, put under observation here or sent to their locality by a letter."""

    full_name: str = Field(max_length=50)
    id_type: str = Field("resident", max_length=16)
    id_number: str = Field("", max_length=60)
    phone: str = Field("", max_length=20)
    unit: str = Field("", max_length=20, description="code of the unit they live in, if here")
    address: str = Field("", max_length=200)
    relation: str = Field("", max_length=50)
    setting: str = Field(max_length=10)
    last_contact: date
    level: str = Field("close", max_length=10)
    via: int | None = Field(None, description="the close contact a secondary contact went through")
    gone_to: str = Field("", max_length=100)
    observe: ObserveIn | None = None
    letter: LetterIn | None = None


class ContactsIn(Schema):
    items: list[ContactIn] = Field(..., min_length=1, max_length=500)


class ProblemOut(Schema):
    field: str
    message: str


class ContactOut(Schema):
    index: int
    status: str = Field(description="created or invalid")
    contact: int | None = None
    person: int | None = None
    observation: int | None = None
    letter: int | None = None
    errors: list[ProblemOut] = Field(default_factory=list)


class ContactsOut(Schema):
    created: int
    invalid: int
    results: list[ContactOut]


class ChainNodeOut(Schema):
    person: int | None
    depth: int
    name: str
    case: str | None
    children: list[ChainNodeOut]


ChainNodeOut.model_rebuild()
