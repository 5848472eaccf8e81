"""Suggestions for typed indicators, from the records of the support modules: a unit
types its figure, but starts from what the system already knows: masks handed out from
the supplies ledger, volunteers checked in at duty posts, disinfections logged in the
field. A suggestion is only the form's starting value; what is submitted is what the unit
typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date


def _masks(path: str, day: date) -> int:
    from fangkong.supplies.selectors import issued_on

    return issued_on(path, day, "mask")


def _volunteers(path: str, day: date) -> int:
    from fangkong.duty.selectors import volunteers_on_duty

    return volunteers_on_duty(path, day)


def _disinfections(path: str, day: date) -> int:
    from fangkong.places.selectors import disinfections_on

    return disinfections_on(path, day)


SUGGESTIONS: dict[str, Callable[[str, date], int]] = {
    "masks_distributed": _masks,
    "volunteers_on_duty": _volunteers,
    "places_disinfected": _disinfections,
}


def suggested(path: str, day: date, codes: list[str]) -> dict[str, int]:
    """Only what the records show: nothing in the ledger is no reason to suggest 0 (a unit
    may hand out what it never put through the system)."""
    found = {code: SUGGESTIONS[code](path, day) for code in codes if code in SUGGESTIONS}
    return {code: n for code, n in found.items() if n}
