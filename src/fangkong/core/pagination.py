from typing import Optional

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class BoundedPagination(PageNumberPagination):
    """Page numbers with an upper bound: a huge page overflowed the database's offset (a 500)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: Optional[int] = Field(None, ge=1, le=1000)  # noqa: UP045 - ninja reads it
