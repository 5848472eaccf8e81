"""Permission-matrix rows for checkpoints, hand-offs, referrals and alerts."""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _checkpoint(w: World):  # type: ignore[no-untyped-def]
    from fangkong.checkpoints.tests.helpers import checkpoint

    return checkpoint(w, unit=w.a.street2)


def _street2(w: World) -> str:
    return w.a.street2.path


def _passage(w: World, client_id: str = "m1", **values):  # type: ignore[no-untyped-def]
    from fangkong.checkpoints.models import Passage
    from fangkong.checkpoints.tests.helpers import created, passage, traveller

    at = _checkpoint(w)
    found = Passage.objects.filter(checkpoint=at, client_id=client_id).first()
    if found is not None:
        return found
    fever = [traveller(temperature="38.2")]
    return created(passage(w, at=at, client_id=client_id, travellers=fever, **values))


def _handoff(w: World) -> int:
    from fangkong.checkpoints.models import Handoff

    _passage(w)
    return Handoff.objects.get(key__isnull=False, unit=w.a.grid).pk


def _traveller(w: World) -> int:
    return _passage(w).travellers.get().pk


def _outside(w: World) -> int:
    return _passage(w, client_id="m2", destination=None, destination_text="北京市朝阳区").pk


def _grid(w: World) -> str:
    return w.a.grid.path


ENDPOINTS = [
    Endpoint("checkpoints:list", "GET", lambda w: [], Perm.VIEW_PASSAGES),
    Endpoint("checkpoints:create", "GET", lambda w: [], Perm.MANAGE_CHECKPOINTS),
    Endpoint("checkpoints:register", "GET", lambda w: [], Perm.RECORD_PASSAGES),
    Endpoint("checkpoints:destinations", "GET", lambda w: [], Perm.RECORD_PASSAGES),
    Endpoint("checkpoints:outside", "GET", lambda w: [], Perm.MANAGE_CHECKPOINTS),
    Endpoint(
        "checkpoints:outside_notified",
        "POST",
        lambda w: [_outside(w)],
        Perm.MANAGE_CHECKPOINTS,
        _street2,
    ),
    Endpoint(
        "checkpoints:detail", "GET", lambda w: [_checkpoint(w).pk], Perm.VIEW_PASSAGES, _street2
    ),
    Endpoint(
        "checkpoints:edit", "GET", lambda w: [_checkpoint(w).pk], Perm.MANAGE_CHECKPOINTS, _street2
    ),
    Endpoint(
        "checkpoints:shift", "GET", lambda w: [_checkpoint(w).pk], Perm.VIEW_PASSAGES, _street2
    ),
    Endpoint("checkpoints:handoffs", "GET", lambda w: [], Perm.RECORD_VISITS),
    Endpoint("checkpoints:handoff", "GET", lambda w: [_handoff(w)], Perm.RECORD_VISITS, _grid),
    Endpoint("checkpoints:handoff_figures", "GET", lambda w: [], Perm.VIEW_UNITS),
    Endpoint(
        "checkpoints:handoff_figures_unit",
        "GET",
        lambda w: [w.a.community.pk],
        Perm.VIEW_UNITS,
        lambda w: w.a.community.path,
    ),
    Endpoint("checkpoints:referrals", "GET", lambda w: [], Perm.RECORD_REFERRALS),
    Endpoint(
        "checkpoints:referral", "GET", lambda w: [_traveller(w)], Perm.RECORD_REFERRALS, _street2
    ),
    Endpoint("checkpoints:alerts", "GET", lambda w: [], Perm.RECEIVE_ALERTS),
    Endpoint("checkpoints:alerts_seen", "POST", lambda w: [], Perm.RECEIVE_ALERTS),
    Endpoint("api:list_checkpoints", "GET", lambda w: [], None, api=True),
    Endpoint(
        "api:upload_passages",
        "POST",
        lambda w: [],
        Perm.RECORD_PASSAGES,
        api=True,
        data=lambda w: {
            "items": [
                {
                    "client_id": "matrix",
                    "checkpoint": _checkpoint(w).pk,
                    "origin": "湖北省武汉市",
                    "destination": w.a.grid.code,
                    "plate": "鄂A12345",
                    "travellers": [
                        {"full_name": "张伟", "phone": "13912345678", "temperature": 36.5}
                    ],
                }
            ]
        },
    ),
]
