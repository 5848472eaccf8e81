"""Screenshots of the case pages, as the CDC and the HQ see them.

Run by hand against a running demo (``make demo`` in another shell):

    uv run python e2e/cases_screens.py --base http://127.0.0.1:8000 --out screenshots/

A case with its contacts and transmission chain at phone and desktop width, the case
list, a contact's next step, and a cluster, in each language. Reports any page wider
than its window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright
from registry_screens import _size, shoot  # type: ignore[import-not-found]
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login  # type: ignore[import-not-found]


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
            cookie = [{"name": "fangkong_language", "value": lang, "url": args.base}]
            for width in ("phone", "desktop"):
                context = browser.new_context(viewport=_size(width), locale=BROWSER_LOCALES[lang])
                context.add_cookies(cookie)
                page = context.new_page()
                login(page, args.base, "cdc", args.password)
                page.goto(f"{args.base}/cases/?c=all")
                shoot(page, out, f"{lang}-{width}-k1-cases", problems)
                page.click("a.case >> nth=-1")
                page.wait_for_load_state()
                shoot(page, out, f"{lang}-{width}-k2-case", problems)
                page.click("a[href*='/cases/contacts/'] >> nth=-1")
                page.wait_for_load_state()
                shoot(page, out, f"{lang}-{width}-k3-contact", problems)
                page.goto(f"{args.base}/cases/events/")
                page.click("a[href*='/cases/events/'] >> nth=-1")
                page.wait_for_load_state()
                shoot(page, out, f"{lang}-{width}-k4-cluster", problems)
                context.close()
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
