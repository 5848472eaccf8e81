"""Assistance letters: the lifecycle of ours, the overdue ones, the PDF, and a letter
received from elsewhere that becomes a hand-off for the destination grid."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from fangkong.accounts.models import AuditEntry
from fangkong.cases import services_letters as letters
from fangkong.cases.letters_pdf import letter_pdf
from fangkong.cases.models import AssistanceLetter, Classification, Contact, Tracing
from fangkong.cases.services import PersonIn
from fangkong.cases.tests.helpers import case, contact
from fangkong.checkpoints import services as checkpoints
from fangkong.checkpoints.models import Handoff, Traveller
from fangkong.checkpoints.registration import handoff_key
from fangkong.core.testing import World
from fangkong.people.models import DEFAULT_HANDOFF_HOURS, DEFAULT_LETTER_DAYS, Person
from fangkong.people.services import id_key
from fangkong.people.testing import resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    """Messages are matched in the source language; the pages are asked for in it too."""
    translation.activate("en")
    client.cookies["fangkong_language"] = "en"


AUTHORITY = "武汉市江岸区新冠肺炎疫情防控指挥部"
ID_NUMBER = resident_id(seq=777)
PHONE = "13912345678"


def drafted(world: World, name: str = "李四") -> AssistanceLetter:
    who = PersonIn(full_name=name, id_number=ID_NUMBER, phone=PHONE)
    left = contact(world, case(world), who=who, relation="同事", setting="work")
    return letters.letter_draft(
        actor=world.a.epidemiologist, contact=left, authority=AUTHORITY, region="湖北省武汉市江岸区"
    )


def received(world: World, number: str = "江岸协〔2020〕12号", **values: Any) -> AssistanceLetter:
    values.setdefault("who", PersonIn(full_name="王五", id_number=ID_NUMBER, phone=PHONE))
    return letters.letter_receive(
        actor=values.pop("actor", world.a.epidemiologist), unit=values.pop("unit", world.a.grid),
        authority=AUTHORITY, region="湖北省武汉市江岸区", number=number,
        exposure="江岸区确诊病例的密切接触者，1月28日同乘K1234次列车。", address="翰林苑3号楼",
        **values,
    )  # fmt: skip


# --- the letters we send -------------------------------------------------------------------


def test_a_letter_is_sent_acknowledged_and_answered_and_the_contact_is_traced(world: World):
    letter = drafted(world)
    assert letter.state == "drafted" and letter.due_at is None
    letter = letters.letter_send(actor=world.a.epidemiologist, letter=letter)
    assert letter.state == "sent" and letter.sent_at is not None
    assert letter.due_at == letter.sent_at + timedelta(days=DEFAULT_LETTER_DAYS)
    letter = letters.letter_acknowledge(actor=world.a.epidemiologist, letter=letter)
    assert letter.state == "acknowledged" and letter.acknowledged_at is not None
    letter = letters.letter_result(
        actor=world.a.epidemiologist, letter=letter, result="2月3日找到，已居家医学观察。"
    )
    assert letter.state == "result" and letter.result_at is not None
    assert Contact.objects.get(letters=letter).state == Tracing.TRACED
    steps = AuditEntry.objects.filter(target_type="cases.assistanceletter", target_id=letter.pk)
    assert steps.count() == 4  # drafted, sent, acknowledged, answered


def test_a_result_may_come_without_an_acknowledgement(world: World):
    letter = letters.letter_send(actor=world.a.epidemiologist, letter=drafted(world))
    letter = letters.letter_result(actor=world.a.epidemiologist, letter=letter, result="已找到")
    assert letter.state == "result"


@pytest.mark.parametrize(
    ("steps", "step", "message"),
    [
        ([], "acknowledge", "Only a letter sent"),
        ([], "result", "has not been sent yet"),
        (["send"], "send", "was already sent"),
        (["send", "acknowledge"], "acknowledge", "Only a letter sent"),
        (["send", "result"], "result", "was already recorded"),
        (["send", "result"], "acknowledge", "Only a letter sent"),
    ],
)
def test_a_step_out_of_order_is_refused(world: World, steps: list[str], step: str, message: str):
    letter = drafted(world)
    actor = world.a.epidemiologist
    do = {
        "send": lambda: letters.letter_send(actor=actor, letter=letter),
        "acknowledge": lambda: letters.letter_acknowledge(actor=actor, letter=letter),
        "result": lambda: letters.letter_result(actor=actor, letter=letter, result="已找到"),
    }
    for done in steps:
        do[done]()
    with pytest.raises(ValidationError, match=message):
        do[step]()


def test_a_result_needs_words(world: World):
    letter = letters.letter_send(actor=world.a.epidemiologist, letter=drafted(world))
    with pytest.raises(ValidationError) as refused:
        letters.letter_result(actor=world.a.epidemiologist, letter=letter, result="  ")
    assert "result" in refused.value.error_dict


def test_another_district_and_a_grid_worker_may_not_send(world: World):
    letter = drafted(world)
    for actor in (world.b.epidemiologist, world.a.grid_worker, world.a.viewer):
        with pytest.raises(PermissionDenied):
            letters.letter_send(actor=actor, letter=letter)


def test_a_letter_past_due_is_overdue_when_read_never_stored(world: World, login):
    letter = letters.letter_send(actor=world.a.epidemiologist, letter=drafted(world))
    now = timezone.now()
    assert not letters.is_overdue(letter, now)
    AssistanceLetter.objects.filter(pk=letter.pk).update(due_at=now - timedelta(hours=1))
    letter.refresh_from_db()
    assert letter.state == "sent"
    assert letters.is_overdue(letter, now)
    page = login(world.a.epidemiologist).get(reverse("cases:letters"), {"tab": "overdue"})
    assert {key: count for key, _label, count in page.context["tabs"]}["overdue"] == 1
    assert [row.pk for row in page.context["page"]] == [letter.pk]
    assert "李四" in page.content.decode()
    letters.letter_result(actor=world.a.epidemiologist, letter=letter, result="已找到")
    letter.refresh_from_db()
    assert not letters.is_overdue(letter, now)


def test_the_list_counts_each_tab_and_shows_no_id_or_phone(world: World, login):
    first = letters.letter_send(actor=world.a.epidemiologist, letter=drafted(world))
    AssistanceLetter.objects.filter(pk=first.pk).update(due_at=timezone.now() - timedelta(days=1))
    received(world)
    client = login(world.a.epidemiologist)
    page = client.get(reverse("cases:letters"))
    counts = {key: count for key, _label, count in page.context["tabs"]}
    assert counts == {"waiting": 1, "overdue": 1, "drafted": 0, "result": 0, "received": 1}
    html = page.content.decode()
    assert ID_NUMBER not in html and ID_NUMBER[-4:] not in html and PHONE[-4:] not in html
    page = client.get(reverse("cases:letters"), {"tab": "received"})
    html = page.content.decode()
    assert "王五" in html and "江岸协〔2020〕12号" in html and "IN-" not in html


def test_the_list_takes_a_fixed_number_of_queries(
    world: World, login, django_assert_max_num_queries
):
    client = login(world.a.epidemiologist)
    drafted(world)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("cases:letters"), {"tab": "drafted"})
    for n in range(4):
        drafted(world, f"接触者{n}")
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("cases:letters"), {"tab": "drafted"})


def test_the_detail_shows_the_masked_id_and_takes_the_steps(world: World, login):
    letter = drafted(world)
    client = login(world.a.epidemiologist)
    url = reverse("cases:letter", args=[letter.pk])
    html = client.get(url).content.decode()
    assert letter.person is not None and letter.person.masked_id_number in html
    assert ID_NUMBER not in html
    assert reverse("cases:letter_pdf", args=[letter.pk]) in html
    assert client.post(url, {"action": "send"}).status_code == 302
    assert client.post(url, {"action": "acknowledge"}).status_code == 302
    page = client.post(url, {"action": "result", "result": ""})
    assert page.status_code == 200 and page.context["result"].errors
    assert client.post(url, {"action": "result", "result": "已找到"}).status_code == 302
    letter.refresh_from_db()
    assert letter.state == "result"
    refused = client.post(url, {"action": "send"}, follow=True)
    assert "was already sent" in refused.content.decode()


def test_another_district_gets_404_and_a_viewer_403(world: World, login):
    letter = drafted(world)
    for name in ("cases:letter", "cases:letter_pdf"):
        url = reverse(name, args=[letter.pk])
        assert login(world.b.epidemiologist).get(url).status_code == 404
        assert login(world.a.viewer).get(url).status_code == 403
    assert login(world.a.viewer).get(reverse("cases:letters")).status_code == 403
    assert login(world.a.grid_worker_local).get(reverse("cases:letter_receive")).status_code == 403
    page = login(world.b.epidemiologist).get(reverse("cases:letters"), {"tab": "drafted"})
    assert list(page.context["page"]) == []
    post = login(world.b.epidemiologist).post(reverse("cases:letter", args=[letter.pk]),
                                              {"action": "send"})  # fmt: skip
    assert post.status_code == 404


# --- the PDF -------------------------------------------------------------------------------


def page_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return re.sub(r"\s+", "", reader.pages[0].extract_text())


def test_the_pdf_is_an_official_letter_with_the_full_id(world: World):
    letter = letters.letter_send(actor=world.a.epidemiologist, letter=drafted(world))
    text = page_text(letter_pdf(letter))
    assert text.startswith("协查函")
    assert f"编号：{letter.number}" in text
    assert f"{AUTHORITY}：" in text
    assert "李四" in text and ID_NUMBER in text and PHONE in text
    assert letter.contact is not None and letter.contact.case.number in text
    assert "湖北省武汉市江岸区" in text
    due = timezone.localtime(letter.due_at).date()
    assert f"请于{due.year}年{due.month}月{due.day}日前将协查结果函复我部" in text
    assert "历下区新冠肺炎疫情防控指挥部" in text


def test_the_pdf_is_in_chinese_whatever_the_language(world: World):
    with translation.override("zh-hans"):
        assert str(Classification.CONFIRMED.label) != "Confirmed"  # the catalogue is complete
    world.a.epidemiologist.full_name = "赵流调"
    world.a.epidemiologist.save()
    letter = drafted(world)
    with translation.override("en"):
        text = page_text(letter_pdf(letter))
        assert translation.get_language() == "en"
    assert not re.search(r"[A-Za-z]{3,}", text)


def test_the_pdf_embeds_subsets_of_its_fonts(world: World):
    page: Any = PdfReader(io.BytesIO(letter_pdf(drafted(world)))).pages[0]
    fonts = page["/Resources"].get_object()["/Font"].get_object()
    assert fonts
    for name in fonts:
        font = fonts[name].get_object()
        assert re.fullmatch(r"/[A-Z]{6}\+.+", font["/BaseFont"]), font["/BaseFont"]
        assert "/ToUnicode" in font
        described = [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]
        assert any(
            key.startswith("/FontFile")
            for d in described
            if "/FontDescriptor" in d
            for key in d["/FontDescriptor"].get_object()
        ), font["/BaseFont"]


def test_printing_the_letter_is_an_export_in_the_audit_log(world: World, login):
    letter = drafted(world)
    response = login(world.a.epidemiologist).get(reverse("cases:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="export", target_id=letter.pk)
    assert entry.actor == world.a.epidemiologist
    assert entry.changes == {"letter": letter.number}


def test_a_received_letter_has_no_pdf(world: World, login):
    letter = received(world)
    response = login(world.a.epidemiologist).get(reverse("cases:letter_pdf", args=[letter.pk]))
    assert response.status_code == 403
    with pytest.raises(ValueError):
        letter_pdf(letter)


# --- the letters we receive ----------------------------------------------------------------


def test_a_received_letter_puts_nobody_in_the_registry_and_opens_a_handoff(world: World):
    letter = received(world)
    assert not Person.objects.filter(full_name="王五").exists()
    handoff = letter.handoff
    assert handoff is not None and handoff.checkpoint_id is None
    assert (handoff.unit, handoff.org_path, handoff.full_name) == (
        world.a.grid, world.a.grid.path, "王五"
    )  # fmt: skip
    assert handoff.origin_name == "湖北省武汉市江岸区" and handoff.address == "翰林苑3号楼"
    assert handoff.due_at == handoff.arrived_at + timedelta(hours=DEFAULT_HANDOFF_HOURS)
    # Keyed as a checkpoint keys the same traveller, so that a later passage joins it.
    traveller = Traveller(full_name="王五", id_key=id_key("resident", ID_NUMBER))
    assert handoff.key == handoff_key(traveller)
    assert (letter.direction, letter.state, letter.org_path) == ("in", "acknowledged",
                                                                 world.a.grid.path)  # fmt: skip
    assert letters.sender_number(letter) == "江岸协〔2020〕12号"
    # Nothing readable of the identity is stored with the letter.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT result, id_number, phone FROM cases_assistanceletter WHERE id = %s",
            [letter.pk],
        )
        stored = cursor.fetchone()
    assert stored[1] and not any(ID_NUMBER in v or PHONE in v for v in stored)
    assert letters.identity_of(letter) == letters.Identity("resident", ID_NUMBER, PHONE)


def test_the_same_person_in_a_second_letter_joins_the_open_handoff(world: World):
    first = received(world)
    second = received(world, "江汉协〔2020〕3号")
    assert second.handoff_id == first.handoff_id
    assert Handoff.objects.count() == 1


def test_a_letter_is_received_once_per_district(world: World):
    received(world)
    with pytest.raises(ValidationError, match="already received"):
        received(world)
    other = received(world, actor=world.b.epidemiologist, unit=world.b.grid)
    assert letters.sender_number(other) == "江岸协〔2020〕12号"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"who": PersonIn(full_name="王五")}, "id_number"),
        ({"who": PersonIn(full_name="王五", id_number="123")}, "id_number"),
        ({"who": PersonIn(full_name="王五", phone="12")}, "phone"),
        ({"who": PersonIn(full_name=" ", phone=PHONE)}, "full_name"),
        ({"number": " "}, "number"),
    ],
)
def test_a_letter_without_what_a_visit_needs_is_refused(world: World, values: dict, field: str):
    with pytest.raises(ValidationError) as refused:
        received(world, **values)
    assert field in refused.value.error_dict


def test_a_letter_goes_to_a_community_village_or_grid_of_ones_own(world: World):
    with pytest.raises(ValidationError) as refused:
        received(world, unit=world.a.street)
    assert "unit" in refused.value.error_dict
    with pytest.raises(PermissionDenied):
        received(world, unit=world.b.grid)
    with pytest.raises(PermissionDenied):
        received(world, actor=world.a.community_officer, unit=world.a.grid)


def test_the_grid_worker_sees_confirms_and_so_answers_the_letter(world: World, login):
    letter = received(world)
    client = login(world.a.grid_worker_local)
    page = client.get(reverse("checkpoints:handoffs"))
    assert [h.pk for h in page.context["page"]] == [letter.handoff_id]
    assert "湖北省武汉市江岸区" in page.content.decode()
    url = reverse("checkpoints:handoff", args=[letter.handoff_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"action": "confirm", "unit": world.a.grid.code, "address": "翰林苑3号楼"}
    )
    assert response.status_code == 302
    person = Person.objects.get(full_name="王五")
    assert (person.id_number, person.phone, person.unit) == (ID_NUMBER, PHONE, world.a.grid)
    travel = person.travels.get()
    assert letter.handoff is not None
    assert travel.arrived_on == timezone.localdate(letter.handoff.arrived_at)
    letter.refresh_from_db()
    assert letter.state == "result" and letter.person == person
    assert "第一网格" in letter.result and letters.identity_of(letter) is None
    assert login(world.b.grid_worker).get(url).status_code == 404


def test_a_person_already_registered_is_found_not_registered_twice(world: World):
    from fangkong.people import services as people

    known = people.person_create(
        actor=world.a.commander, full_name="王五", unit=world.a.grid, id_number=ID_NUMBER
    )
    letter = received(world)
    assert letter.handoff is not None
    checkpoints.handoff_confirm(
        actor=world.a.grid_worker_local, handoff=letter.handoff, unit=world.a.grid,
        address="翰林苑3号楼",
    )  # fmt: skip
    letter.refresh_from_db()
    assert letter.person == known and Person.objects.filter(full_name="王五").count() == 1


def test_not_found_at_the_address_is_the_letters_result(world: World):
    letter = received(world)
    assert letter.handoff is not None
    checkpoints.handoff_close(
        actor=world.a.grid_worker_local, handoff=letter.handoff, state="not_found",
        reason="查无此人，邻居称已返汉",
    )  # fmt: skip
    letter.refresh_from_db()
    assert letter.state == "result" and "查无此人" in letter.result and letter.person is None


def test_receiving_through_the_page(world: World, login):
    client = login(world.a.epidemiologist)
    assert client.get(reverse("cases:letter_receive")).status_code == 200
    data = {
        "number": "江岸协〔2020〕12号", "authority": AUTHORITY, "region": "湖北省武汉市江岸区",
        "full_name": "王五", "id_type": "resident", "id_number": ID_NUMBER, "phone": "",
        "exposure": "密切接触者", "unit": world.a.grid.code, "address": "",
    }  # fmt: skip
    response = client.post(reverse("cases:letter_receive"), data)
    letter = AssistanceLetter.objects.get(direction="in")
    assert response.status_code == 302 and response.url == reverse("cases:letter", args=[letter.pk])
    html = client.get(response.url).content.decode()
    identity = letters.identity_of(letter)
    assert identity is not None and "王五" in html and identity.masked_id_number in html
    assert ID_NUMBER not in html
    again = client.post(reverse("cases:letter_receive"), data)
    assert again.status_code == 200 and again.context["form"].errors["number"]
    other = login(world.b.epidemiologist).post(reverse("cases:letter_receive"), data)
    assert other.status_code == 200 and other.context["form"].errors["unit"]


def test_a_printed_letter_names_who_printed_it_and_when(world: World, login):
    letter = letters.letter_send(actor=world.a.epidemiologist, letter=drafted(world))
    response = login(world.a.epidemiologist).get(reverse("cases:letter_pdf", args=[letter.pk]))
    text = page_text(response.content)
    assert f"({world.a.epidemiologist.username})" in text
    assert timezone.localdate().isoformat() in text
