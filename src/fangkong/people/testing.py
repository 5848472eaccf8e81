"""Test data for the registry: valid resident ID numbers and mobile numbers."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from fangkong.people.idnumbers import check_char


def resident_id(region: str = "370102", born: date = date(1985, 3, 7), seq: int = 123) -> str:
    """A valid 18-character resident ID; an odd ``seq`` is a man, an even one a woman."""
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def mobile(n: int = 0) -> str:
    return f"139{n:08d}"


_UNIQUE = itertools.count()


def unique_resident_id() -> str:
    """A valid resident ID never handed out before in this test run: born in the 1960s,
    so that it never meets the fixed numbers tests write with :func:`resident_id`."""
    n = next(_UNIQUE)
    return resident_id(born=date(1960, 1, 1) + timedelta(days=n // 1000), seq=n % 1000)
