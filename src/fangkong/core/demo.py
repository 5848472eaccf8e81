"""The demo district: a realistic unit tree, its population and one login per role.

Everything follows from a seed, so the same arguments give the same codes,
names and paths on every machine (and a screenshot in a bug report can be
reproduced). The tree is planned in memory, paths included, and written in
bulk (plain ``executemany``/``COPY``, or ``bulk_create`` level by level): the
100,000-unit tree used by the benchmarks must load in seconds, which per-row
services (a path allocation and an audit entry each) cannot do. One audit
entry records the load.

Codes follow the statistical division code: county (6 digits) + township (3) +
village (3); grids add 3 digits to their community's code. As in the real
scheme, streets (街道) are numbered from 001, towns (镇) from 100, residents'
committees (社区) from 001 and villages (村) from 200.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.fields import NOT_PROVIDED

from fangkong.accounts import audit
from fangkong.accounts.models import Assignment, AuditEntry, User
from fangkong.bulletin.demo import load_bulletins
from fangkong.cases.demo import load_cases
from fangkong.checkpoints.demo import load_checkpoints
from fangkong.core import stamps
from fangkong.core.paths import child_path, segment
from fangkong.core.roles import Role
from fangkong.duty.demo import load_duty
from fangkong.observation.demo import load_observation
from fangkong.orgunits.models import Level, OrgUnit, UnitLeader
from fangkong.people.demo import load_registry
from fangkong.places.demo import load_places
from fangkong.reports.demo import load_reports
from fangkong.screening.demo import load_screening
from fangkong.supplies.demo import load_supplies
from fangkong.tips.demo import load_tips

# The audit entry that marks a database as holding the demo (its changes hold the spec).
DEMO_NOTE = "fangkong demo"
# People per household in the 2020 census was 2.62.
PEOPLE_PER_HOUSEHOLD = 2.6
# The day most provinces declared the first-level response (一级响应).
LEADERS_SINCE = datetime.date(2020, 1, 24)

MAX_STREETS = 165  # two in five are towns: 99 街道 (001-099) and 66 镇 (100-165)
MAX_COMMUNITIES = 799  # a street's communities from 001, a town's villages from 200
MAX_GRIDS = 999


class DemoError(Exception):
    """The demo cannot be loaded into this database."""


class DemoAlreadyLoaded(DemoError):
    def __init__(self, found: dict[str, Any]) -> None:
        super().__init__(f"the demo is already loaded (seed {found.get('seed')})")
        self.found = found


class DatabaseNotEmpty(DemoError):
    pass


@dataclass(frozen=True)
class DemoSpec:
    seed: int = 2020
    residents: int = 120_000
    streets: int = 10
    communities_per_street: int = 10
    grids_per_community: int = 10

    @property
    def towns(self) -> int:
        """How many of the streets are towns (镇): about two in five, at least one of two."""
        return 0 if self.streets < 2 else max(1, round(self.streets * 0.4))

    def check(self) -> None:
        if self.residents < 0:
            raise ValueError("residents cannot be negative")
        if not 1 <= self.streets <= MAX_STREETS:
            raise ValueError(f"streets must be between 1 and {MAX_STREETS}")
        if not 1 <= self.communities_per_street <= MAX_COMMUNITIES:
            raise ValueError(f"communities per street must be between 1 and {MAX_COMMUNITIES}")
        if not 1 <= self.grids_per_community <= MAX_GRIDS:
            raise ValueError(f"grids per community must be between 1 and {MAX_GRIDS}")

    def as_dict(self) -> dict[str, int]:
        return {
            "seed": self.seed,
            "residents": self.residents,
            "streets": self.streets,
            "communities_per_street": self.communities_per_street,
            "grids_per_community": self.grids_per_community,
        }


@dataclass
class PlannedUnit:
    code: str
    name: str
    level: str
    path: str
    parent: int | None  # index into DemoPlan.units
    children: int = 0
    residents: int = 0
    households: int = 0

    @property
    def depth(self) -> int:
        return len(self.path) // 4


@dataclass(frozen=True)
class PlannedUser:
    username: str
    full_name: str
    role: Role
    unit_code: str
    phone: str


@dataclass(frozen=True)
class PlannedLeader:
    username: str
    unit_code: str
    title: str


@dataclass
class DemoPlan:
    spec: DemoSpec
    district_name: str
    county_code: str
    # Parents before children: the district, the streets, the communities, the grids.
    units: list[PlannedUnit]
    users: list[PlannedUser]
    leaders: list[PlannedLeader]

    def by_level(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for unit in self.units:
            counts[unit.level] = counts.get(unit.level, 0) + 1
        return counts


@dataclass
class DemoResult:
    plan: DemoPlan
    district: OrgUnit
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Word lists. Names are fictional compositions of common place-name words.

DISTRICT_FIRST = "泉文华安明永长平兴宁丰嘉清临新康崇德"
DISTRICT_SECOND = "山河阳城源川宁安华丰泽州"
PROVINCES = ["37", "41", "32", "34", "13", "42", "36", "43", "61", "51"]

STREET_ROOTS = [
    "东关", "西关", "南关", "北关", "文化路", "青年路", "解放路", "人民路", "建设路", "和平路",
    "胜利路", "新华路", "大明湖", "千佛山", "翰林", "柳园", "北园", "南郊", "东城", "西城",
    "龙山", "凤凰", "泉城", "舜耕", "甸柳", "燕山", "洪楼", "华山", "七里河", "十里铺",
    "站前", "府前", "文昌", "书院", "花园路", "八一路", "振兴", "金山", "玉泉", "开元",
]  # fmt: skip
TOWN_ROOTS = [
    "盘石", "柳埠", "王官庄", "店子", "枣园", "孙集", "马集", "白云", "桃园", "高庄",
    "辛集", "双庙", "黄河", "龙泉", "石门", "梨园", "杏林", "埠村", "官庄", "仲宫",
    "港沟", "董家", "唐王", "遥墙", "崔寨", "孙耿", "太平", "回河", "赵营", "刁镇",
]  # fmt: skip
COMMUNITY_ROOTS = [
    "文化路", "青年路", "解放路", "人民路", "建设路", "和平路", "胜利路", "民主路", "朝阳路",
    "光明路", "工业路", "学府路", "府前街", "县前街", "东关", "西关", "南关", "北关", "翰林",
    "柳园", "书院", "文昌", "花园", "紫荆", "丁香", "玉泉", "运河", "滨河", "体育场", "铁路",
    "电厂", "纺织", "农机", "粮站", "供销", "兴隆", "永安", "长乐", "康宁", "福寿", "青云",
    "凤鸣", "龙泉", "桂花", "锦绣", "阳光", "金桥", "银河", "幸福里", "新村", "东苑", "西苑",
    "南苑", "北苑", "明湖", "泉润", "华庭", "盘石", "杏园", "槐荫", "棉纺", "机床", "化肥厂",
]  # fmt: skip
# Added to a root when the plain roots run out: 翰林东社区, 文化路第二社区 …
VARIANTS = ["东", "西", "南", "北", "中", "新", "第二", "第三", "第四", "第五"]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟"
)
VILLAGE_PREFIXES = ["", "", "", "", "东", "西", "南", "北", "前", "后", "大", "小", "上", "下"]
VILLAGE_SUFFIXES = [
    "家庄", "庄", "家村", "屯", "营", "寨", "店", "集", "楼", "家洼",
    "官庄", "家湖", "家岭", "家峪", "家河", "家桥", "家坊", "家圈", "堡", "铺",
]  # fmt: skip
VILLAGE_NATURE = [
    "盘石", "柳树", "杏花", "桃花", "石桥", "东河", "西河", "南岭", "北岭", "黄土坡",
    "白杨", "青石", "梨园", "枣林", "槐树", "双井", "三岔", "河湾", "洼里", "岭后",
]  # fmt: skip
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志海红云波鹏辉宁晨雪琳斌"

DIGITS = "零一二三四五六七八九"
POWERS = ["", "十", "百", "千"]


def chinese_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五, 1010 → 一千零一十 (up to 9999)."""
    if not 1 <= number <= 9999:
        raise ValueError(number)
    text = str(number)
    out: list[str] = []
    zero = False
    for index, char in enumerate(text):
        digit = int(char)
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[digit] + POWERS[len(text) - 1 - index])
    result = "".join(out)
    return result[1:] if 10 <= number < 20 else result


def _rng(seed: int, topic: str) -> random.Random:
    # One stream per topic: the streets' names do not change when grids are added.
    return random.Random(f"fangkong-demo:{seed}:{topic}")


def _unique_names(rng: random.Random, roots: list[str], count: int) -> list[str]:
    """``count`` distinct names: the roots in shuffled order, then roots with variants."""
    names: list[str] = []
    for variant in ["", *VARIANTS]:
        shuffled = roots[:]
        rng.shuffle(shuffled)
        names.extend(root + variant for root in shuffled)
        if len(names) >= count:
            return names[:count]
    number = 1
    while len(names) < count:  # a thousand communities under one street: numbered after that
        names.extend(f"{root}{chinese_numeral(number)}" for root in roots)
        number += 1
    return names[:count]


def _village_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    seen = set(taken)
    attempts = 0
    while len(names) < count:
        attempts += 1
        if attempts < 50 * count and rng.random() < 0.2:
            name = rng.choice(VILLAGE_NATURE)
        elif attempts < 50 * count:
            name = (
                rng.choice(VILLAGE_PREFIXES) + rng.choice(SURNAMES) + rng.choice(VILLAGE_SUFFIXES)
            )
        else:
            name = f"{rng.choice(SURNAMES)}家庄{chinese_numeral(len(names) + 1)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _person_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in names:
            names.append(name)
    return names


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` so that the parts add up exactly.

    Largest remainder, in integers, ties to the earlier index: the same on every machine.
    """
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    left = total - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for index in by_remainder[:left]:
        parts[index] += 1
    return parts


# ---------------------------------------------------------------------------
# Planning (no database).


def plan_demo(spec: DemoSpec) -> DemoPlan:
    spec.check()
    seed = spec.seed
    rng = _rng(seed, "district")
    first = rng.choice(DISTRICT_FIRST)
    second = rng.choice([c for c in DISTRICT_SECOND if c != first])
    district_name = f"{first}{second}区"
    county = f"{rng.choice(PROVINCES)}{rng.randint(1, 9):02d}{rng.randint(2, 19):02d}"

    units: list[PlannedUnit] = [
        PlannedUnit(county + "000000", district_name, Level.DISTRICT, segment(1), None)
    ]
    # Streets: 街道 first (codes 001…), then 镇 (100…); a path's order is its code's order.
    n_towns = spec.towns
    n_streets = spec.streets - n_towns
    street_names = _unique_names(_rng(seed, "streets"), STREET_ROOTS, n_streets)
    town_names = _unique_names(_rng(seed, "towns"), TOWN_ROOTS, n_towns)
    second_level: list[tuple[int, str]] = []  # (unit index, root of the name)
    for number, (level, root, code3) in enumerate(
        [(Level.STREET, n, f"{i + 1:03d}") for i, n in enumerate(street_names)]
        + [(Level.TOWNSHIP, n, f"{100 + i:03d}") for i, n in enumerate(town_names)],
        start=1,
    ):
        suffix = "街道" if level == Level.STREET else "镇"
        units.append(
            PlannedUnit(county + code3 + "000", root + suffix, level, child_path("0001", number), 0)
        )
        second_level.append((len(units) - 1, root))
    units[0].children = len(second_level)

    # Communities and villages. A town has a residents' committee for its seat
    # (镇驻地社区) when it has room for three or more units, villages for the rest.
    names_rng = _rng(seed, "communities")
    third_level: list[int] = []
    for street_index, root in second_level:
        street = units[street_index]
        count = spec.communities_per_street
        if street.level == Level.STREET:
            names = _unique_names(names_rng, COMMUNITY_ROOTS, count)
            kinds = [
                (Level.COMMUNITY, f"{name}社区", f"{i + 1:03d}") for i, name in enumerate(names)
            ]
        else:
            seat = 1 if count >= 3 else 0
            villages = _village_names(names_rng, count - seat, {root})
            kinds = [(Level.COMMUNITY, f"{root}社区", "001")] if seat else []
            kinds += [(Level.VILLAGE, f"{n}村", f"{200 + i:03d}") for i, n in enumerate(villages)]
        for number, (level, name, code3) in enumerate(kinds, start=1):
            units.append(
                PlannedUnit(
                    street.code[:9] + code3,
                    name,
                    level,
                    child_path(street.path, number),
                    street_index,
                )
            )
            third_level.append(len(units) - 1)
        street.children = len(kinds)

    # Grids, and the residents: urban grids are denser than village ones, and
    # each street has its own density, so the figures do not look uniform.
    weights_rng = _rng(seed, "residents")
    density = {index: weights_rng.randint(80, 125) for index, _ in second_level}
    numerals = [chinese_numeral(n) for n in range(1, spec.grids_per_community + 1)]
    weights: list[int] = []
    grids_start = len(units)
    for community_index in third_level:
        community = units[community_index]
        urban = community.level == Level.COMMUNITY
        for number in range(1, spec.grids_per_community + 1):
            name = f"第{numerals[number - 1]}网格" if urban else f"{numerals[number - 1]}网格"
            units.append(
                PlannedUnit(
                    community.code + f"{number:03d}",
                    name,
                    Level.GRID,
                    child_path(community.path, number),
                    community_index,
                )
            )
            base = weights_rng.randint(70, 130) if urban else weights_rng.randint(35, 70)
            weights.append(base * density[community.parent])  # type: ignore[index]
        community.children = spec.grids_per_community

    ratio_rng = _rng(seed, "households")
    for unit, residents in zip(
        units[grids_start:], _apportion(spec.residents, weights), strict=True
    ):
        unit.residents = residents
        ratio = PEOPLE_PER_HOUSEHOLD + ratio_rng.uniform(-0.25, 0.3)
        unit.households = max(1, round(residents / ratio)) if residents else 0
    for unit in reversed(units):  # children come after their parents: sum bottom-up
        if unit.parent is not None:
            units[unit.parent].residents += unit.residents
            units[unit.parent].households += unit.households

    users, leaders = _plan_people(spec, units, second_level, third_level)
    return DemoPlan(spec, district_name, county, units, users, leaders)


def _plan_people(
    spec: DemoSpec,
    units: list[PlannedUnit],
    second_level: list[tuple[int, str]],
    third_level: list[int],
) -> tuple[list[PlannedUser], list[PlannedLeader]]:
    district = units[0]
    street = units[second_level[0][0]]
    community = next(units[i] for i in third_level if units[i].parent == second_level[0][0])
    grid = next(u for u in units if u.level == Level.GRID and u.code.startswith(community.code))
    town = next((units[i] for i, _ in second_level if units[i].level == Level.TOWNSHIP), street)
    places = [
        ("admin", Role.ADMIN, district),
        ("commander", Role.COMMANDER, district),
        ("cdc", Role.EPIDEMIOLOGIST, district),
        ("street", Role.UNIT_OFFICER, street),
        ("community", Role.UNIT_OFFICER, community),
        ("grid", Role.GRID_WORKER, grid),
        ("checkpoint", Role.CHECKPOINT, town),
        ("clinician", Role.CLINICIAN, district),
        ("logistics", Role.LOGISTICS, district),
        ("viewer", Role.VIEWER, district),
        # District cadres who contract a street (包联); they read, the street runs.
        ("leader1", Role.VIEWER, district),
        ("leader2", Role.VIEWER, district),
    ]
    names = _person_names(_rng(spec.seed, "people"), len(places))
    users = [
        PlannedUser(username, name, role, unit.code, f"1380000{number:04d}")
        for number, ((username, role, unit), name) in enumerate(
            zip(places, names, strict=True), start=1
        )
    ]
    contracted = [units[i] for i, _ in second_level]
    leaders = [PlannedLeader("leader1", contracted[0].code, "副区长")]
    if len(contracted) > 1:
        leaders.append(PlannedLeader("leader2", contracted[1].code, "区委常委"))
    leaders.append(PlannedLeader("commander", contracted[-1].code, "指挥部副总指挥"))
    return users, leaders


# ---------------------------------------------------------------------------
# Loading.

DEMO_USERNAMES = [
    "admin", "commander", "cdc", "street", "community", "grid",
    "checkpoint", "clinician", "logistics", "viewer", "leader1", "leader2",
]  # fmt: skip


def loaded_demo() -> dict[str, Any] | None:
    """The spec of the demo this database holds (from its audit entry), or None."""
    entry = (
        AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, note=DEMO_NOTE)
        .order_by("-id")
        .first()
    )
    if entry is None:
        return None
    return dict(entry.changes.get("demo", {}))


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The columns the loader fills in; every other column must have a default.
UNIT_VALUES = (
    "id", "code", "name", "level", "parent_id", "path", "depth",
    "last_child", "residents", "households",
)  # fmt: skip


def _unit_rows(plan: DemoPlan, first_id: int) -> Iterator[tuple[Any, ...]]:
    for index, u in enumerate(plan.units):
        parent = first_id + u.parent if u.parent is not None else None
        yield (
            first_id + index, u.code, u.name, str(u.level), parent, u.path, u.depth,
            u.children, u.residents, u.households,
        )  # fmt: skip


def _unit_columns() -> tuple[list[str], list[Any]]:
    """Column names for :data:`UNIT_VALUES` plus any other column that needs a constant.

    Columns with a database default (``db_default``) are left to the database; a
    column added later with a Python default gets that default; one with neither
    makes the fast path refuse rather than guess.
    """
    by_attname = {f.attname: f for f in OrgUnit._meta.concrete_fields}
    columns = [by_attname[name].column for name in UNIT_VALUES]
    constants: list[Any] = []
    for f in OrgUnit._meta.concrete_fields:
        if f.attname in UNIT_VALUES or f.db_default is not NOT_PROVIDED:
            continue
        if not (f.has_default() or f.null):
            raise DemoError(f"the demo loader has no value for org unit field {f.name!r}")
        columns.append(f.column)
        constants.append(f.get_db_prep_save(f.get_default(), connection))
    return columns, constants


def _insert_units_fast(plan: DemoPlan) -> None:
    """Plain SQL with ids given in memory: SQLite ``executemany``, PostgreSQL ``COPY``.

    The ORM spends ~0.2 ms a row building and compiling each INSERT (100,000
    units took ~20 s on SQLite); the database itself needs a tenth of that.
    """
    columns, constants = _unit_columns()
    first_id = (OrgUnit.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    rows = (row + tuple(constants) for row in _unit_rows(plan, first_id))
    table = connection.ops.quote_name(OrgUnit._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))
        # Ids were given, not drawn: move PostgreSQL's identity sequence past them.
        for statement in connection.ops.sequence_reset_sql(no_style(), [OrgUnit]):
            cursor.execute(statement)


def _insert_units_orm(plan: DemoPlan, batch_size: int) -> None:
    saved: list[OrgUnit] = []
    # Level by level, so that every parent has its id before its children are built.
    for _depth, level in groupby(plan.units, key=lambda planned: planned.depth):
        rows = [
            OrgUnit(
                code=planned.code,
                name=planned.name,
                level=planned.level,
                path=planned.path,
                depth=planned.depth,
                last_child=planned.children,
                residents=planned.residents,
                households=planned.households,
                parent=saved[planned.parent] if planned.parent is not None else None,
            )
            for planned in level
        ]
        for batch in _batches(rows, batch_size):
            OrgUnit.objects.bulk_create(batch)
        saved.extend(rows)


@transaction.atomic
def load_demo(
    spec: DemoSpec,
    *,
    password: str | None = None,
    method: str = "fast",
    batch_size: int = 5000,
) -> DemoResult:
    """Write the demo into an empty database (raises :class:`DemoError` otherwise).

    ``method`` is ``"fast"`` (plain SQL, on SQLite and PostgreSQL) or ``"orm"``
    (``bulk_create``, for any database and for comparison in the benchmarks).
    """
    started = time.perf_counter()
    found = loaded_demo()
    if found is not None:
        raise DemoAlreadyLoaded(found)
    if OrgUnit.objects.exists():
        raise DatabaseNotEmpty("the database already holds org units")
    taken = list(
        User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
    )
    if taken:
        raise DatabaseNotEmpty(f"these user names are taken: {', '.join(sorted(taken))}")

    plan = plan_demo(spec)
    timings = {"plan": time.perf_counter() - started}
    mark = time.perf_counter()
    if method == "fast" and connection.vendor in ("sqlite", "postgresql"):
        _insert_units_fast(plan)
    elif method in ("fast", "orm"):
        _insert_units_orm(plan, batch_size)
    else:
        raise ValueError(f"unknown method {method!r}")
    timings["units"] = time.perf_counter() - mark
    mark = time.perf_counter()

    wanted = {u.unit_code for u in plan.users} | {c.unit_code for c in plan.leaders}
    wanted.add(plan.units[0].code)
    by_code = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=wanted)}
    # Every demo user has the same password: hash it once (Argon2 takes a tenth of a second).
    hashed = make_password(password if password is not None else settings.FANGKONG_DEMO_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(username=u.username, full_name=u.full_name, phone=u.phone, password=hashed)
            for u in plan.users
        ]
    )
    by_username = {user.username: user for user in users}
    Assignment.objects.bulk_create(
        [
            Assignment(
                user=by_username[u.username],
                role=u.role,
                unit=by_code[u.unit_code],
                org_path=by_code[u.unit_code].path,
            )
            for u in plan.users
        ]
    )
    UnitLeader.objects.bulk_create(
        [
            UnitLeader(
                unit=by_code[c.unit_code],
                leader=by_username[c.username],
                title=c.title,
                since=LEADERS_SINCE,
                org_path=by_code[c.unit_code].path,
            )
            for c in plan.leaders
        ]
    )
    district = by_code[plan.units[0].code]
    stamps.bump()  # units and users went in without signals
    timings["users"] = time.perf_counter() - mark
    mark = time.perf_counter()
    registry = load_registry(district, seed=spec.seed)
    visits = load_screening(district, seed=spec.seed)
    passages = load_checkpoints(district, seed=spec.seed)
    observations = load_observation(district, seed=spec.seed)
    contacts = load_cases(district, seed=spec.seed)
    supplies = load_supplies(district, seed=spec.seed)
    tips = load_tips(district, seed=spec.seed)
    duty = load_duty(district, seed=spec.seed)
    disinfections = load_places(district, seed=spec.seed)
    reports = load_reports(district, seed=spec.seed)
    bulletins = load_bulletins(district)
    timings["registry"] = time.perf_counter() - mark
    audit.record(
        actor=None,
        action=audit.Action.IMPORT,
        target=district,
        changes={
            "demo": spec.as_dict(),
            "units": len(plan.units),
            "users": len(users),
            "households": registry.households,
            "persons": registry.persons,
            "visits": visits,
            "passages": passages,
            "observations": observations,
            "contacts": contacts,
            "supplies": supplies,
            "tips": tips,
            "duty": duty,
            "disinfections": disinfections,
            "reports": reports,
            "bulletins": bulletins,
        },
        note=DEMO_NOTE,
    )
    return DemoResult(plan, district, time.perf_counter() - started, timings)


def demo_logins() -> list[tuple[str, str, str]]:
    """(user name, role, unit) of every demo user in the database, in the demo's order."""
    rows: dict[str, tuple[str, str, str]] = {}
    for a in Assignment.objects.filter(user__username__in=DEMO_USERNAMES).select_related(
        "user", "unit__parent"
    ):
        # "第一网格" alone says little: a grid is named with its community.
        unit = a.unit.name
        if a.unit.level == Level.GRID and a.unit.parent is not None:
            unit = f"{a.unit.parent.name} {unit}"
        rows[a.user.username] = (a.user.username, str(a.get_role_display()), unit)
    return [rows[name] for name in DEMO_USERNAMES if name in rows]
