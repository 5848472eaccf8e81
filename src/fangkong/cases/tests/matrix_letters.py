"""Permission-matrix rows for assistance letters."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _letter(w: World) -> int:
    """A drafted letter for a contact of a case in district a's grid."""
    from fangkong.cases import services_letters
    from fangkong.cases.models import AssistanceLetter
    from fangkong.cases.tests.helpers import case, contact
    from fangkong.observation.tests.helpers import person

    found = AssistanceLetter.objects.filter(person__full_name="矩阵外出").first()
    if found is None:
        left = contact(w, case(w, person(w, "矩阵函件病例")), "矩阵外出")
        found = services_letters.letter_draft(
            actor=w.a.epidemiologist, contact=left, authority="武汉市江岸区新冠肺炎疫情防控指挥部",
            region="湖北省武汉市江岸区",
        )  # fmt: skip
    return found.pk


def _grid(w: World) -> str:
    return w.a.grid.path


ENDPOINTS = [
    Endpoint("cases:letters", "GET", lambda w: [], Perm.MANAGE_CASES),
    Endpoint("cases:letter_receive", "GET", lambda w: [], Perm.MANAGE_CASES),
    Endpoint("cases:letter", "GET", lambda w: [_letter(w)], Perm.MANAGE_CASES, _grid),
    # Also needs REVEAL_PERSONAL, which every role that manages cases holds.
    Endpoint("cases:letter_pdf", "GET", lambda w: [_letter(w)], Perm.MANAGE_CASES, _grid),
]
