from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.orgunits.exporting import Format, export_units, template_file
from fangkong.orgunits.importing import import_units
from fangkong.orgunits.importing_rows import EXPORT_HEADERS
from fangkong.orgunits.models import OrgUnit
from fangkong.orgunits.tabular import read_table

CHINESE_HEADER = ["代码", "名称", "上级代码", "层级", "常住人口", "户数"]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_rows(content: bytes) -> list[list[Any]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return sheet.to_python()


def tree_of(root: OrgUnit) -> set[tuple[str, str, str, str, int, int]]:
    units = OrgUnit.objects.in_subtree(root.path).select_related("parent")
    return {
        (u.code, u.name, u.parent.code if u.parent else "", u.level, u.residents, u.households)
        for u in units
    }


def test_a_csv_export_has_a_bom_chinese_headers_and_every_unit_of_the_subtree(world: World) -> None:
    content, file_name, content_type = export_units(
        actor=world.a.admin, root=world.a.street, fmt="csv"
    )

    assert content.startswith(b"\xef\xbb\xbf")
    assert content_type == "text/csv; charset=utf-8"
    assert file_name.startswith(f"units-{world.a.street.code}-") and file_name.endswith(".csv")
    header, *rows = csv_rows(content)
    assert header == CHINESE_HEADER == list(EXPORT_HEADERS.values())
    assert [row[0] for row in rows] == [
        world.a.street.code,
        world.a.community.code,
        world.a.grid.code,
        world.a.grid2.code,
    ]
    assert rows[0] == [
        world.a.street.code,
        world.a.street.name,
        world.a.district.code,
        "街道",
        "0",
        "0",
    ]
    assert rows[2][3:] == ["网格", "800", "300"]


def test_an_xlsx_export_writes_codes_as_text_and_figures_as_numbers(world: World) -> None:
    content, file_name, content_type = export_units(
        actor=world.a.admin, root=world.a.community, fmt="xlsx"
    )

    header, *rows = xlsx_rows(content)
    assert content_type.endswith("spreadsheetml.sheet")
    assert file_name.endswith(".xlsx")
    assert header == CHINESE_HEADER
    assert rows[1][:4] == [world.a.grid.code, "第一网格", world.a.community.code, "网格"]
    assert rows[1][4:] == [800.0, 300.0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_again_without_changing_anything(world: World, fmt: Format) -> None:
    before = tree_of(world.a.district)
    content, file_name, _ = export_units(actor=world.a.admin, root=world.a.district, fmt=fmt)

    result = import_units(actor=world.a.admin, file_name=file_name, content=content)

    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert result.unchanged == len(before) == 6
    assert tree_of(world.a.district) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_new_codes_imports_as_a_copy_of_the_same_tree(
    world: World, fmt: Format
) -> None:
    original = tree_of(world.a.district)
    content, _, _ = export_units(actor=world.superuser, root=world.a.district, fmt=fmt)
    table = csv_rows(content) if fmt == "csv" else [[str(v) for v in r] for r in xlsx_rows(content)]
    header, *rows = table
    renamed = [
        ["C" + code, name, "C" + parent if parent else "", *rest]
        for code, name, parent, *rest in rows
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(reversed(renamed))  # children before their parents
    copy = buffer.getvalue().encode("gb18030")

    result = import_units(actor=world.superuser, file_name="copy.csv", content=copy)

    assert (result.created, result.errors) == (len(original), [])
    root = OrgUnit.objects.get(code="C" + world.a.district.code)
    assert {
        (code[1:], name, parent[1:], level, residents, households)
        for code, name, parent, level, residents, households in tree_of(root)
    } == original


def test_an_export_writes_an_audit_entry_with_the_row_count(world: World) -> None:
    export_units(actor=world.a.commander, root=world.a.street, fmt="xlsx")

    entry = AuditEntry.objects.latest("id")
    assert entry.action == AuditEntry.Action.EXPORT
    assert entry.actor == world.a.commander
    assert entry.org_path == world.a.street.path
    assert entry.changes == {"rows": 4, "format": "xlsx"}


def test_an_export_needs_the_export_permission_at_the_root(world: World) -> None:
    count = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        export_units(actor=world.a.checkpoint, root=world.a.district, fmt="csv")
    with pytest.raises(PermissionDenied):
        export_units(actor=world.b.admin, root=world.a.district, fmt="csv")
    assert AuditEntry.objects.count() == count


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_the_header_and_two_example_rows_the_importer_reads(fmt: Format) -> None:
    content, file_name, _ = template_file(fmt)

    header, *rows = read_table(file_name, content)
    assert header == CHINESE_HEADER
    assert len(rows) == 2
    assert rows[1][:4] == ["370102001001001", "第一网格", "370102001001", "网格"]


# --- views ------------------------------------------------------------------------------------


def test_the_export_view_sends_the_file_as_an_attachment(world: World, login) -> None:  # type: ignore[no-untyped-def]
    url = reverse("orgunits:export", args=[world.a.street.pk, "csv"])

    response = login(world.a.street_officer).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="units-')
    assert response.content.decode("utf-8-sig").count("\r\n") == 5


@pytest.mark.parametrize(
    ("who", "status"),
    [("b_admin", 404), ("a_street2_officer", 404), ("a_checkpoint", 403), ("a_viewer", 403)],
)
def test_the_export_view_hides_other_areas_and_refuses_roles_without_export(
    world: World, login, who: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    district, role = who.split("_", 1)
    user = getattr(getattr(world, district), role)
    url = reverse("orgunits:export", args=[world.a.district.pk, "xlsx"])

    assert login(user).get(url).status_code == status


def test_the_export_view_knows_only_csv_and_xlsx(world: World, login) -> None:  # type: ignore[no-untyped-def]
    url = reverse("orgunits:export", args=[world.a.street.pk, "pdf"])

    assert login(world.a.admin).get(url).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_view_sends_the_template(world: World, login, fmt: str) -> None:  # type: ignore[no-untyped-def]
    response = login(world.a.admin).get(reverse("orgunits:template", args=[fmt]))

    assert response.status_code == 200
    assert f'filename="units-template.{fmt}"' in response["Content-Disposition"]
    assert login(world.a.admin).get(reverse("orgunits:template", args=["ods"])).status_code == 404


def test_exported_names_never_run_as_formulas(world):
    import zipfile
    from io import BytesIO

    from fangkong.orgunits.exporting import export_units
    from fangkong.orgunits.models import OrgUnit

    OrgUnit.objects.filter(pk=world.a.grid.pk).update(name='=HYPERLINK("http://x","y")')
    content, _, _ = export_units(actor=world.a.admin, root=world.a.street, fmt="xlsx")
    sheet = zipfile.ZipFile(BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    content, _, _ = export_units(actor=world.a.admin, root=world.a.street, fmt="csv")
    assert "'=HYPERLINK" in content.decode("utf-8-sig")
