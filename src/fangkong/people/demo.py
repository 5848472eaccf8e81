"""The demo district's registry: households and residents in the first community's
grids, some of them back from an affected area in the last two weeks, the area
list and the policy. Dates are relative to today so that the statuses are live."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core import stamps
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people import tallies
from fangkong.people.models import Household, Person, Policy, RiskArea, Source, TravelRecord
from fangkong.people.normalize import address_key
from fangkong.people.services import id_key, person_assess, phone_key
from fangkong.people.testing import resident_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海燕晨阳欣怡浩然子涵梓萱宇轩雨桐"  # noqa: E501
ORIGINS = [
    ("420100", "湖北省武汉市"), ("421000", "湖北省荆州市"), ("420500", "湖北省宜昌市"),
    ("330300", "浙江省温州市"), ("440300", "广东省深圳市"), ("370100", "山东省济南市"),
]  # fmt: skip
TRAINS = ["G1234", "D2216", "K1068", "G586", "Z38"]
RELATIONS = ["户主", "配偶", "子女", "父母", "孙子女"]
# The demo residence codes: this district's county code, as most IDs here carry.
REGION = "370410"


@dataclass
class RegistryResult:
    households: int
    persons: int
    travellers: int


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def load_registry(
    district: OrgUnit, *, seed: int = 2020, today: date | None = None
) -> RegistryResult:
    """Register the first community's residents (a few hundred households)."""
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:registry")
    community = (
        OrgUnit.objects.in_subtree(district.path)
        .filter(level__in=[Level.COMMUNITY, Level.VILLAGE])
        .order_by("path")
        .first()
    )
    if community is None:
        return RegistryResult(0, 0, 0)
    start = today - timedelta(days=40)
    RiskArea.objects.bulk_create(
        [
            RiskArea(unit=district, org_path=district.path, division_code="420000",
                     name="湖北省", level="high", valid_from=start),
            RiskArea(unit=district, org_path=district.path, division_code="330300",
                     name="浙江省温州市", level="medium", valid_from=start + timedelta(days=8)),
        ]
    )  # fmt: skip
    stamps.bump()  # the areas went in without signals
    Policy.objects.create(
        unit=district, org_path=district.path, effective_from=start, note="区指挥部第1号通告"
    )
    creator = User.objects.filter(username="grid").first()
    grids = list(OrgUnit.objects.filter(parent=community).order_by("path")) or [community]
    households: list[Household] = []
    building = 0
    for grid in grids:
        count = max(1, min(grid.households, 60))
        for n in range(count):
            if n % 12 == 0:
                building += 1
            unit_no, floor = 1 + (n % 12) // 4, (n % 4) + 1
            address = f"{community.name}{building}号楼{unit_no}单元{floor}0{1 + n % 2}"
            households.append(
                Household(unit=grid, address=address, address_key=address_key(address),
                          org_path=grid.path)
            )  # fmt: skip
    Household.objects.bulk_create(households, ignore_conflicts=True)
    households = list(Household.objects.in_subtree(community.path).select_related("unit"))
    persons: list[Person] = []
    sequence = 0
    for household in households:
        for position in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 5))):
            sequence += 1
            age = rng.randint(1, 88) if position else rng.randint(30, 85)
            born = today - timedelta(days=365 * age + rng.randint(0, 364))
            seq = sequence % 1000
            number = resident_id(REGION, born, seq)
            phone = f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}" if age >= 16 else ""
            persons.append(
                Person(
                    full_name=_name(rng), id_number=number, id_key=id_key("resident", number),
                    birth_date=born, sex="M" if seq % 2 else "F", phone=phone,
                    phone_key=phone_key(phone), household=household,
                    relation=RELATIONS[min(position, len(RELATIONS) - 1)], unit=household.unit,
                    org_path=household.org_path, source=Source.IMPORT, created_by=creator,
                )
            )  # fmt: skip
    Person.objects.bulk_create(persons, batch_size=500, ignore_conflicts=True)
    saved = list(Person.objects.in_subtree(community.path).order_by("id"))
    travellers = rng.sample(saved, k=max(1, len(saved) // 25))
    travels = []
    for person in travellers:
        code, name = rng.choice(ORIGINS)
        arrived = today - timedelta(days=rng.randint(0, 20))
        transport = rng.choice(("train", "train", "car", "flight", "bus"))
        travels.append(
            TravelRecord(
                person=person, origin_code=code, origin_name=name,
                departed_on=arrived - timedelta(days=rng.choice((0, 0, 1))), arrived_on=arrived,
                transport=transport,
                transport_no=rng.choice(TRAINS) if transport == "train" else "",
                seat=f"{rng.randint(1, 16):02d}车{rng.randint(1, 20)}{rng.choice('ABCDF')}"
                if transport == "train" else "",
                plate=f"鲁A{rng.randint(10000, 99999)}" if transport == "car" else "",
                purpose=rng.choice(("返乡", "探亲", "务工", "出差")), source=Source.IMPORT,
                org_path=person.org_path, created_by=creator,
            )
        )  # fmt: skip
    TravelRecord.objects.bulk_create(travels, ignore_conflicts=True)
    for person in travellers:
        person_assess(person, today=today)
    tallies.recount(community.path)  # bulk-created above, past the services that count
    return RegistryResult(len(households), len(saved), len(travellers))
