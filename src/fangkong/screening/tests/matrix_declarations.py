"""Permission-matrix rows for self-declarations (staff) and the public form."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World

PUBLIC = {"declare:form", "declare:places"}


def _quiet_community(w: World):  # type: ignore[no-untyped-def]
    """A community nobody works inside: "may reach it" is then exactly "holds the role there"
    (grid workers see their own community's declarations from below: test_declarations.py)."""
    from fangkong.core.testing import make_unit
    from fangkong.orgunits.models import Level, OrgUnit

    found = OrgUnit.objects.filter(code="370102002009").first()
    if found is None:
        found = make_unit(w.a.street2, "370102002009", "西城第九社区", Level.COMMUNITY)
        make_unit(found, "370102002009001", "第一网格", Level.GRID)
    return found


def _community(w: World) -> str:
    return _quiet_community(w).path


def _declaration(w: World) -> int:
    from fangkong.screening.declarations import declaration_submit
    from fangkong.screening.models import Declaration

    community = _quiet_community(w)
    found = Declaration.objects.filter(unit=community).first()
    if found is None:
        found = declaration_submit(
            unit=community,
            payload={"full_name": "申报人", "id_type": "resident", "id_number": "",
                     "phone": "13900000009", "address": "1号楼101", "members": [], "journey": None},
            ip="198.51.100.7",
        )  # fmt: skip
    return found.pk


ENDPOINTS = [
    Endpoint("screening:declarations", "GET", lambda w: [], Perm.VERIFY_DECLARATIONS),
    Endpoint(
        "screening:declaration", "GET", lambda w: [_declaration(w)], Perm.VERIFY_DECLARATIONS,
        _community,
    ),
    Endpoint(
        "screening:declaration_reveal", "POST", lambda w: [_declaration(w), "phone"],
        Perm.VERIFY_DECLARATIONS, _community,
    ),
    Endpoint(
        "screening:declaration_verify", "POST", lambda w: [_declaration(w)],
        Perm.VERIFY_DECLARATIONS, _community,
        data=lambda w: {"grid": _quiet_community(w).children.get().pk},
    ),
    Endpoint(
        "screening:declaration_reject", "POST", lambda w: [_declaration(w)],
        Perm.VERIFY_DECLARATIONS, _community, data=lambda w: {"reason": "重复申报"},
    ),
    Endpoint(
        "screening:poster", "GET", lambda w: [_quiet_community(w).pk], Perm.VERIFY_DECLARATIONS,
        _community,
    ),
]  # fmt: skip
