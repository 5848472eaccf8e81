"""The PDF and the phone image: they render, in the bulletin's language, with its words."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from fangkong.accounts.models import AuditEntry
from fangkong.bulletin import fonts
from fangkong.bulletin.image import bulletin_png, wrap
from fangkong.bulletin.pdf import bulletin_pdf
from fangkong.bulletin.tests.helpers import known_district, published
from fangkong.core.testing import World

pytestmark = pytest.mark.django_db


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_pdf_carries_the_title_the_text_and_the_figures(world: World, chinese):
    known = known_district(world)
    done = published(world, known.day)
    pdf = bulletin_pdf(done)
    assert pdf.startswith(b"%PDF-")
    text = squeeze("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert squeeze(done.title) in text
    assert squeeze(done.text.split("\n\n")[0]) in text
    assert "新增确诊病例1例" in text


def test_the_image_is_a_tall_png_a_phone_can_show(world: World):
    known = known_district(world)
    done = published(world, known.day)
    png = bulletin_png(done)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.width == 1080 and image.height > 1080


def test_both_downloads_are_public_for_a_published_bulletin(world: World, client):
    known = known_district(world)
    done = published(world, known.day)
    args = [world.a.district.code, known.day.isoformat()]
    pdf = client.get(reverse("bulletin:pdf", args=args))
    png = client.get(reverse("bulletin:png", args=args))
    assert pdf.status_code == png.status_code == 200
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert done.unit.code in pdf["Content-Disposition"]


def test_the_hq_preview_of_a_draft_is_an_audited_export(world: World, client):
    from fangkong.bulletin import services

    made = services.bulletin_generate(
        actor=world.a.commander, unit=world.a.district, day=known_district(world).day
    )
    client.force_login(world.a.commander)
    for fmt, magic in (("pdf", b"%PDF-"), ("png", b"\x89PNG")):
        response = client.get(reverse("bulletin:preview", args=[made.pk, fmt]))
        assert response.content.startswith(magic)
    exports = AuditEntry.objects.filter(action="export", target_id=str(made.pk))
    assert exports.count() == 2


def test_chinese_lines_wrap_at_any_character_and_keep_punctuation_off_the_line_start():
    font = fonts.cjk_font("SC")
    from PIL import ImageFont

    face = ImageFont.truetype(font[0], 30, index=font[1])
    lines = wrap("截至2月9日24时，我区累计报告确诊病例12例，累计治愈出院3例。" * 3, face, 300)
    assert len(lines) > 3
    assert all(face.getlength(line) <= 300 + face.getlength("，") for line in lines)
    assert not any(line[:1] in "，。" for line in lines)
    assert "".join(lines) == "截至2月9日24时，我区累计报告确诊病例12例，累计治愈出院3例。" * 3


def test_a_missing_font_is_a_clear_error(settings):
    settings.FANGKONG_CJK_FONT = "/nonexistent/NotoSansCJK.ttc"
    fonts.cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="FANGKONG_CJK_FONT"):
            fonts.cjk_font("SC")
    finally:
        fonts.cjk_font.cache_clear()
