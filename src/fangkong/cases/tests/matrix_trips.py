"""Permission-matrix rows for a case's trips, and the public trip check."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World

PUBLIC = {"tripcheck:check"}


def _case(w: World):  # type: ignore[no-untyped-def]
    """A confirmed case in district a's grid with one train trip."""
    from fangkong.cases import trips
    from fangkong.cases.models import Case
    from fangkong.cases.tests.helpers import case, days_ago
    from fangkong.observation.tests.helpers import person

    found = Case.objects.filter(person__full_name="行程矩阵").first()
    if found is None:
        found = case(w, person(w, "行程矩阵"))
        trips.trip_add(
            actor=w.a.epidemiologist, case=found, transport="train", number="G1234",
            day=days_ago(3),
        )  # fmt: skip
    return found


def _path(w: World) -> str:
    return str(_case(w).org_path)


ENDPOINTS = [
    Endpoint("cases:trips", "GET", lambda w: [_case(w).pk], Perm.MANAGE_CASES, _path),
    Endpoint(
        "cases:trips", "POST", lambda w: [_case(w).pk], Perm.MANAGE_CASES, _path,
        data=lambda w: {"action": "publish", "trip": _case(w).trips.get().pk},
    ),
]  # fmt: skip
