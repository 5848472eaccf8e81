"""Screenshots of the supplies pages, as the people who use them see them.

Run by hand against a running demo whose supplies are loaded (``supplies.demo.load_supplies``):

    uv run python e2e/supplies_screens.py --base http://127.0.0.1:8000 --out screenshots/

At phone width: the stores, the community's store (its N95 masks low, in words), the
ledger of an item, the issue form, the low-stock list, the requests and the one waiting,
the donations and recording one; in each language. Reports any page wider than its window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from registry_screens import _size, shoot  # type: ignore[import-not-found]
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login  # type: ignore[import-not-found]


def stock(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/supplies/")
    shoot(page, out, f"supplies-{lang}-phone-1-stores", problems)
    # The community's store: the last one of the list (district, street, community).
    page.click("a.store >> nth=-1")
    page.wait_for_selector(".stock-line")
    shoot(page, out, f"supplies-{lang}-phone-2-stock", problems)
    page.click(".stock-low a >> nth=0")
    page.wait_for_selector(".ledger-row")
    shoot(page, out, f"supplies-{lang}-phone-3-ledger", problems)
    page.go_back()
    page.click(".store-actions a >> nth=1")
    page.wait_for_selector("form.move-form")
    shoot(page, out, f"supplies-{lang}-phone-4-issue", problems)


def lists(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    for name, path in [
        ("5-low-stock", "/supplies/alerts/"),
        ("6-requests", "/supplies/requests/"),
        ("8-donations", "/supplies/donations/"),
        ("9-new-donation", "/supplies/donations/new/"),
    ]:
        page.goto(f"{base}{path}")
        shoot(page, out, f"supplies-{lang}-phone-{name}", problems)
        if name == "6-requests":
            page.click("a.supply-request >> nth=0")
            page.wait_for_load_state()
            shoot(page, out, f"supplies-{lang}-phone-7-request", problems)


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
            context = browser.new_context(viewport=_size("phone"), locale=BROWSER_LOCALES[lang])
            context.add_cookies([{"name": "fangkong_language", "value": lang, "url": args.base}])
            page = context.new_page()
            login(page, args.base, "logistics", args.password)
            stock(page, args.base, out, lang, problems)
            lists(page, args.base, out, lang, problems)
            context.close()
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
