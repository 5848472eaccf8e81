"""Screenshots of the observation pages, as the people who use them see them.

Run by hand against a running demo (``make demo`` in another shell):

    uv run python e2e/observation_screens.py --base http://127.0.0.1:8000 --out screenshots/

The grid worker's follow-ups of the day at phone width (a temperature typed into the
first one and saved in place), an observation's page and the person's timeline; the
counts per unit, the list, the fever referrals and the isolation sites at desktop width;
in each language. Reports any page wider than its window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from registry_screens import _size, shoot  # type: ignore[import-not-found]
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login  # type: ignore[import-not-found]


def followups(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/observation/followups/")
    shoot(page, out, f"{lang}-phone-o1-followups", problems)
    field = page.query_selector(".followup form input[type=number]")
    if field is not None:
        field.fill("36.6")
        shoot(page, out, f"{lang}-phone-o2-followup-typed", problems)
        page.click(".followup form button[type=submit] >> nth=0")
        page.wait_for_timeout(800)  # swapped in place by htmx
        shoot(page, out, f"{lang}-phone-o3-followup-saved", problems)
    page.click(".followup a >> nth=0")
    page.wait_for_load_state()
    shoot(page, out, f"{lang}-phone-o4-observation", problems)
    page.click("a[href*='/timeline/']")
    page.wait_for_load_state()
    shoot(page, out, f"{lang}-phone-o5-timeline", problems)


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
            locale = BROWSER_LOCALES[lang]
            cookie = [{"name": "fangkong_language", "value": lang, "url": args.base}]
            phone = browser.new_context(viewport=_size("phone"), locale=locale)
            phone.add_cookies(cookie)
            page = phone.new_page()
            login(page, args.base, "community", args.password)
            followups(page, args.base, out, lang, problems)
            page.goto(f"{args.base}/observation/sites/")
            page.click("a.site >> nth=0")
            page.wait_for_load_state()
            shoot(page, out, f"{lang}-phone-o6-site", problems)
            desktop = browser.new_context(viewport=_size("desktop"), locale=locale)
            desktop.add_cookies(cookie)
            page = desktop.new_page()
            login(page, args.base, "commander", args.password)
            for name, path in [
                ("o1-by-unit", "/observation/figures/"),
                ("o2-list", "/observation/"),
                ("o3-referrals", "/observation/referrals/"),
                ("o4-sites", "/observation/sites/"),
            ]:
                page.goto(f"{args.base}{path}")
                shoot(page, out, f"{lang}-desktop-{name}", problems)
            page.click("a.site >> nth=0")
            page.wait_for_load_state()
            shoot(page, out, f"{lang}-desktop-o5-site", problems)
            page.goto(f"{args.base}/observation/?state=released")
            page.click("a.list-group-item >> nth=0")
            page.wait_for_load_state()
            shoot(page, out, f"{lang}-desktop-o6-released", problems)
            for context in (phone, desktop):
                context.close()
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
