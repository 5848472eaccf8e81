"""Tips for the tests, made through the services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fangkong.core.testing import World
from fangkong.tips import services
from fangkong.tips.models import Tip

NAME, PHONE = "举报人张三", "13912345678"
NOTE, REASON = "内部核查：该户系网格员亲属", "广告骚扰"
REPLY = "已核实处理，感谢您的监督。"


def report(**values: Any) -> services.Report:
    values.setdefault("category", "gathering")
    values.setdefault("place", "翰林小区3号楼门口")
    values.setdefault("text", "楼下有二十多人聚集打牌")
    values.setdefault("contact_name", NAME)
    values.setdefault("contact_phone", PHONE)
    return services.Report(**values)


def public_tip(world: World, now: datetime | None = None, **values: Any) -> Tip:
    return services.tip_submit(district=world.a.district, report=report(**values), now=now)


def triaged(world: World, unit: Any = None, now: datetime | None = None, **values: Any) -> Tip:
    return services.tip_triage(
        actor=world.a.commander, tip=public_tip(world, now=now, **values),
        unit=unit or world.a.grid, now=now,
    )  # fmt: skip


def in_state(world: World, state: str) -> Tip:
    """A tip of district a in ``state``, assigned to its first grid once triaged."""
    if state == "new":
        return public_tip(world)
    if state == "rejected":
        return services.tip_reject(actor=world.a.commander, tip=public_tip(world), reason=REASON)
    tip = triaged(world)
    if state == "in_progress":
        return services.tip_start(actor=world.a.grid_worker_local, tip=tip)
    if state == "resolved":
        return services.tip_resolve(
            actor=world.a.grid_worker_local, tip=tip, outcome="confirmed", note=NOTE,
            public_reply=REPLY,
        )  # fmt: skip
    return tip
