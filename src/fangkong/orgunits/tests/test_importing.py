from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.accounts.models import AuditEntry
from fangkong.core.paths import child_path, segment
from fangkong.core.testing import World
from fangkong.orgunits.importing import ImportResult, import_units
from fangkong.orgunits.models import LEVEL_RANK, Level, OrgUnit

HEADER = ("code", "name", "parent_code", "level", "residents", "households")
Row = Sequence[object]


def csv_bytes(rows: Sequence[Row], header: Row = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Row], header: Row = HEADER) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for number, row in enumerate([header, *rows]):
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


def run(actor, rows: Sequence[Row], **kwargs) -> ImportResult:  # type: ignore[no-untyped-def]
    return import_units(actor=actor, file_name="units.csv", content=csv_bytes(rows, **kwargs))


def where(result: ImportResult) -> set[tuple[int, str]]:
    return {(error.row, error.field) for error in result.errors}


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


# --- creating ---------------------------------------------------------------------------------


def test_a_good_file_creates_units_with_paths_depths_and_parent_links(world: World) -> None:
    street2 = world.a.street2
    result = run(
        world.a.admin,
        [
            ["370102002001", "趵突泉社区", street2.code, "community", 3200, 1100],
            ["370102002001001", "第一网格", "370102002001", "grid", 800, 300],
            ["370102002001002", "第二网格", "370102002001", "grid", "", ""],
            ["370102002001001-1", "1号楼", "370102002001001", "building", 40, 12],
        ],
    )

    assert (result.created, result.updated, result.unchanged, result.errors) == (4, 0, 0, [])
    community = unit("370102002001")
    assert community.parent == street2
    assert community.path == child_path(street2.path, 1)
    assert community.depth == 3
    assert (community.residents, community.households) == (3200, 1100)
    assert unit("370102002001001").path == child_path(community.path, 1)
    assert unit("370102002001002").path == child_path(community.path, 2)
    assert (unit("370102002001002").residents, unit("370102002001002").households) == (0, 0)
    building = unit("370102002001001-1")
    assert (building.depth, building.parent.code) == (5, "370102002001001")  # type: ignore[union-attr]
    street2.refresh_from_db()
    community.refresh_from_db()
    assert (street2.last_child, community.last_child) == (1, 2)


def test_new_children_of_an_existing_unit_continue_after_its_last_child(world: World) -> None:
    community = world.a.community  # has two grids: last_child == 2
    run(world.a.admin, [["370102001001003", "第三网格", community.code, "grid"]])

    assert unit("370102001001003").path == child_path(community.path, 3)
    community.refresh_from_db()
    assert community.last_child == 3


def test_control_characters_in_a_name_are_dropped_not_stored(world: World) -> None:
    community = world.a.community
    result = run(world.a.admin, [["370102001001004", "第四\x00网\x07格", community.code, "grid"]])
    assert not result.errors
    assert unit("370102001001004").name == "第四网格"


def test_a_child_before_its_parent_in_the_file_is_still_imported(world: World) -> None:
    result = run(
        world.a.admin,
        [
            ["G1", "网格一", "C1", "grid"],
            ["B1", "楼一", "G1", "building"],
            ["C1", "新社区", world.a.street2.code, "community"],
        ],
    )

    assert (result.created, result.errors) == (3, [])
    assert unit("B1").parent == unit("G1")
    assert unit("G1").parent == unit("C1")
    assert unit("B1").path.startswith(unit("C1").path)


def test_a_top_level_unit_can_be_added_by_the_superuser_only(world: World) -> None:
    rows = [["370104000000", "槐荫区", "", "district"]]

    refused = run(world.a.admin, rows)
    added = run(world.superuser, rows)

    assert where(refused) == {(2, "parent_code")}
    assert added.created == 1
    assert unit("370104000000").path == segment(3)


# --- row errors -------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_row_and_field_and_the_good_rows_are_kept(
    world: World,
) -> None:
    community = world.a.community.code
    result = run(
        world.a.admin,
        [
            ["N1", "", community, "grid"],  # 2: name missing
            ["37 01", "坏代码", community, "grid"],  # 3: bad code
            ["N3", "无上级", "999999", "grid"],  # 4: unknown parent
            ["N4", "街道在社区下", community, "street"],  # 5: level not deeper
            ["N5", "好网格", community, "grid"],  # 6: good
            ["N5", "重复", community, "grid"],  # 7: duplicate of row 6
            ["N7", "坏人口", community, "grid", "-3"],  # 8: bad number
            ["N8", "坏层级", community, "county town"],  # 9: unknown level
            ["N9", "好网格二", community, "grid", "1,200", "300.0"],  # 10: good
        ],
    )

    assert where(result) == {
        (2, "name"),
        (3, "code"),
        (4, "parent_code"),
        (5, "level"),
        (7, "code"),
        (8, "residents"),
        (9, "level"),
    }
    assert result.created == 2
    assert unit("N9").residents == 1200
    assert unit("N9").households == 300
    assert not OrgUnit.objects.filter(code__in=["N1", "N3", "N4", "N7", "N8"]).exists()
    assert unit("N5").name == "好网格"
    messages = {error.row: error.message for error in result.errors}
    assert "999999" in messages[4]
    assert "6" in messages[7]


def test_rows_below_a_refused_row_are_refused_with_the_parents_row_number(world: World) -> None:
    result = run(
        world.a.admin,
        [
            ["C9", "", world.a.street2.code, "community"],
            ["G9", "网格", "C9", "grid"],
            ["B9", "楼", "G9", "building"],
        ],
    )

    assert where(result) == {(2, "name"), (3, "parent_code"), (4, "parent_code")}
    assert "2" in result.errors[1].message
    assert result.created == 0


def test_parent_codes_that_go_round_in_a_loop_are_reported_on_each_row(world: World) -> None:
    result = run(
        world.a.admin,
        [
            ["X", "甲", "Y", "grid"],
            ["Y", "乙", "X", "grid"],
            ["Z", "丙", "X", "building"],  # below the loop
            ["S", "自己", "S", "grid"],  # its own parent
            ["OK", "好", world.a.community.code, "grid"],
        ],
    )

    assert where(result) == {(2, "parent_code"), (3, "parent_code"), (4, "parent_code"),
                             (5, "parent_code")}  # fmt: skip
    assert "2, 3" in result.errors[0].message
    assert result.created == 1


def test_a_row_under_another_district_is_a_row_error_and_the_other_rows_are_kept(
    world: World,
) -> None:
    result = run(
        world.b.admin,
        [
            ["370102001001009", "越界网格", world.a.community.code, "grid"],
            ["370103001001009", "本区网格", world.b.community.code, "grid"],
        ],
    )

    assert where(result) == {(2, "parent_code")}
    # Out of sight reads like unknown: the message does not say the unit exists.
    assert world.a.community.name not in result.errors[0].message
    assert result.created == 1
    assert not OrgUnit.objects.filter(code="370102001001009").exists()


def test_a_unit_of_another_district_cannot_be_changed_by_importing_its_code(world: World) -> None:
    grid = world.a.grid
    result = run(world.b.admin, [[grid.code, "改名", world.a.community.code, "grid"]])

    assert where(result) == {(2, "code")}
    grid.refresh_from_db()
    assert grid.name == "第一网格"


def test_an_officer_without_the_manage_units_permission_gets_row_errors(world: World) -> None:
    result = run(world.a.street_officer, [["N1", "网格", world.a.community.code, "grid"]])

    assert where(result) == {(2, "parent_code")}
    assert result.created == 0


def test_a_street_admin_may_import_under_its_street_but_not_its_neighbour(world: World) -> None:
    result = run(
        world.a.street_admin,
        [
            ["N1", "本街道网格", world.a.community.code, "grid"],
            ["N2", "隔壁社区", world.a.street2.code, "community"],
        ],
    )

    assert where(result) == {(3, "parent_code")}
    assert result.created == 1


def test_a_missing_column_is_reported_on_the_header_row_and_nothing_is_imported(
    world: World,
) -> None:
    result = run(
        world.a.admin, [["N1", "网格", world.a.community.code]], header=("code", "name", "parent")
    )

    assert where(result) == {(1, "level")}
    assert not OrgUnit.objects.filter(code="N1").exists()


def test_a_code_excel_turned_into_a_number_gets_a_hint(world: World) -> None:
    result = run(world.a.admin, [["3.70102E+11", "网格", world.a.community.code, "grid"]])

    assert where(result) == {(2, "code")}
    assert "3.70102E+11" in result.errors[0].message


def test_a_file_that_is_not_a_table_is_refused_as_a_whole(world: World) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        import_units(actor=world.a.admin, file_name="units.xlsx", content=b"not a zip file")
    with pytest.raises(ValidationError):
        import_units(actor=world.a.admin, file_name="units.csv", content=b"")


def test_an_import_of_300_rows_takes_a_handful_of_queries_not_one_per_row(
    world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    community = world.a.community.code
    rows = [[f"G{i}", f"网格{i}", community, "grid"] for i in range(100)]
    rows += [[f"G{i}-{b}", f"{b}号楼", f"G{i}", "building"] for i in range(100) for b in (1, 2)]

    with django_assert_max_num_queries(10):
        result = run(world.a.admin, rows)

    assert (result.created, result.errors) == (300, [])


# --- updating and idempotency -----------------------------------------------------------------


def test_importing_the_same_file_twice_creates_nothing_the_second_time(world: World) -> None:
    rows = [
        ["C1", "新社区", world.a.street2.code, "community", 100, 40],
        ["G1", "新网格", "C1", "grid", 100, 40],
    ]
    first = run(world.a.admin, rows)
    count = OrgUnit.objects.count()
    second = run(world.a.admin, rows)

    assert (first.created, first.unchanged) == (2, 0)
    assert (second.created, second.updated, second.unchanged, second.errors) == (0, 0, 2, [])
    assert OrgUnit.objects.count() == count
    world.a.street2.refresh_from_db()
    assert world.a.street2.last_child == 1


def test_a_row_whose_code_exists_updates_the_name_level_and_figures(world: World) -> None:
    grid = world.a.grid
    result = run(
        world.a.admin,
        [
            [grid.code, "第一网格（东）", world.a.community.code, "grid", 820, ""],
            [world.a.grid2.code, "第二网格", world.a.community.code, "grid", 600, 220],
        ],
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    grid.refresh_from_db()
    # An empty cell keeps the figure the unit has.
    assert (grid.name, grid.residents, grid.households) == ("第一网格（东）", 820, 300)


def test_a_level_change_that_would_sit_at_its_children_level_is_refused(world: World) -> None:
    community = world.a.community
    result = run(world.a.admin, [[community.code, community.name, world.a.street.code, "grid"]])

    assert where(result) == {(2, "level")}
    community.refresh_from_db()
    assert community.level == Level.COMMUNITY


def test_a_changed_parent_code_is_refused_and_points_to_the_move_page(world: World) -> None:
    community = world.a.community
    result = run(
        world.a.admin, [[community.code, community.name, world.a.street2.code, "community"]]
    )

    assert where(result) == {(2, "parent_code")}
    community.refresh_from_db()
    assert community.parent == world.a.street


def test_an_import_writes_one_audit_entry_with_the_counts(world: World) -> None:
    before = AuditEntry.objects.count()
    run(
        world.a.admin,
        [
            ["G8", "网格八", world.a.community.code, "grid"],
            ["G9", "", world.a.community.code, "grid"],
            [world.a.grid.code, "改名", world.a.community.code, "grid"],
        ],
    )

    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == AuditEntry.Action.IMPORT
    assert entry.actor == world.a.admin
    assert entry.org_path == world.a.community.path
    assert entry.changes == {
        "file": "units.csv",
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "rows_with_errors": 1,
    }


# --- file formats -----------------------------------------------------------------------------

CHINESE_HEADER = ("区划代码", "名称", "上级代码", "级别", "常住人口", "户数")


def test_a_gbk_csv_with_chinese_headers_and_level_words_is_read(world: World) -> None:
    rows = [
        ["370102003000", "新乡镇", world.a.district.code, "乡镇", 5000, 1800],
        ["370102003001", "东村", "370102003000", "村", 900, 300],
        ["370102003001001", "东村网格", "370102003001", "网格", 900, 300],
        ["370102003001001-1", "一号楼", "370102003001001", "楼栋", 20, 8],
    ]
    content = csv_bytes(rows, header=CHINESE_HEADER, encoding="gbk")
    result = import_units(actor=world.a.admin, file_name="乡镇.csv", content=content)

    assert (result.created, result.errors) == (4, [])
    assert unit("370102003000").level == Level.TOWNSHIP
    assert unit("370102003001").level == Level.VILLAGE
    assert unit("370102003001001-1").level == Level.BUILDING
    assert unit("370102003001").name == "东村"


def test_a_utf8_csv_with_a_bom_and_loose_headers_is_read(world: World) -> None:
    header = ("Code", " Name ", "Parent Code", "LEVEL", "人口", "户数（户）")
    content = csv_bytes([["N1", "网格", world.a.community.code, "Grid", 5, 2]], header=header)
    result = import_units(actor=world.a.admin, file_name="u.csv", content=b"\xef\xbb\xbf" + content)

    assert (result.created, result.errors) == (1, [])
    assert (unit("N1").level, unit("N1").residents, unit("N1").households) == ("grid", 5, 2)


def test_a_tab_separated_file_is_read(world: World) -> None:
    content = f"代码\t名称\t上级代码\t层级\nN1\t网格, 东\t{world.a.community.code}\t网格\n".encode()
    result = import_units(actor=world.a.admin, file_name="units.txt", content=content)

    assert (result.created, result.errors) == (1, [])
    assert unit("N1").name == "网格, 东"


def test_a_header_below_a_title_row_is_found_and_rows_keep_their_spreadsheet_numbers(
    world: World,
) -> None:
    content = "历下区网格划分表\n\n代码,名称,上级代码,层级\nN1,,370102001001,网格\n".encode()
    result = import_units(actor=world.a.admin, file_name="u.csv", content=content)

    assert where(result) == {(4, "name")}


def test_an_xlsx_with_codes_typed_as_numbers_is_read_as_their_integer_text(world: World) -> None:
    rows = [
        [370102001001003, "第三网格", 370102001001, "网格", 800.0, 300],
        [370102001001004, "第四网格", "370102001001", "grid", 1.5, 0],
    ]
    content = xlsx_bytes(rows, header=CHINESE_HEADER)
    result = import_units(actor=world.a.admin, file_name="网格.xlsx", content=content)

    assert result.created == 1
    assert where(result) == {(3, "residents")}
    grid = unit("370102001001003")
    assert (grid.parent, grid.residents) == (world.a.community, 800)


# --- property ---------------------------------------------------------------------------------

LEVELS_BY_RANK = sorted(Level, key=lambda level: LEVEL_RANK[level])
NAME = st.text(st.sampled_from("社区网格楼东西 ,\"'abc1"), min_size=1, max_size=12).map(str.strip)


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str, str, str]]:
    """(code, name, parent code, level) rows of a valid tree under district a's street 2."""
    nodes: list[tuple[str, str, str, str]] = []
    for index in range(draw(st.integers(1, 25))):
        parents = [n for n in nodes if LEVEL_RANK[n[3]] < LEVEL_RANK[Level.BUILDING]]
        parent = draw(st.sampled_from([None, *parents]))
        rank = LEVEL_RANK[parent[3]] if parent else LEVEL_RANK[Level.STREET]
        level = draw(st.sampled_from([lv for lv in LEVELS_BY_RANK if LEVEL_RANK[lv] > rank]))
        name = draw(NAME.filter(bool))
        nodes.append((f"P{index}", name, parent[0] if parent else "370102002000", level))
    return nodes


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=trees(), order=st.randoms(use_true_random=False))
def test_any_valid_tree_written_to_csv_in_any_order_imports_as_that_tree(
    world: World, tree: list[tuple[str, str, str, str]], order
) -> None:
    rows = list(tree)
    order.shuffle(rows)
    with transaction.atomic():
        result = run(world.a.admin, rows)

        assert (result.created, result.errors) == (len(tree), [])
        saved = {
            u.code: (u.code, u.name, u.parent.code, u.level)  # type: ignore[union-attr]
            for u in OrgUnit.objects.filter(code__startswith="P").select_related("parent")
        }
        assert saved == {row[0]: row for row in tree}
        for code, (_, _, parent_code, _) in saved.items():
            child, parent = unit(code), unit(parent_code)
            assert child.path[:-4] == parent.path
            assert child.depth == parent.depth + 1
            assert int(child.path[-4:]) <= parent.last_child
        transaction.set_rollback(True)


# --- command and view -------------------------------------------------------------------------


def test_the_command_prints_the_counts_and_exits_with_1_on_row_errors(
    world: World, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "units.csv"
    path.write_bytes(
        csv_bytes([["N1", "网格", world.a.community.code, "grid"], ["N2", "", "", ""]])
    )
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("importunits", str(path), "--as", world.a.admin.username, stdout=out)

    assert raised.value.returncode == 1
    assert "created 1" in out.getvalue()
    assert "row 3\tname\t" in out.getvalue()
    assert unit("N1").parent == world.a.community


def test_the_command_succeeds_quietly_on_a_clean_file(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes([["N1", "网格", world.a.community.code, "grid"]]))
    out = io.StringIO()

    call_command("importunits", str(path), "--as", world.a.admin.username, stdout=out)

    assert "created 1, updated 0, unchanged 0, rows with errors 0" in out.getvalue()


def test_the_import_page_shows_the_counts_and_a_table_of_row_errors(world: World, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.a.admin)
    upload = SimpleUploadedFile(
        "units.csv",
        csv_bytes([["N1", "网格", world.a.community.code, "grid"], ["N2", "", "X", "grid"]]),
    )

    page = client.get(reverse("orgunits:import"))
    response = client.post(reverse("orgunits:import"), {"file": upload})

    assert page.status_code == 200
    assert response.status_code == 200
    assert response.context["result"].created == 1
    assert [(e.row, e.field) for e in response.context["errors"]] == [(3, "name")]
    body = response.content.decode()
    assert 'data-label="' in body
    assert "table-stack" in body
    assert unit("N1").parent == world.a.community


def test_the_import_page_shows_an_unreadable_file_as_a_form_error(world: World, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.a.admin)
    upload = SimpleUploadedFile("units.xlsx", b"not a spreadsheet")

    response = client.post(reverse("orgunits:import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["result"] is None


@pytest.mark.parametrize("who", ["viewer", "street_officer", "nobody"])
def test_the_import_page_is_refused_without_the_manage_units_permission(
    world: World, login, who: str
) -> None:  # type: ignore[no-untyped-def]
    user = world.nobody if who == "nobody" else getattr(world.a, who)
    response = login(user).get(reverse("orgunits:import"))

    assert response.status_code == 403


def test_the_import_page_sends_anonymous_users_to_log_in(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("orgunits:import"))

    assert response.status_code == 302
