from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from pypdf import PdfReader

from fangkong.core.testing import World
from fangkong.observation.models import Observation
from fangkong.observation.notice import notice_context, notice_pdf
from fangkong.people.models import Person
from fangkong.people.testing import resident_id

pytestmark = pytest.mark.django_db

ID_NUMBER = resident_id(born=date(1985, 3, 7), seq=123)


def released(world: World) -> Observation:
    # Rows made directly: the notice must not depend on how the services release.
    person = Person.objects.create(
        full_name="张三",
        id_type="resident",
        id_number=ID_NUMBER,
        unit=world.a.grid,
        org_path=world.a.grid.path,
    )
    return Observation.objects.create(
        person=person,
        unit=world.a.grid,
        org_path=world.a.grid.path,
        kind="home",
        reason="arrival",
        state="released",
        notice_number="370102001001-2020-0001",
        last_exposure=date(2020, 1, 24),
        starts_on=date(2020, 1, 25),
        planned_end=date(2020, 2, 7),
        days=14,
        ended_at=datetime(2020, 2, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )


def page_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    # Line breaks fall where the layout puts them; compare the running text.
    return re.sub(r"\s+", "", reader.pages[0].extract_text())


def test_the_notice_names_the_person_by_the_masked_id_only(world: World):
    observation = released(world)
    text = page_text(notice_pdf(observation))
    masked = observation.person.masked_id_number
    assert masked == "3701**********" + ID_NUMBER[-4:]
    assert "解除医学观察告知书" in text
    assert "编号：370102001001-2020-0001" in text
    assert f"张三（身份证号：{masked}）：" in text
    assert "您自2020年1月25日起接受居家医学观察" in text
    assert "（原因：疫区来人，末次暴露日期：2020年1月24日），观察期14天，至2020年2月7日期满" in text
    assert text.endswith("历下区翰林社区2020年2月7日")
    assert ID_NUMBER not in text
    assert ID_NUMBER[6:14] not in text  # not even the date of birth


def test_the_notice_is_in_chinese_whatever_the_language(world: World):
    observation = released(world)
    with translation.override("en"):
        text = page_text(notice_pdf(observation))
        context = notice_context(observation)
        assert translation.get_language() == "en"
    assert "接受居家医学观察（原因：疫区来人" in text
    assert context["kind"] == "居家医学观察"
    assert not re.search(r"[A-Za-z]{3,}", text)


def _fonts(pdf: bytes) -> list[Any]:
    # pypdf's types say "maybe None" at every step; a missing entry fails the test anyway.
    page: Any = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = page["/Resources"].get_object()["/Font"].get_object()
    return [fonts[name].get_object() for name in fonts]


def test_the_notice_embeds_subsets_of_its_fonts(world: World):
    fonts = _fonts(notice_pdf(released(world)))
    assert fonts
    for font in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+.+", font["/BaseFont"]), font["/BaseFont"]
        assert "/ToUnicode" in font  # or the text cannot be searched or copied
        described = [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]
        files = {
            key
            for d in described
            if "/FontDescriptor" in d
            for key in d["/FontDescriptor"].get_object()
            if key.startswith("/FontFile")
        }
        assert files, font["/BaseFont"]


def test_an_observation_not_released_has_no_notice(world: World):
    observation = released(world)
    observation.state = "active"
    observation.ended_at = None
    with pytest.raises(ValueError):
        notice_pdf(observation)


def test_the_release_date_is_the_local_one(world: World):
    observation = released(world)
    observation.ended_at = datetime(2020, 2, 6, 17, 0, tzinfo=UTC)  # 01:00 in Jinan
    assert notice_context(observation)["released_on"] == "2020年2月7日"
