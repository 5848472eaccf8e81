"""The test world: two districts, each with every role, so that every test can
ask "and the other district's officer?" (STYLE.md, example 9)."""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fangkong.accounts.models import Assignment, User
from fangkong.core.paths import child_path, segment
from fangkong.core.roles import Perm, Role
from fangkong.orgunits.models import Level, OrgUnit

PASSWORD = "correct-horse-battery-staple"


def make_unit(parent: OrgUnit | None, code: str, name: str, level: str, **extra: int) -> OrgUnit:
    """A unit with its path allocated the way the services do it, without an actor."""
    if parent is None:
        count = OrgUnit.objects.filter(depth=1).count()
        path = segment(count + 1)
    else:
        parent.last_child += 1
        OrgUnit.objects.filter(pk=parent.pk).update(last_child=parent.last_child)
        path = child_path(parent.path, parent.last_child)
    return OrgUnit.objects.create(
        parent=parent, code=code, name=name, level=level, path=path, depth=len(path) // 4, **extra
    )


def make_user(username: str, role: Role | str | None, unit: OrgUnit | None, **extra) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=extra.pop("full_name", username), **extra
    )
    if role is not None and unit is not None:
        Assignment.objects.create(user=user, role=role, unit=unit, org_path=unit.path)
    return user


@dataclass
class District:
    district: OrgUnit
    street: OrgUnit
    street2: OrgUnit
    community: OrgUnit
    grid: OrgUnit
    grid2: OrgUnit
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class World:
    a: District
    b: District
    superuser: User
    nobody: User


def build_district(prefix: str, code: str, name: str) -> District:
    district = make_unit(None, code + "000000", name, Level.DISTRICT, residents=300000)
    street = make_unit(district, code + "001000", name + "东关街道", Level.STREET)
    street2 = make_unit(district, code + "002000", name + "西城街道", Level.STREET)
    community = make_unit(street, code + "001001", name + "翰林社区", Level.COMMUNITY)
    grid = make_unit(
        community, code + "001001001", "第一网格", Level.GRID, residents=800, households=300
    )
    grid2 = make_unit(
        community, code + "001001002", "第二网格", Level.GRID, residents=600, households=220
    )
    d = District(district, street, street2, community, grid, grid2)
    # Every role at the district, and the front-line roles where they work.
    for role in Role:
        d.users[role.value] = make_user(f"{prefix}_{role.value}", role, district)
    d.users["street_officer"] = make_user(f"{prefix}_street_officer", Role.UNIT_OFFICER, street)
    d.users["street_admin"] = make_user(f"{prefix}_street_admin", Role.ADMIN, street)
    d.users["community_officer"] = make_user(
        f"{prefix}_community_officer", Role.UNIT_OFFICER, community
    )
    d.users["grid_worker_local"] = make_user(f"{prefix}_grid_worker_local", Role.GRID_WORKER, grid)
    d.users["street2_officer"] = make_user(f"{prefix}_street2_officer", Role.UNIT_OFFICER, street2)
    return d


def build_world() -> World:
    a = build_district("a", "370102", "历下区")
    b = build_district("b", "370103", "市中区")
    superuser = User.objects.create_superuser(
        username="root", password=PASSWORD, full_name="系统管理员"
    )
    nobody = make_user("nobody", None, None)
    return World(a=a, b=b, superuser=superuser, nobody=nobody)


@dataclass(frozen=True)
class Endpoint:
    """One row of the permission matrix (tests/test_permission_matrix.py)."""

    name: str
    method: str  # GET or POST
    args: Callable[[World], list[Any]]  # URL arguments, all pointing into district a
    perm: Perm | None  # needed at the target; None: any logged-in user
    target: Callable[[World], str] | None = None  # path of the target; None: anywhere
    manage_target_user: bool = False  # also needs to be able to manage a_grid_worker_local
    superuser_only: bool = False
    api: bool = False
    data: Callable[[World], dict[str, Any]] | None = None
    also: Perm | None = None  # a second permission needed at the target


MATRIX_APPS = (
    "people",
    "screening",
    "checkpoints",
    "observation",
    "cases",
    "reports",
    "dashboard",
    "notices",
    "supplies",
    "bulletin",
    "tips",
    "duty",
    "places",
)


def app_matrix_rows() -> tuple[list[Endpoint], set[str]]:
    """The rows that each app keeps in ``fangkong/<app>/tests/matrix*.py``.

    Such a module defines ``ENDPOINTS`` (a list of :class:`Endpoint`) and may
    define ``PUBLIC`` (URL names open to anyone).
    """
    endpoints: list[Endpoint] = []
    public: set[str] = set()
    for app in MATRIX_APPS:
        package = importlib.import_module(f"fangkong.{app}.tests")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if not info.name.startswith("matrix"):
                continue
            module = importlib.import_module(f"fangkong.{app}.tests.{info.name}")
            endpoints += module.ENDPOINTS
            public |= set(getattr(module, "PUBLIC", ()))
    return endpoints, public


def at_once(run: Callable[..., None], calls: list[tuple[Any, ...]], timeout: float = 60) -> None:
    """``run(*args)`` for each args of ``calls``, each in its own thread, all at once; back
    when every one has ended (a thread still running after ``timeout`` fails the test)."""
    threads = [threading.Thread(target=run, args=args) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not end in time"
