"""Registry imports from the spreadsheets offices really keep."""

from __future__ import annotations

import io
from datetime import date

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.people.importing.jobs import run_job
from fangkong.people.models import Household, ImportJob, Person, TravelRecord
from fangkong.people.testing import resident_id

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机", "网格编码", "家庭住址", "与户主关系", "来源地", "抵达日期", "交通方式", "车次"]  # fmt: skip  # noqa: E501
ID_X = "11010519491231002X"


def _rows(world: World) -> list[list[object]]:
    """Data rows from the 4th row of the sheet on (a title and a blank row above the header)."""
    grid = world.a.grid.code
    return [
        # 4: a 15-digit first-generation number stored as a number: exact, accepted
        ["张伟", 370102850307123, "13912345678", grid, "翰林苑1号楼101", "户主", "湖北省武汉市", 43854, "火车", "g1234"],  # noqa: E501
        # 5: a lowercase x, a date written 2020.1.24
        ["李娜", ID_X.lower(), "139 1234 5679", grid, "翰林苑1号楼102", "户主", "湖北武汉", "2020.1.24", "自驾", ""],  # noqa: E501
        # 6: full-width characters, a date without a year
        ["王　芳", "".join(chr(ord(c) + 0xFEE0) for c in resident_id(seq=124)), "＋86 13912345680", grid, "翰林苑1号楼103", "户主", "浙江温州", "1月24日", "飞机", "ca1234"],  # noqa: E501
        # 7: blank
        [None] * 10,
        # 8, 9: one household, its address in a merged cell
        ["赵强", resident_id(seq=125), "", grid, "翰林苑2号楼201", "户主", "", None, "", ""],
        ["赵小强", resident_id(seq=127), "", grid, None, "子女", "", None, "", ""],
        # 10: an 18-digit number stored as a number lost its digits
        ["钱七", float(resident_id(seq=129)), "", grid, "翰林苑3号楼301", "", "", None, "", ""],
        # 11: a wrong check character
        ["孙八", resident_id(seq=131)[:-1] + ("0" if resident_id(seq=131)[-1] != "0" else "1"), "", grid, "翰林苑3号楼302", "", "", None, "", ""],  # noqa: E501
        # 12: a bad phone number and a grid outside the uploader's area
        ["周九", resident_id(seq=133), "1234", world.b.grid.code, "某地", "", "", None, "", ""],
        # 13: the same person as row 5
        ["李娜", ID_X, "", grid, "翰林苑1号楼102", "", "", None, "", ""],
        # 14: a journey without its arrival date
        ["吴十", resident_id(seq=135), "", grid, "翰林苑3号楼303", "", "湖北省", None, "", ""],
    ]  # fmt: skip


def _xlsx(world: World) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, "嘉源区返乡人员排查登记表")
    sheet.write_row(2, 0, HEADER)
    for offset, row in enumerate(_rows(world)):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)):
                sheet.write_number(3 + offset, column, value)
            else:
                sheet.write_string(3 + offset, column, value)
    # rows 8 and 9 (0-based 7 and 8): the address merged over both members
    sheet.merge_range(7, 4, 8, 4, "翰林苑2号楼201")
    book.close()
    return buffer.getvalue()


def _csv(world: World) -> bytes:
    lines = ["嘉源区返乡人员排查登记表", "", ",".join(HEADER)]
    for row in _rows(world):
        if row[0] == "赵小强":
            row = [*row[:4], "翰林苑2号楼201", *row[5:]]
        if isinstance(row[1], float):
            row = [row[0], "3.70102198503071E+17", *row[2:]]
        lines.append(",".join("" if v is None else str(v) for v in row))
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


EXPECTED_ERRORS = [
    (10, "ID number", "The ID number was stored as a number in the spreadsheet and lost its last digits; format the column as text and type it again."),  # noqa: E501
    (11, "ID number", "The last character does not match the others: expected {check}, found {found}. Check every digit."),  # noqa: E501
    (12, "mobile phone", "A mobile number has 11 digits; this one has 4."),
    (12, "grid code", "No grid with code {b_grid} in the area of this import."),
    (13, "ID number", "The same ID number as row 5; this row was skipped."),
    (14, "arrival date", "A journey needs its arrival date."),
]  # fmt: skip


def _expected(world: World) -> list[tuple[int, str, str]]:
    good = resident_id(seq=131)
    found = "0" if good[-1] != "0" else "1"
    return [
        (row, column, message.format(check=good[-1], found=found, b_grid=world.b.grid.code))
        for row, column, message in EXPECTED_ERRORS
    ]


def _run(world: World, content: bytes, name: str) -> ImportJob:
    job = ImportJob(
        unit=world.a.district, org_path=world.a.district.path, filename=name,
        created_by=world.a.community_officer, language="en", default_year=2020,
    )  # fmt: skip
    # The community officer's area is the community: the district is the job's unit,
    # the officer's own scope still decides which grids a row may name.
    job.file.save(name, io.BytesIO(content), save=False)
    job.save()
    return run_job(job, workers=0)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_messy_workbook_keeps_the_good_rows_and_names_every_bad_one(world: World, kind):
    content = _xlsx(world) if kind == "xlsx" else _csv(world)
    job = _run(world, content, f"登记表.{kind}")
    assert job.status == "done", job.message
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == _expected(world)
    assert job.error_count == 6
    assert (job.created_persons, job.updated_persons) == (5, 0)
    names = set(Person.objects.values_list("full_name", flat=True))
    assert names == {"张伟", "李娜", "王 芳", "赵强", "赵小强"}
    zhang = Person.objects.get(full_name="张伟")
    assert zhang.id_number == resident_id(seq=123, born=date(1985, 3, 7))
    assert zhang.phone == "13912345678"
    assert Person.objects.get(full_name="李娜").id_number == ID_X
    assert Person.objects.get(full_name="王 芳").phone == "13912345680"
    zhao, son = Person.objects.get(full_name="赵强"), Person.objects.get(full_name="赵小强")
    assert zhao.household_id == son.household_id is not None
    travels = {t.person.full_name: t for t in TravelRecord.objects.select_related("person")}
    assert (
        travels["张伟"].arrived_on == date(2020, 1, 24) and travels["张伟"].origin_code == "420100"
    )
    assert travels["张伟"].transport_no == "G1234" and travels["张伟"].transport == "train"
    assert travels["李娜"].arrived_on == date(2020, 1, 24) and travels["李娜"].transport == "car"
    assert travels["王 芳"].arrived_on == date(2020, 1, 24)
    assert travels["王 芳"].origin_code == "330300"


def test_importing_the_same_file_twice_adds_nobody(world: World):
    _run(world, _xlsx(world), "a.xlsx")
    counts = (Person.objects.count(), Household.objects.count(), TravelRecord.objects.count())
    again = _run(world, _xlsx(world), "a.xlsx")
    assert (again.created_persons, again.created_households, again.created_travels) == (0, 0, 0)
    assert again.updated_persons == 0
    assert (
        Person.objects.count(),
        Household.objects.count(),
        TravelRecord.objects.count(),
    ) == counts


def test_a_changed_phone_updates_the_person(world: World):
    _run(world, _csv(world), "a.csv")
    changed = _csv(world).replace(b"13912345678", b"13700000000")
    job = _run(world, changed, "b.csv")
    assert (job.created_persons, job.updated_persons) == (0, 1)
    assert Person.objects.get(full_name="张伟").phone == "13700000000"


def test_a_file_without_a_header_fails_with_a_reason(world: World):
    job = _run(world, b"a,b,c\r\n1,2,3\r\n", "x.csv")
    assert job.status == "failed" and "header" in job.message


def test_the_errors_are_in_the_users_language(world: World):
    job = ImportJob(
        unit=world.a.district, org_path=world.a.district.path, filename="z.csv",
        created_by=world.a.community_officer, language="zh-hans", default_year=2020,
    )  # fmt: skip
    job.file.save("z.csv", io.BytesIO(_csv(world)), save=False)
    job.save()
    run_job(job, workers=0)
    with translation.override("zh-hans"):
        from fangkong.people.importing.mapping import label

        assert job.errors[0]["column"] == label("id_number")


def test_uploading_runs_the_import_and_shows_the_summary(
    world: World, login, django_capture_on_commit_callbacks
):
    client = login(world.a.community_officer)
    upload = SimpleUploadedFile("登记表.xlsx", _xlsx(world))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:import"),
            {"unit": world.a.community.code, "file": upload, "default_year": 2020},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "done" and job.created_persons == 5
    page = client.get(response.url).content.decode()
    assert "孙八" not in page  # bad rows are named by row and column, not by person
    errors = client.get(reverse("people:import_errors", args=[job.pk]))
    body = errors.content.decode("utf-8-sig")
    assert "孙八" in body and body.count("\n") == 7
    assert AuditEntry.objects.filter(action="import", target_id=str(job.pk)).exists()
    assert not job.file  # the upload is gone once read
    assert "孙八".encode() not in job.errors_file.open("rb").read()  # sealed at rest
    assert AuditEntry.objects.filter(action="export", target_id=str(job.pk)).exists()
    other = login(world.b.community_officer)
    assert other.get(reverse("people:import_job", args=[job.pk])).status_code == 404


def test_parallel_cleaning_gives_the_same_result(world: World):
    job = _run(world, _csv(world), "p.csv")
    Person.objects.all().delete()
    Household.objects.all().delete()
    twin = ImportJob(
        unit=world.a.district, org_path=world.a.district.path, filename="p.csv",
        created_by=world.a.community_officer, language="en", default_year=2020,
    )  # fmt: skip
    twin.file.save("p.csv", io.BytesIO(_csv(world)), save=False)
    twin.save()
    run_job(twin, workers=2)
    twin.refresh_from_db()
    assert twin.errors == job.errors and twin.created_persons == job.created_persons


def test_control_characters_are_dropped_and_backslashes_kept(world: World):
    grid = world.a.grid.code
    lines = [
        ",".join(HEADER),
        f"张\x00三\\,{resident_id(seq=201)},,{grid},翰林苑\x07 5号楼,户主,湖北省武汉市,2020-01-20,火车,G1",  # noqa: E501
    ]
    job = _run(world, ("\r\n".join(lines) + "\r\n").encode(), "c.csv")
    assert job.status == "done" and job.error_count == 0, job.errors
    person = Person.objects.get()
    assert person.full_name == "张三\\"
    assert person.household is not None and person.household.address == "翰林苑 5号楼"


def test_a_known_person_gains_a_new_journey_once(world: World):
    _run(world, _csv(world), "a.csv")
    later = _csv(world).replace(b"g1234", b"D5678")
    job = _run(world, later, "b.csv")
    assert (job.created_persons, job.created_travels) == (0, 1)
    zhang = Person.objects.get(full_name="张伟")
    assert sorted(
        TravelRecord.objects.filter(person=zhang).values_list("transport_no", flat=True)
    ) == ["D5678", "G1234"]
    again = _run(world, later, "c.csv")
    assert again.created_travels == 0
