"""The demo district's checkpoints: a highway exit and a village gate of the township
where the demo's checkpoint officer works, a day and a half of passages through the
same services a roadside phone uses, and the first community's hand-offs at every stage
(confirmed, waiting, overdue)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.checkpoints import registration, services
from fangkong.checkpoints.models import Handoff, HandoffState
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people.testing import resident_id

ORIGINS = ["湖北省武汉市", "湖北省孝感市", "浙江省温州市", "广东省深圳市", "山东省济南市",
           "山东省青岛市", "河南省信阳市", "北京市朝阳区"]  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
PLATES = "鲁鄂浙粤豫京"


def load_checkpoints(district: OrgUnit, *, seed: int = 2020) -> int:
    """Returns the number of passages registered."""
    rng = random.Random(f"{seed}:checkpoints")
    officer = User.objects.filter(username="checkpoint").first()
    worker = User.objects.filter(username="grid").first()
    if officer is None:
        return 0
    town = officer.assignments.get().unit
    highway = services.checkpoint_create(
        actor=_command(), unit=town, name=f"{town.name}高速出口", kind="highway",
    )  # fmt: skip
    gate = services.checkpoint_create(
        actor=_command(), unit=town, name=f"{town.name}东村卡口", kind="gate", directions="in",
    )  # fmt: skip
    grids = list(OrgUnit.objects.filter(level=Level.GRID, path__startswith=district.path)
                 .order_by("path")[:6])  # fmt: skip
    now = timezone.now()
    items = []
    for n in range(90):
        at = highway if n % 3 else gate
        passed = now - timedelta(minutes=rng.randint(5, 36 * 60))
        travellers = []
        for k in range(rng.choice((1, 1, 2, 2, 3, 4))):
            fever = rng.random() < 0.04
            travellers.append(registration.TravellerIn(
                full_name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                id_number=resident_id("420102", now.date() - timedelta(days=rng.randint(7000, 25000)), 600 + n * 4 + k),  # noqa: E501
                phone=f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}",
                temperature=f"{rng.choice((37.6, 38.1)) if fever else rng.choice((36.2, 36.4, 36.5, 36.7, 36.9))}",  # noqa: E501
            ))  # fmt: skip
        outside = rng.random() < 0.12
        items.append(registration.PassageIn(
            checkpoint=at, origin=rng.choice(ORIGINS), travellers=travellers,
            direction="in" if at == gate or rng.random() < 0.8 else "out",
            plate=f"{rng.choice(PLATES)}{rng.choice('ABCDEF')}{rng.randint(10000, 99999)}",
            vehicle="car", passed_at=passed, client_id=f"demo-{n}",
            destination=None if outside else rng.choice(grids),
            destination_text="北京市朝阳区" if outside else f"{rng.randint(1, 12)}号楼{rng.randint(1, 3)}单元",  # noqa: E501
        ))  # fmt: skip
    outcomes = registration.register(actor=officer, items=items)
    if worker is not None:
        grid = worker.assignments.get().unit
        mine = Handoff.objects.filter(unit=grid, state=HandoffState.OPEN).order_by("arrived_at")
        for handoff in list(mine)[: max(1, mine.count() // 2)]:
            services.handoff_confirm(actor=worker, handoff=handoff, unit=grid,
                                     address=handoff.address or "1号楼")  # fmt: skip
    return sum(o.status == "created" for o in outcomes)


def _command() -> User:
    return User.objects.get(username="commander")
