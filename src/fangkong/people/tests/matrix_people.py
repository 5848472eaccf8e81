"""Permission-matrix rows for the person pages and API (tests/test_permission_matrix.py)."""

from __future__ import annotations

from datetime import date

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _grid(w: World) -> str:
    return w.a.grid.path


def _person(w: World) -> int:
    from fangkong.people.models import Household, Person
    from fangkong.people.testing import resident_id

    household, _ = Household.objects.get_or_create(
        unit=w.a.grid,
        address_key="1号楼101",
        defaults={"address": "1号楼101", "org_path": w.a.grid.path},
    )
    person, _ = Person.objects.get_or_create(
        full_name="矩阵测试",
        defaults={
            "unit": w.a.grid,
            "org_path": w.a.grid.path,
            "household": household,
            "id_number": resident_id(),
            "phone": "13900000001",
        },
    )
    return person.pk


def _other(w: World) -> int:
    from fangkong.people.models import Person

    person, _ = Person.objects.get_or_create(
        full_name="矩阵测试二", defaults={"unit": w.a.grid, "org_path": w.a.grid.path}
    )
    return person.pk


def _travel(w: World) -> int:
    from fangkong.people.models import Person, TravelRecord

    travel, _ = TravelRecord.objects.get_or_create(
        person=Person.objects.get(pk=_person(w)),
        origin_code="420100",
        arrived_on=date(2020, 1, 24),
        transport_no="",
        defaults={"origin_name": "湖北省武汉市", "org_path": w.a.grid.path},
    )
    return travel.pk


def _household(w: World) -> int:
    from fangkong.people.models import Person

    return Person.objects.get(pk=_person(w)).household_id  # type: ignore[return-value]


ENDPOINTS = [
    Endpoint("people:list", "GET", lambda w: [], Perm.VIEW_PEOPLE),
    Endpoint("people:create", "GET", lambda w: [], Perm.MANAGE_PEOPLE),
    # Needs both: the list (VIEW_PEOPLE) and the right to export (EXPORT).
    Endpoint("people:export", "GET", lambda w: [], Perm.EXPORT),
    Endpoint("people:detail", "GET", lambda w: [_person(w)], Perm.VIEW_PEOPLE, _grid),
    Endpoint("people:edit", "GET", lambda w: [_person(w)], Perm.MANAGE_PEOPLE, _grid),
    Endpoint("people:reveal", "POST", lambda w: [_person(w), "phone"], Perm.REVEAL_PERSONAL, _grid),
    Endpoint("people:travel_add", "POST", lambda w: [_person(w)], Perm.MANAGE_PEOPLE, _grid),
    Endpoint("people:travel_delete", "POST", lambda w: [_travel(w)], Perm.MANAGE_PEOPLE, _grid),
    Endpoint("people:merge", "GET", lambda w: [_person(w), _other(w)], Perm.MANAGE_PEOPLE, _grid),
    Endpoint("people:household", "GET", lambda w: [_household(w)], Perm.VIEW_PEOPLE, _grid),
    Endpoint("api:list_persons", "GET", lambda w: [], Perm.VIEW_PEOPLE, api=True),
    Endpoint("api:get_person", "GET", lambda w: [_person(w)], Perm.VIEW_PEOPLE, _grid, api=True),
]
