"""The public pages: no login, published bulletins only, counts only, cheap to serve."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fangkong.bulletin import services
from fangkong.bulletin.figures import KEYS
from fangkong.bulletin.tests.helpers import NAMES, PHONE, days_ago, known_district, published
from fangkong.cases.models import Case
from fangkong.core.testing import World
from fangkong.people.models import Person

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']\s*(?:https?:)?//""", re.I)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def public_urls(w: World, day: str) -> list[str]:
    code = w.a.district.code
    return [
        reverse("bulletin:index"),
        reverse("bulletin:latest", args=[code]),
        reverse("bulletin:history", args=[code]),
        reverse("bulletin:detail", args=[code, day]),
    ]


def secrets(w: World) -> list[str]:
    """Everything personal the known district holds, and the units below the district."""
    found: list[str] = [PHONE]
    for person in Person.objects.all():
        found += [person.full_name, person.id_number, person.masked_id_number]
    found += [c.number for c in Case.objects.all()]
    found += [w.a.street.name, w.a.community.name, w.a.grid.name, "区人民医院"]
    found += [u.full_name for u in w.a.users.values()]
    return [s for s in found if s]


def test_public_pages_and_downloads_carry_no_personal_data(world: World, client):
    known = known_district(world)
    done = published(world, known.day)
    assert set(done.figures) <= set(KEYS)
    assert all(isinstance(n, int) for n in done.figures.values())
    day = known.day.isoformat()
    pages = {url: client.get(url) for url in public_urls(world, day)}
    for url, response in pages.items():
        assert response.status_code == 200, url
        assert not EXTERNAL.findall(response.content.decode()), url
    pdf = client.get(reverse("bulletin:pdf", args=[world.a.district.code, day]))
    png = client.get(reverse("bulletin:png", args=[world.a.district.code, day]))
    texts = [r.content.decode() for r in pages.values()] + [pdf_text(pdf.content), done.text]
    for secret in secrets(world):
        for text in texts:
            assert secret not in text, secret
    for name in NAMES:
        assert name.encode() not in png.content
    assert "历下区" in texts[1]  # the district itself is named


def test_the_page_shows_the_text_the_figures_and_the_charts_data(world: World, client):
    known = known_district(world)
    published(world, known.before)
    done = published(world, known.day)
    page = client.get(reverse("bulletin:latest", args=[world.a.district.code])).content.decode()
    assert done.text.split("\n\n")[0] in page
    assert "vendor/echarts/echarts.min.js" in page
    series = re.search(r'id="bulletin-series"[^>]*>(.*?)</script>', page, re.S)
    assert series is not None
    assert '"new_confirmed": [2, 1]' in series.group(1)
    assert '"confirmed_total": [2, 3]' in series.group(1)


def test_drafts_are_not_public(world: World, client):
    known = known_district(world)
    services.bulletin_generate(actor=world.a.commander, unit=world.a.district, day=known.day)
    code, day = world.a.district.code, known.day.isoformat()
    for name, args in [
        ("bulletin:latest", [code]),
        ("bulletin:history", [code]),
        ("bulletin:detail", [code, day]),
        ("bulletin:pdf", [code, day]),
        ("bulletin:png", [code, day]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    index = client.get(reverse("bulletin:index"))
    assert index.status_code == 200
    assert "历下区疫情通报" not in index.content.decode()


def test_a_reader_in_another_language_gets_the_figures_in_theirs(world: World, client):
    known = known_district(world)
    published(world, known.day, language="zh-hans")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("bulletin:latest", args=[world.a.district.code])).content.decode()
    assert "our district reported new confirmed cases: 1;" in page
    assert 'lang="zh-hans"' in page  # the official text, marked as such


def test_a_correction_shows_on_the_public_page_without_who_made_it(world: World, client):
    done = published(world, days_ago(1))
    services.bulletin_correct(
        actor=world.a.admin, bulletin=done, reason="核减一例重复报告", title=done.title,
        text="更正后的通报。",
    )  # fmt: skip
    page = client.get(reverse("bulletin:latest", args=[world.a.district.code])).content.decode()
    assert "更正后的通报。" in page and "核减一例重复报告" in page
    assert world.a.admin.full_name not in page and world.a.admin.username not in page


def test_public_pages_are_cheap_and_cacheable(world: World, client, django_assert_max_num_queries):
    known = known_district(world)
    published(world, known.day)
    url = reverse("bulletin:detail", args=[world.a.district.code, known.day.isoformat()])
    with django_assert_max_num_queries(2):
        first = client.get(url)
    assert "max-age=" in first["Cache-Control"] and first["ETag"]
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    with django_assert_max_num_queries(3):
        history = client.get(reverse("bulletin:history", args=[world.a.district.code]))
    assert history.status_code == 200
    pdf_url = reverse("bulletin:pdf", args=[world.a.district.code, known.day.isoformat()])
    pdf = client.get(pdf_url)
    assert "public" in pdf["Cache-Control"]
    with django_assert_max_num_queries(1):
        assert client.get(pdf_url, headers={"if-none-match": pdf["ETag"]}).status_code == 304


def test_several_districts_get_a_choice_and_a_bad_day_is_not_found(world: World, client):
    published(world, days_ago(1))
    made = services.bulletin_generate(
        actor=world.b.commander, unit=world.b.district, day=days_ago(1)
    )
    services.bulletin_publish(actor=world.b.commander, bulletin=made)
    index = client.get(reverse("bulletin:index")).content.decode()
    assert world.a.district.name in index and world.b.district.name in index
    bad = reverse("bulletin:detail", args=[world.a.district.code, "2020-02-30"])
    assert client.get(bad).status_code == 404
