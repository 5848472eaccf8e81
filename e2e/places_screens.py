"""Screenshots of the places pages, as the people who use them see them.

Run by hand against a running demo that has the demo's places (``make demo`` in another
shell):

    uv run python e2e/places_screens.py --base http://127.0.0.1:8000 --out screenshots/

At phone width: the grid worker's field form (empty, then a place picked, then sent and
ready for the next place), the worker's disinfection page; the commander's overview per
unit, the overdue places, one place's day, the venues, the closed KTV found open and the
follow-ups; at 1280 px the commander's overview and venues. In each language. Reports
any page wider than its window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright
from registry_screens import _size, shoot  # type: ignore[import-not-found]
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login  # type: ignore[import-not-found]


def field_pages(
    browser: Browser, base: str, out: Path, lang: str, password: str, problems: list[str]
) -> None:
    context = browser.new_context(viewport=_size("phone"), locale=BROWSER_LOCALES[lang])
    context.add_cookies([{"name": "fangkong_language", "value": lang, "url": base}])  # type: ignore[list-item]
    page = context.new_page()
    login(page, base, "grid", password)
    page.goto(f"{base}/places/log/")
    shoot(page, out, f"places-{lang}-phone-1-log-form", problems)
    page.click(".place-picker label >> nth=0")
    page.screenshot(path=str(out / f"places-{lang}-phone-2-log-picked.png"))
    page.click("form.log-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    shoot(page, out, f"places-{lang}-phone-3-log-sent", problems)
    page.goto(f"{base}/places/")
    shoot(page, out, f"places-{lang}-phone-4-grid-overview", problems)
    context.close()


def command_pages(
    browser: Browser, base: str, out: Path, lang: str, password: str, problems: list[str]
) -> None:
    for size in ("phone", "desktop"):
        context = browser.new_context(viewport=_size(size), locale=BROWSER_LOCALES[lang])
        context.add_cookies([{"name": "fangkong_language", "value": lang, "url": base}])  # type: ignore[list-item]
        page = context.new_page()
        login(page, base, "commander", password)
        page.goto(f"{base}/places/")
        shoot(page, out, f"places-{lang}-{size}-5-overview", problems)
        if size == "phone":
            page.click("table a >> nth=0")
            page.wait_for_load_state()
            shoot(page, out, f"places-{lang}-phone-5b-drilldown", problems)
        page.goto(f"{base}/places/venues/")
        shoot(page, out, f"places-{lang}-{size}-8-venues", problems)
        if size == "phone":
            page.goto(f"{base}/places/list/?state=overdue")
            shoot(page, out, f"places-{lang}-phone-6-overdue", problems)
            if not page.query_selector("a.place"):  # early in the day nothing is overdue yet
                page.goto(f"{base}/places/list/")
            page.click("a.place >> nth=0")
            page.wait_for_load_state()
            shoot(page, out, f"places-{lang}-phone-7-place", problems)
            page.goto(f"{base}/places/venues/?state=found_open")
            page.click("a.venue >> nth=0")
            page.wait_for_load_state()
            shoot(page, out, f"places-{lang}-phone-9-venue-found-open", problems)
            page.goto(f"{base}/places/followups/")
            shoot(page, out, f"places-{lang}-phone-10-followups", problems)
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--password", default="fangkong-demo-2020")
    parser.add_argument("--languages", default="zh-hans,en")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang in args.languages.split(","):
            field_pages(browser, args.base, out, lang, args.password, problems)
            command_pages(browser, args.base, out, lang, args.password, problems)
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
