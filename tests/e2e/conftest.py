"""The browser for the end-to-end walk: Debian's Chromium driven by Playwright's sync API,
at phone width, in zh-Hans, with every page checked for horizontal overflow and every
console error, uncaught exception and failed request collected.

Playwright's sync API keeps an event loop running in the test's thread, and Django refuses
the ORM in a thread with a running loop (SynchronousOnlyOperation). So the browser lives in
a function-scoped fixture that starts after the world is built and stops before pytest-django
empties the database; between the two, the test reaches the application only through the
browser, as its users do (the live server answers from its own thread).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
# As e2e/screenshots.py: nothing fetched from outside, no first-run dialogs.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 812}
LANGUAGE = "zh-hans"
# Generous: a loaded two-core CI machine renders some pages in seconds; a wait ends as
# soon as what it waits for is there.
TIMEOUT_MS = 20_000
# A request cut short because the page moved on (an htmx lookup still under way when the
# form is sent) is the browser's doing, not a failure of the server.
ABORTED = "net::ERR_ABORTED"


def chromium_missing() -> str:
    """Why the walk cannot run here ("" when Chromium is there)."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return ""
    return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set FANGKONG_CHROMIUM)"


# Without Chromium the walk is skipped before anything is built, unless CI asked for it
# (FANGKONG_E2E=1): then the ``chromium`` fixture fails it.
SKIP_WITHOUT_CHROMIUM = pytest.mark.skipif(
    bool(chromium_missing()) and os.environ.get("FANGKONG_E2E") != "1",
    reason=chromium_missing() or "Chromium is there",
)


def chromium_or_fail() -> str:
    missing = chromium_missing()
    if missing:
        pytest.fail(f"FANGKONG_E2E=1 but {missing}", pytrace=False)
    return CHROMIUM


@dataclass
class Browser:
    """One Chromium; a fresh phone for each person who uses it."""

    base: str
    chromium: Any  # playwright.sync_api.Browser
    problems: list[str] = field(default_factory=list)
    pages_seen: list[str] = field(default_factory=list)

    def _problem(self, text: str) -> None:
        print("E2E PROBLEM:", text)  # shown with the captured output when the test fails
        self.problems.append(text)

    def path(self, url: str) -> str:
        return url.removeprefix(self.base) or "/"

    def _context(self) -> Any:
        context = self.chromium.new_context(
            viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        context.add_cookies([{"name": "fangkong_language", "value": LANGUAGE, "url": self.base}])
        context.set_default_timeout(TIMEOUT_MS)

        def on_response(response: Any) -> None:
            if response.status >= 400:
                self._problem(f"HTTP {response.status} for {self.path(response.url)}")

        def on_failed(request: Any) -> None:
            failure = request.failure or ""
            if ABORTED not in failure:
                self._problem(f"request failed: {self.path(request.url)} ({failure})")

        context.on("response", on_response)
        context.on("requestfailed", on_failed)
        return context

    def phone(self) -> Any:
        """A new phone (its own cookies and cache), nobody logged in."""
        page = self._context().new_page()

        def on_console(message: Any) -> None:
            if message.type == "error":
                self._problem(f"console error on {self.path(page.url)}: {message.text}")

        def on_error(error: Any) -> None:
            self._problem(f"uncaught exception on {self.path(page.url)}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_error)
        return page

    def login(self, username: str, password: str) -> Any:
        """A new phone, logged in through the login form."""
        page = self.phone()
        self.goto(page, "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        self.submit(page, page.locator("main button[type=submit]"))
        assert self.path(page.url) == "/", f"{username} did not get in: {page.url}"
        return page

    def look(self, page: Any) -> None:
        """After every page the walk reaches: nothing wider than the phone."""
        page.wait_for_load_state("load")
        path = self.path(page.url)
        self.pages_seen.append(path)
        wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if wide > window:
            self._problem(f"{path} is {wide}px wide in a {window}px window")

    def goto(self, page: Any, path: str) -> None:
        page.goto(self.base + path)
        self.look(page)

    def submit(self, page: Any, control: Any) -> None:
        """Press a button (or a link) that leads to another page, and wait for it."""
        with page.expect_navigation():
            control.click()
        self.look(page)

    follow = submit

    def done(self, page: Any) -> None:
        page.context.close()


@pytest.fixture
def chromium() -> str:
    return chromium_or_fail()


@pytest.fixture
def open_browser(chromium: str) -> Iterator[Callable[[str], Browser]]:
    """``open_browser(base_url)`` starts Chromium once the world is built; it is closed
    again before the database is emptied (see the module's docstring)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    running: list[tuple[Any, Any]] = []

    def start(base: str) -> Browser:
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        running.append((playwright, browser))
        return Browser(base=base.rstrip("/"), chromium=browser)

    yield start
    for playwright, browser in running:
        browser.close()
        playwright.stop()


def text_of(locator: Any) -> str:
    """A locator's text with its white space squeezed, as a user reads it."""
    return re.sub(r"\s+", " ", locator.inner_text()).strip()
