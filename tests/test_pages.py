"""Every page renders, loads nothing from outside, and speaks the chosen language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.test_permission_matrix import ENDPOINTS

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']\s*(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(
    r"""@import\s+url\(\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I
)
PAGES = [e for e in ENDPOINTS if e.method == "GET" and not e.api]


def assert_local_only(html: str) -> None:
    found = EXTERNAL.findall(html)
    assert not found, f"external reference in page: {found}"


@pytest.mark.parametrize("endpoint", PAGES, ids=lambda e: e.name)
def test_every_page_renders_and_loads_nothing_from_outside(endpoint, world, client):
    client.force_login(world.superuser)
    response = client.get(reverse(endpoint.name, args=endpoint.args(world)))
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        assert_local_only(response.content.decode())


def test_the_login_page_loads_nothing_from_outside(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_local_only(response.content.decode())


def test_static_stylesheets_pull_in_nothing_from_outside():
    from django.contrib.staticfiles import finders

    for name in ("vendor/bootstrap/bootstrap.min.css", "fangkong/fangkong.css"):
        path = finders.find(name)
        assert path, name
        with open(path, encoding="utf-8") as handle:
            assert not CSS_EXTERNAL.findall(handle.read()), name


def test_the_default_language_is_simplified_chinese(client):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html


@pytest.mark.parametrize(
    ("language", "marker", "absent"),
    [("en", "Log in", "登录"), ("zh-hant", "登錄", "登录"), ("zh-hans", "登录", "Log in")],
)
def test_the_language_switcher_changes_the_language_of_every_page(
    client, world, language, marker, absent
):
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("accounts:login")}
    )
    assert response.status_code == 302
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'lang="{language}"' in html
    assert marker in html
    assert absent not in html.split("<body", 1)[1].split('id="lang-select"', 1)[0]


def test_dates_and_numbers_follow_the_language(client, world):
    from fangkong.orgunits.models import OrgUnit

    OrgUnit.objects.filter(pk=world.a.district.pk).update(residents=1234567)
    client.force_login(world.a.commander)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("orgunits:detail", args=[world.a.district.pk])).content.decode()
    assert "1,234,567" in english
    assert "Residents" in english
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    chinese = client.get(reverse("orgunits:detail", args=[world.a.district.pk])).content.decode()
    assert "常住人口" in chinese or "人口" in chinese


def test_chinese_pages_group_figures_by_thousands(client, world):
    from fangkong.orgunits.models import OrgUnit

    OrgUnit.objects.filter(pk=world.a.district.pk).update(residents=430000)
    client.force_login(world.a.commander)
    for language in ("zh-hans", "zh-hant"):
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        page = client.get(reverse("orgunits:detail", args=[world.a.district.pk])).content.decode()
        assert "430,000" in page


@pytest.mark.django_db
def test_a_sections_menu_links_only_to_pages_the_user_may_open(world, client):
    import re

    from django.urls import reverse

    for user in world.a.users.values():
        client.force_login(user)
        for name in ("observation:list", "cases:list"):
            page = client.get(reverse(name))
            if page.status_code != 200:
                continue
            menu = re.search(
                r'class="nav nav-pills[^"]*subnav"(.*?)</nav>', page.content.decode(), re.S
            )
            assert menu is not None
            for href in re.findall(r'href="([^"]+)"', menu.group(1)):
                assert client.get(href).status_code == 200, (user.username, href)
