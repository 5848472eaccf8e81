from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.people import services
from fangkong.people.testing import mobile, resident_id

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return [[str(c) for c in row] for row in book.get_sheet_by_index(0).to_python()]


def _people(world: World) -> None:
    services.person_create(
        actor=world.a.grid_worker_local, full_name="=HYPERLINK(1)", unit=world.a.grid,
        id_number=resident_id(seq=601), phone=mobile(61),
    )  # fmt: skip
    services.person_create(
        actor=world.b.grid_worker_local, full_name="外区", unit=world.b.grid,
        id_number=resident_id(seq=603),
    )  # fmt: skip


def test_the_export_is_scoped_masked_inert_and_audited(world: World, login):
    _people(world)
    response = login(world.a.community_officer).get(reverse("people:export"))
    rows = _rows(response)
    assert len(rows) == 2
    body = " ".join(rows[1])
    assert resident_id(seq=601) not in body and mobile(61) not in body
    assert "外区" not in body
    assert rows[1][0] == "'=HYPERLINK(1)"
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes["rows"] == 1 and entry.changes["full_numbers"] is False


def test_full_numbers_only_for_a_role_that_may_reveal_them(world: World, login):
    _people(world)
    rows = _rows(login(world.a.epidemiologist).get(reverse("people:export"), {"full": "1"}))
    assert resident_id(seq=601) in " ".join(rows[1])
    assert AuditEntry.objects.get(action="export").changes["full_numbers"] is True


def test_the_search_term_is_not_written_to_the_log(world: World, login):
    _people(world)
    login(world.a.commander).get(reverse("people:export"), {"q": resident_id(seq=601)})
    assert resident_id(seq=601) not in str(AuditEntry.objects.get(action="export").changes)


def test_the_export_takes_the_search_kept_in_the_session(world: World, login):
    _people(world)
    services.person_create(actor=world.a.grid_worker_local, full_name="另一人", unit=world.a.grid)
    client = login(world.a.commander)
    client.post(reverse("people:list"), {"q": resident_id(seq=601)})
    assert len(_rows(client.get(reverse("people:export")))) == 3  # header and both persons
    rows = _rows(client.get(reverse("people:export") + "?search=1"))
    assert len(rows) == 2 and "另一人" not in str(rows)  # the header and the one searched


def test_a_role_without_export_is_refused(world: World, login):
    assert login(world.a.grid_worker_local).get(reverse("people:export")).status_code == 403


def test_the_export_is_stamped_with_who_and_when(world: World, login):
    import zipfile

    _people(world)
    response = login(world.a.community_officer).get(reverse("people:export"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        core = book.read("docProps/core.xml").decode()
    username = world.a.community_officer.username
    assert f"({username})" in sheet and "oddHeader" in sheet and "oddFooter" in sheet
    assert f"<dc:creator>{username}</dc:creator>" in core
    assert len(_rows(response)) == 2  # the stamp is not a row the importer would read back
