"""Screenshots of the duty pages, as the people who use them see them.

Run by hand against a running demo whose duty is loaded (``duty.demo.load_duty``), from
the e2e directory:

    uv run python duty_screens.py --base http://127.0.0.1:8000 --out screenshots/

At phone width (375 px): the commander's coverage of the district, a post's day, a
shift with its people (and the double booking refused, then the box to assign anyway),
the alerts, the register and one person, the new post form; the grid worker's own duty
with its check-in button. At desktop width (1280 px): the coverage and the printable
roster of a week (also as printed, A4). In each language. Reports any page wider than
its window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from registry_screens import _size, shoot  # type: ignore[import-not-found]
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login  # type: ignore[import-not-found]


def _context(browser: Browser, base: str, lang: str, kind: str, user: str, password: str) -> Page:
    context = browser.new_context(viewport=_size(kind), locale=BROWSER_LOCALES[lang])
    context.add_cookies([{"name": "fangkong_language", "value": lang, "url": base}])
    page = context.new_page()
    login(page, base, user, password)
    return page


def commander_phone(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/duty/")
    shoot(page, out, f"duty-{lang}-phone-1-coverage", problems)
    page.click(".post-row a >> nth=0")
    page.wait_for_selector(".duty-hours")
    shoot(page, out, f"duty-{lang}-phone-2-post", problems)
    page.goto(f"{base}/duty/alerts/")
    shoot(page, out, f"duty-{lang}-phone-3-alerts", problems)
    if page.locator("#clashes a").count():
        page.click("#clashes a >> nth=0")
        page.wait_for_selector(".duty-people")
        shoot(page, out, f"duty-{lang}-phone-4-shift-double-booked", problems)
    page.goto(f"{base}/duty/people/")
    shoot(page, out, f"duty-{lang}-phone-5-people", problems)
    page.click("a.person >> nth=0")
    page.wait_for_load_state()
    shoot(page, out, f"duty-{lang}-phone-6-person", problems)
    page.goto(f"{base}/duty/posts/new/")
    shoot(page, out, f"duty-{lang}-phone-7-new-post", problems)
    page.goto(f"{base}/duty/roster/")
    shoot(page, out, f"duty-{lang}-phone-8-roster", problems)


def double_booking(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    """The demo's double-booked person is on two shifts at once: put a colleague from
    one of them on the other, be refused, and see the box to assign anyway."""
    page.goto(f"{base}/duty/alerts/")
    links = page.locator("#clashes a")
    if links.count() < 2:
        return
    here, there = links.nth(0).get_attribute("href"), links.nth(1).get_attribute("href")
    booked = links.nth(0).locator(".fw-semibold").inner_text().strip()
    page.goto(f"{base}{there}")
    names = [n.strip() for n in page.locator(".duty-people .who a").all_inner_texts()]
    other = next((n for n in names if n != booked), None)
    page.goto(f"{base}{here}")
    if other is None:
        return
    option = page.locator("#id_person option", has_text=other).first
    page.select_option("#id_person", value=option.get_attribute("value"))
    page.click("#assign button[type=submit]")
    page.wait_for_load_state()
    shoot(page, out, f"duty-{lang}-phone-9-assign-refused", problems)


def commander_desktop(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/duty/")
    shoot(page, out, f"duty-{lang}-desktop-1-coverage", problems)
    page.goto(f"{base}/duty/roster/?days=7")
    shoot(page, out, f"duty-{lang}-desktop-2-roster-week", problems)
    page.emulate_media(media="print")
    shoot(page, out, f"duty-{lang}-desktop-3-roster-print", problems)
    page.pdf(path=str(out / f"duty-{lang}-roster-week.pdf"), format="A4")
    page.emulate_media(media="screen")


def grid_worker(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/duty/mine/")
    shoot(page, out, f"duty-{lang}-phone-10-my-duty", problems)


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
            page = _context(browser, args.base, lang, "phone", "commander", args.password)
            commander_phone(page, args.base, out, lang, problems)
            double_booking(page, args.base, out, lang, problems)
            page.context.close()
            page = _context(browser, args.base, lang, "desktop", "commander", args.password)
            commander_desktop(page, args.base, out, lang, problems)
            page.context.close()
            page = _context(browser, args.base, lang, "phone", "grid", args.password)
            grid_worker(page, args.base, out, lang, problems)
            page.context.close()
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
