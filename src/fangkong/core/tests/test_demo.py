"""The demo district and the console commands (demo, serve, createuser, genkey)."""

from __future__ import annotations

import base64
import io
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from fangkong.accounts.models import Assignment, AuditEntry, User
from fangkong.core import crypto, demo
from fangkong.core.management.commands import genkey, serve
from fangkong.core.roles import Role
from fangkong.orgunits.models import Level, OrgUnit, UnitLeader

SMALL = demo.DemoSpec(
    seed=7, residents=5_000, streets=3, communities_per_street=4, grids_per_community=3
)
SMALL_ARGS = [
    "--seed", "7", "--residents", "5000", "--streets", "3",
    "--communities-per-street", "4", "--grids-per-community", "3",
]  # fmt: skip


def _shape(plan: demo.DemoPlan) -> list[tuple[str, str, str, str, int]]:
    return [(u.code, u.name, u.level, u.path, u.residents) for u in plan.units]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- the plan ------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_district() -> None:
    first, second = demo.plan_demo(SMALL), demo.plan_demo(SMALL)
    assert _shape(first) == _shape(second)
    assert first.users == second.users
    assert first.district_name == second.district_name


def test_another_seed_gives_another_district() -> None:
    other = demo.plan_demo(demo.DemoSpec(**{**SMALL.as_dict(), "seed": 8}))
    mine = demo.plan_demo(SMALL)
    assert [u.name for u in other.units] != [u.name for u in mine.units]
    assert [u.code for u in other.units] != [u.code for u in mine.units]


def test_the_sizes_are_as_asked() -> None:
    counts = demo.plan_demo(SMALL).by_level()
    assert counts[Level.DISTRICT] == 1
    assert counts[Level.STREET] + counts[Level.TOWNSHIP] == 3
    assert counts[Level.TOWNSHIP] == 1  # streets and towns are mixed
    assert counts[Level.COMMUNITY] + counts[Level.VILLAGE] == 3 * 4
    assert counts[Level.VILLAGE] == 3  # a town's seat is a community, the rest villages
    assert counts[Level.GRID] == 3 * 4 * 3


@pytest.mark.parametrize("residents", [0, 7, 5_000, 120_000, 430_000])
def test_the_residents_add_up_exactly(residents: int) -> None:
    spec = demo.DemoSpec(seed=3, residents=residents)
    plan = demo.plan_demo(spec)
    grids = [u for u in plan.units if u.level == Level.GRID]
    assert sum(g.residents for g in grids) == residents
    assert plan.units[0].residents == residents
    # Households are about residents / 2.6.
    if residents >= 5_000:
        assert 2.3 < residents / plan.units[0].households < 2.9


def test_every_parent_sums_its_children() -> None:
    plan = demo.plan_demo(SMALL)
    residents: Counter[int] = Counter()
    households: Counter[int] = Counter()
    children: Counter[int] = Counter()
    for unit in plan.units:
        if unit.parent is not None:
            residents[unit.parent] += unit.residents
            households[unit.parent] += unit.households
            children[unit.parent] += 1
    for index, unit in enumerate(plan.units):
        if unit.level != Level.GRID:
            assert unit.residents == residents[index], unit.name
            assert unit.households == households[index], unit.name
            assert unit.children == children[index], unit.name


def test_names_are_unique_within_a_parent_even_when_the_word_lists_run_out() -> None:
    plan = demo.plan_demo(
        demo.DemoSpec(seed=1, streets=4, communities_per_street=150, grids_per_community=2)
    )
    names = Counter((u.parent, u.name) for u in plan.units)
    assert max(names.values()) == 1


def test_codes_follow_the_division_code() -> None:
    plan = demo.plan_demo(SMALL)
    district = plan.units[0]
    assert len(plan.county_code) == 6 and district.code == plan.county_code + "000000"
    for unit in plan.units[1:]:
        parent = plan.units[unit.parent]  # type: ignore[index]
        if unit.level == Level.GRID:
            assert len(unit.code) == 15 and unit.code.startswith(parent.code)
        elif unit.level in (Level.STREET, Level.TOWNSHIP):
            assert len(unit.code) == 12 and unit.code.endswith("000")
            assert (unit.code[6:9] < "100") == (unit.level == Level.STREET)
        else:
            assert len(unit.code) == 12 and unit.code[:9] == parent.code[:9]
            assert (unit.code[9:] >= "200") == (unit.level == Level.VILLAGE)


def test_chinese_numerals() -> None:
    numbers = [1, 10, 11, 20, 21, 100, 101, 110, 999, 1010]
    assert [demo.chinese_numeral(n) for n in numbers] == [
        "一", "十", "十一", "二十", "二十一", "一百", "一百零一", "一百一十", "九百九十九",
        "一千零一十",
    ]  # fmt: skip


def test_an_impossible_size_is_refused() -> None:
    with pytest.raises(ValueError):
        demo.plan_demo(demo.DemoSpec(grids_per_community=1000))
    with pytest.raises(CommandError):
        call_command("demo", "--streets", "0")


# --- loading -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_loaded_tree_is_consistent() -> None:
    demo.load_demo(SMALL)
    units = {u.pk: u for u in OrgUnit.objects.annotate(n=Count("children"))}
    plan = demo.plan_demo(SMALL)
    assert len(units) == len(plan.units)
    assert sorted((u.code, u.name, u.path) for u in units.values()) == sorted(
        (u.code, u.name, u.path) for u in plan.units
    )
    for unit in units.values():
        assert unit.depth == len(unit.path) // 4
        assert unit.last_child >= unit.n  # type: ignore[attr-defined]
        if unit.parent_id is None:
            assert unit.level == Level.DISTRICT and unit.depth == 1
        else:
            parent = units[unit.parent_id]
            assert unit.path.startswith(parent.path) and unit.depth == parent.depth + 1
    assert len({u.code for u in units.values()}) == len(units)
    district = OrgUnit.objects.get(parent=None)
    grids = OrgUnit.objects.filter(level=Level.GRID)
    assert sum(grids.values_list("residents", flat=True)) == district.residents == 5_000


@pytest.mark.django_db
def test_the_demo_has_someone_to_call_at_any_hour() -> None:
    """The day before yesterday's reports are past their deadline whatever the hour, and a
    few units never sent theirs: the completeness page has a list of whom to call. The days
    before are complete."""
    from fangkong.reports import selectors

    demo.load_demo(SMALL)
    district = OrgUnit.objects.get(parent=None)
    today = timezone.localdate()
    missed = selectors.completeness(district, today - timedelta(days=2), limit=1000)
    assert missed.total.missing == len(missed.missing) > 0
    assert any(m.unit.level == Level.GRID for m in missed.missing)
    for back in (3, 7):
        assert selectors.completeness(district, today - timedelta(days=back)).total.missing == 0


@pytest.mark.django_db
def test_the_fast_and_the_orm_load_write_the_same_rows() -> None:
    def rows() -> list[tuple[object, ...]]:
        return list(
            OrgUnit.objects.order_by("path").values_list(
                "code", "name", "level", "path", "depth", "last_child", "residents",
                "households", "parent__code",
            )
        )  # fmt: skip

    written = {}
    for method in ("fast", "orm"):
        with transaction.atomic():
            demo.load_demo(SMALL, method=method)
            written[method] = rows()
            transaction.set_rollback(True)
    assert written["fast"] == written["orm"]
    # A unit added after the fast load gets a fresh id.
    demo.load_demo(SMALL)
    district = OrgUnit.objects.get(parent=None)
    extra = OrgUnit.objects.create(
        code="X1", name="x", level=Level.STREET, parent=district, path="00019999", depth=2
    )
    assert extra.pk > max(OrgUnit.objects.exclude(pk=extra.pk).values_list("pk", flat=True))


@pytest.mark.django_db
def test_every_role_has_a_demo_user_with_an_assignment() -> None:
    demo.load_demo(SMALL)
    held = {a.role for a in Assignment.objects.all()}
    assert held == {role.value for role in Role}
    for user in User.objects.all():
        assert user.check_password(settings.FANGKONG_DEMO_PASSWORD)
        assert user.assignments.exists()
        assert user.full_name and user.phone.startswith("1380000")
    grid = Assignment.objects.get(user__username="grid")
    assert grid.unit.level == Level.GRID and grid.org_path == grid.unit.path
    street = Assignment.objects.get(user__username="street")
    assert street.role == Role.UNIT_OFFICER and street.unit.level == Level.STREET


@pytest.mark.django_db
def test_contracting_leaders_are_assigned_to_streets() -> None:
    demo.load_demo(SMALL)
    contracts = list(UnitLeader.objects.select_related("unit"))
    assert len(contracts) >= 2
    for contract in contracts:
        assert contract.unit.level in (Level.STREET, Level.TOWNSHIP)
        assert contract.org_path == contract.unit.path


@pytest.mark.django_db
def test_the_load_is_recorded_in_the_audit_log() -> None:
    demo.load_demo(SMALL)
    assert demo.loaded_demo() == SMALL.as_dict()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.actor is None and entry.org_path == OrgUnit.objects.get(parent=None).path


@pytest.mark.django_db
def test_running_the_command_twice_changes_nothing() -> None:
    first = _run("demo", *SMALL_ARGS)
    assert "admin" in first and settings.FANGKONG_DEMO_PASSWORD in first
    counts = (OrgUnit.objects.count(), User.objects.count(), Assignment.objects.count())
    second = _run("demo", *SMALL_ARGS)
    assert "already loaded" in second
    assert (OrgUnit.objects.count(), User.objects.count(), Assignment.objects.count()) == counts


def test_a_database_with_other_units_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="not empty"):
        _run("demo", *SMALL_ARGS)
    assert not User.objects.filter(username="commander").exists()


@pytest.mark.django_db
def test_reset_refuses_a_database_it_cannot_delete_and_recreate() -> None:
    # The test database is in memory on SQLite; on PostgreSQL --reset is refused outright.
    with pytest.raises(CommandError, match=r"in-memory|only works on SQLite"):
        _run("demo", "--reset", *SMALL_ARGS)


@pytest.mark.slow
def test_reset_starts_a_database_file_afresh(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    with sqlite3.connect(database) as old:
        old.execute("CREATE TABLE leftover (x)")
    env = {
        **os.environ,
        "FANGKONG_DEMO": "1",
        "FANGKONG_VAR_DIR": str(tmp_path),
        "FANGKONG_DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
    }
    env.pop("FANGKONG_TESTING", None)
    command = [sys.executable, "-m", "fangkong.cli", "demo", "--reset", *SMALL_ARGS]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert "Deleted" in done.stdout and demo.plan_demo(SMALL).district_name in done.stdout
    with sqlite3.connect(database) as new:
        assert not new.execute("SELECT * FROM sqlite_master WHERE name = 'leftover'").fetchall()
        assert new.execute("SELECT count(*) FROM orgunits_orgunit").fetchone()[0] == 52


# --- serve -------------------------------------------------------------------------


def test_serve_runs_granian_as_wsgi_with_a_worker_per_core() -> None:
    argv = serve.granian_argv(host="127.0.0.1", port=8001, workers=3, threads=None)
    assert Path(argv[0]).exists()
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == "fangkong.wsgi:application"
    assert serve.default_workers() >= 1


@pytest.mark.django_db
def test_serve_collects_static_files_and_migrates_first(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    out = _run("serve", "--dry-run", "--port", "8002", "--workers", "2")
    assert "granian" in out and "--port 8002" in out
    assert (tmp_path / "static" / "vendor" / "bootstrap" / "bootstrap.min.css").exists()


@pytest.mark.django_db
def test_serve_collects_again_only_when_a_static_file_changed(
    tmp_path: Path, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "site.css").write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [extra]
    calls: list[str] = []
    real = serve.call_command

    def recorded(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(serve, "call_command", recorded)
    assert serve.collect_static() is True
    assert (tmp_path / "static" / "site.css").read_text() == "body { color: black; }"
    assert serve.collect_static() is False  # nothing changed: not compressed again
    (extra / "site.css").write_text("body { color: navy; }")
    later = time.time() + 5  # collectstatic itself copies only what is newer, by the second
    os.utime(extra / "site.css", (later, later))
    assert serve.collect_static() is True
    assert (tmp_path / "static" / "site.css").read_text() == "body { color: navy; }"
    (tmp_path / "static").rename(tmp_path / "gone")  # the collected files removed
    assert serve.collect_static() is True
    assert calls == ["collectstatic"] * 3
    assert not (tmp_path / "static" / "static.sources").exists()  # never among the served


# --- createuser --------------------------------------------------------------------


def test_createuser_gives_a_role_at_a_unit_and_audits_it(world) -> None:  # type: ignore[no-untyped-def]
    grid = world.a.grid
    out = _run(
        "createuser", "wangjg", "--name", "王建国", "--role", "grid_worker",
        "--unit", grid.code, "--password", "a-long-enough-password", "--phone", "13800009999",
    )  # fmt: skip
    assert "wangjg" in out
    user = User.objects.get(username="wangjg")
    assert user.full_name == "王建国" and user.phone == "13800009999"
    assert user.check_password("a-long-enough-password") and not user.is_superuser
    assignment = user.assignments.get()
    assert (assignment.role, assignment.unit, assignment.org_path) == (
        Role.GRID_WORKER, grid, grid.path,
    )  # fmt: skip
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(user.pk))
    assert entry.actor is None and entry.actor_name == "(command line)"
    assert entry.org_path == grid.path


@pytest.mark.django_db
def test_createuser_makes_a_superuser() -> None:
    password = "x-long-password-9"
    _run("createuser", "boss", "--name", "系统管理员", "--superuser", "--password", password)
    user = User.objects.get(username="boss")
    assert user.is_superuser and not user.assignments.exists()
    entry = AuditEntry.objects.get(target_type="accounts.user")
    assert entry.note == "command line" and entry.actor is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "viewer", "--unit", "nope"], "no unit"),
        (["--role", "viewer"], "go together"),
        ([], "--role and --unit"),
        (["--role", "viewer", "--unit", "370102001000", "--password", "short"], "password"),
    ],
)
def test_createuser_refuses_what_it_cannot_do(world, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    if "--password" not in args:
        args = [*args, "--password", "a-long-enough-password"]
    with pytest.raises(CommandError, match=message):
        _run("createuser", "someone", "--name", "某人", *args)
    assert not User.objects.filter(username="someone").exists()


def test_createuser_refuses_a_taken_user_name(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="username"):
        _run(
            "createuser", "a_viewer", "--name", "重名", "--role", "viewer",
            "--unit", world.a.district.code, "--password", "a-long-enough-password",
        )  # fmt: skip


def test_createuser_asks_for_the_password_twice(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    answers = iter(
        ["first-long-password", "other-long-password", "good-long-password", "good-long-password"]
    )
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", type("Tty", (), {"isatty": staticmethod(lambda: True)})())
    _run("createuser", "asked", "--name", "询问", "--role", "viewer", "--unit", world.a.street.code)
    assert User.objects.get(username="asked").check_password("good-long-password")


def test_createuser_without_a_terminal_needs_the_password_option(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--password"):
        _run("createuser", "x", "--name", "某", "--role", "viewer", "--unit", world.a.street.code)


# --- genkey ------------------------------------------------------------------------


def _genkey() -> dict[str, str]:
    lines = [line for line in _run("genkey").splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_genkey_prints_fresh_keys_that_the_settings_accept(settings) -> None:  # type: ignore[no-untyped-def]
    keys = _genkey()
    assert set(keys) == {
        "FANGKONG_SECRET_KEY", "FANGKONG_FIELD_KEYS", "FANGKONG_BLIND_INDEX_KEY",
    }  # fmt: skip
    assert len(keys["FANGKONG_SECRET_KEY"]) >= 50
    key_id, _, encoded = keys["FANGKONG_FIELD_KEYS"].partition("=")
    assert key_id == "k1" and len(base64.urlsafe_b64decode(encoded)) == 32
    assert _genkey() != keys
    settings.FANGKONG_FIELD_KEYS = keys["FANGKONG_FIELD_KEYS"]
    settings.FANGKONG_BLIND_INDEX_KEY = keys["FANGKONG_BLIND_INDEX_KEY"]
    crypto.reset_keys()
    try:
        sealed = crypto.encrypt("370102199001011234")
        assert sealed.startswith("k1:") and crypto.decrypt(sealed) == "370102199001011234"
    finally:
        crypto.reset_keys()


def test_genkey_makes_a_field_key_for_rotation() -> None:
    line = _run("genkey", "--field-key-only", "--key-id", "k2").strip()
    assert line.startswith("k2=") and len(base64.urlsafe_b64decode(line[3:])) == 32
    assert genkey.env_lines()[-1].startswith("FANGKONG_BLIND_INDEX_KEY=")
    with pytest.raises(CommandError):
        _run("genkey", "--key-id", "k:2")
