"""The phone's tab bar: every label whole, in every language, on the narrowest phones.

English labels are the longest ("Checkpoints", "Daily reports"): they once ended in "…" at
375 px. Each distinct set of tabs a role gets is opened in English at 320 px (the smaller
type below 360 px) and at 360 px (the normal type, the least room), and in Chinese, whose
labels are two to four characters, at 320 px.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import RequestFactory

from fangkong.core.context_processors import navigation
from fangkong.core.testing import PASSWORD, build_world
from tests.e2e.conftest import SKIP_WITHOUT_CHROMIUM, Browser

pytestmark = [
    pytest.mark.e2e,
    SKIP_WITHOUT_CHROMIUM,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
]

WIDTHS = {"en": (320, 360), "zh-hans": (320,), "zh-hant": (320,)}
# Labels cut short (wider or taller than their box), and a bar reaching past the screen.
MEASURE = """() => {
  const bar = document.querySelector('.tabbar');
  const cut = [...bar.querySelectorAll('a span')]
    .filter(s => s.scrollWidth > s.clientWidth + 0.5 || s.scrollHeight > s.clientHeight + 1)
    .map(s => s.textContent.trim());
  const right = bar.lastElementChild.getBoundingClientRect().right;
  return {cut, past: right > window.innerWidth + 0.5,
          tabs: [...bar.querySelectorAll('a span')].map(s => s.textContent.trim())};
}"""


def _tab_sets() -> dict[tuple[str, ...], str]:
    """One user name for each distinct set of tabs the world's users get."""
    world = build_world()
    users = [world.superuser, *world.a.users.values()]
    found: dict[tuple[str, ...], str] = {}
    for user in users:
        request = RequestFactory().get("/")
        request.user = user
        keys = tuple(item["section"].key for item in navigation(request)["nav_tabs"])
        found.setdefault(keys, user.username)
    return found


def test_every_tab_label_is_whole_on_a_narrow_phone(
    live_server: Any, open_browser: Callable[[str], Browser]
) -> None:
    sets = _tab_sets()
    assert len(sets) >= 4  # the roles do get different tabs
    browser = open_browser(live_server.url)
    bad = []
    for username in sets.values():
        page = browser.login(username, PASSWORD)
        for language, widths in WIDTHS.items():
            page.context.add_cookies(
                [{"name": "fangkong_language", "value": language, "url": browser.base}]
            )
            for width in widths:
                page.set_viewport_size({"width": width, "height": 740})
                browser.goto(page, "/")
                found = page.evaluate(MEASURE)
                assert len(found["tabs"]) >= 2, (username, language)
                if found["cut"] or found["past"]:
                    bad.append((username, language, width, found))
        browser.done(page)
    assert not bad
    assert not browser.problems
