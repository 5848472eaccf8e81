"""Checkpoints and passages for the tests, built through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from fangkong.checkpoints import registration, services
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.core.testing import World
from fangkong.people.models import RiskArea


def checkpoint(world: World, name: str = "济青高速历下收费站", unit: Any = None) -> Checkpoint:
    found = Checkpoint.objects.filter(name=name).first()
    if found is not None:
        return found
    return services.checkpoint_create(
        actor=world.a.commander, unit=unit or world.a.street, name=name, kind="highway"
    )


def traveller(**values: Any) -> registration.TravellerIn:
    return registration.TravellerIn(**{"full_name": "张伟", "phone": "13912345678",
                                       "temperature": "36.6", **values})  # fmt: skip


def passage(world: World, *, actor: Any = None, at: Checkpoint | None = None,
            travellers: list[registration.TravellerIn] | None = None,
            passed_at: datetime | None = None, **values: Any) -> registration.Outcome:  # fmt: skip
    item = registration.PassageIn(
        checkpoint=at or checkpoint(world), origin=values.pop("origin", "湖北省武汉市"),
        travellers=travellers if travellers is not None else [traveller()],
        plate=values.pop("plate", "鄂A12345"), destination=values.pop("destination", world.a.grid),
        passed_at=passed_at, **values,
    )  # fmt: skip
    (outcome,) = registration.register(actor=actor or world.a.commander, items=[item])
    return outcome


def item_json(world: World, client_id: str, phone: str, **values: Any) -> dict[str, Any]:
    """An item of an upload as a device sends it: one traveller, bound for grid A."""
    return {"client_id": client_id, "checkpoint": checkpoint(world).pk, "origin": "湖北省武汉市",
            "destination": world.a.grid.code, "plate": "鄂A12345",
            "travellers": [{"full_name": "张伟", "phone": phone, "temperature": 36.6}],
            **values}  # fmt: skip


def created(outcome: registration.Outcome) -> Passage:
    assert outcome.status == "created", outcome.errors
    assert outcome.passage is not None
    return outcome.passage


def hubei_affected(world: World) -> RiskArea:
    """Hubei on the district's list of affected areas (high) for the last ten days."""
    return RiskArea.objects.create(
        unit=world.a.district, org_path=world.a.district.path, division_code="420000",
        name="湖北省", level="high", valid_from=timezone.localdate() - timedelta(days=10),
    )  # fmt: skip
