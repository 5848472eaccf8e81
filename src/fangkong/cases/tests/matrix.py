"""Permission-matrix rows for cases, contacts, clusters and hospitals."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _case(w: World):  # type: ignore[no-untyped-def]
    from fangkong.cases.models import Case
    from fangkong.cases.tests.helpers import case, contact

    found = Case.objects.filter(person__full_name="矩阵病例").first()
    if found is not None:
        return found
    from fangkong.observation.tests.helpers import person

    made = case(w, person(w, "矩阵病例"))
    contact(w, made, "矩阵密接")
    return made


def _suspect(w: World) -> int:
    """A person with no case yet."""
    from fangkong.observation.tests.helpers import person
    from fangkong.people.models import Person

    found = Person.objects.filter(full_name="矩阵待报").first()
    return (found or person(w, "矩阵待报")).pk


def _event(w: World) -> int:
    from fangkong.cases import services
    from fangkong.cases.models import ExposureEvent
    from fangkong.cases.tests.helpers import days_ago

    found = ExposureEvent.objects.filter(name="矩阵聚集").first()
    if found is None:
        found = services.event_create(
            actor=w.a.epidemiologist, unit=w.a.grid, name="矩阵聚集", kind="gathering",
            starts_on=days_ago(3),
        )  # fmt: skip
    return found.pk


def _hospital(w: World) -> int:
    from fangkong.cases import services
    from fangkong.cases.models import Hospital

    found = Hospital.objects.filter(name="矩阵医院").first()
    if found is None:
        found = services.hospital_create(
            actor=w.a.epidemiologist, unit=w.a.grid, name="矩阵医院", kind="designated", beds=50
        )
    return found.pk


def _grid(w: World) -> str:
    return w.a.grid.path


ENDPOINTS = [
    Endpoint("cases:list", "GET", lambda w: [], Perm.VIEW_PEOPLE),
    Endpoint("cases:detail", "GET", lambda w: [_case(w).pk], Perm.VIEW_PEOPLE, _grid),
    Endpoint("cases:contact_add", "GET", lambda w: [_case(w).pk], Perm.MANAGE_CASES, _grid),
    Endpoint(
        "cases:contact", "GET", lambda w: [_case(w).contacts.get().pk], Perm.VIEW_PEOPLE, _grid
    ),
    Endpoint("cases:events", "GET", lambda w: [], Perm.VIEW_PEOPLE),
    Endpoint("cases:event", "GET", lambda w: [_event(w)], Perm.VIEW_PEOPLE, _grid),
    Endpoint("cases:hospitals", "GET", lambda w: [], Perm.VIEW_PEOPLE),
    Endpoint("cases:hospital_create", "GET", lambda w: [], Perm.MANAGE_CASES),
    Endpoint("cases:hospital", "GET", lambda w: [_hospital(w)], Perm.VIEW_PEOPLE, _grid),
    Endpoint("cases:report", "GET", lambda w: [_suspect(w)], Perm.DIAGNOSE_CASES, _grid),
    Endpoint(
        "api:report_case",
        "POST",
        lambda w: [],
        Perm.DIAGNOSE_CASES,
        _grid,
        api=True,
        data=lambda w: {
            "person": _suspect(w),
            "classification": "suspected",
            "diagnosed_at": "2020-01-24T10:00:00+08:00",
            "reporting_institution": "区人民医院",
        },
    ),
    Endpoint("api:get_case", "GET", lambda w: [_case(w).pk], Perm.VIEW_PEOPLE, _grid, api=True),
    Endpoint(
        "api:add_contacts",
        "POST",
        lambda w: [_case(w).pk],
        Perm.MANAGE_CASES,
        _grid,
        api=True,
        data=lambda w: {
            "items": [{"full_name": "x", "setting": "nope", "last_contact": "2020-01-24"}]
        },
    ),
    Endpoint("api:get_chain", "GET", lambda w: [_case(w).pk], Perm.VIEW_PEOPLE, _grid, api=True),
]
