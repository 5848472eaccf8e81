"""Permission-matrix rows for the staff tip pages; the public form and look-up need no login."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World

PUBLIC = {"publictips:form", "publictips:check"}


def _new(w: World) -> int:
    """A public tip of district a, waiting at the district for triage."""
    from fangkong.tips.models import Tip
    from fangkong.tips.tests.helpers import public_tip

    found = Tip.objects.filter(place="矩阵待分派").first()
    return (found or public_tip(w, place="矩阵待分派")).pk


def _assigned(w: World) -> int:
    """A tip of district a assigned to its first grid."""
    from fangkong.tips.models import Tip
    from fangkong.tips.tests.helpers import triaged

    found = Tip.objects.filter(place="矩阵已分派").first()
    return (found or triaged(w, place="矩阵已分派")).pk


def _district(w: World) -> str:
    return w.a.district.path


def _grid(w: World) -> str:
    return w.a.grid.path


REPORT = {"category": "wildlife", "place": "农贸市场东门", "text": "有人售卖野生动物"}

ENDPOINTS = [
    Endpoint("tips:index", "GET", lambda w: [], Perm.HANDLE_TIPS),
    Endpoint("tips:queue", "GET", lambda w: [], Perm.TRIAGE_TIPS),
    Endpoint("tips:mine", "GET", lambda w: [], Perm.HANDLE_TIPS),
    Endpoint("tips:record", "GET", lambda w: [], Perm.HANDLE_TIPS),
    Endpoint("tips:record", "POST", lambda w: [], Perm.HANDLE_TIPS, data=lambda w: REPORT),
    Endpoint("tips:times", "GET", lambda w: [], Perm.TRIAGE_TIPS),
    Endpoint(
        "tips:times_unit", "GET", lambda w: [w.a.community.pk], Perm.TRIAGE_TIPS,
        lambda w: w.a.community.path,
    ),
    Endpoint("tips:detail", "GET", lambda w: [_assigned(w)], Perm.HANDLE_TIPS, _grid),
    Endpoint(
        "tips:detail", "POST", lambda w: [_assigned(w)], Perm.HANDLE_TIPS, _grid,
        data=lambda w: {"action": "start"},
    ),
    Endpoint(
        "tips:detail", "POST", lambda w: [_new(w)], Perm.TRIAGE_TIPS, _district,
        data=lambda w: {"action": "triage", "triage-unit": w.a.grid.code,
                        "triage-due_hours": "24"},
    ),
    Endpoint(
        "tips:reveal", "POST", lambda w: [_assigned(w), "contact_phone"], Perm.REVEAL_PERSONAL,
        _grid, also=Perm.HANDLE_TIPS,
    ),
]  # fmt: skip
