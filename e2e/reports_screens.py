"""Screenshots of the daily report pages and the public bulletin, by hand against a demo:

    uv run python e2e/reports_screens.py --base http://127.0.0.1:8000 --out /tmp/shots/

The commander's "who has reported" page for yesterday (with the reminder button, the
units below and the figures added up), the administrator's indicators, the inbox, and the
public bulletin (no login), at phone width and desktop width, in each language. Reports any
page wider than its window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login, overflow  # type: ignore[import-not-found]

PAGES = [
    ("commander", "completeness", "/reports/completeness/"),
    ("admin", "indicators", "/reports/indicators/"),
    ("community", "inbox", "/notices/"),
    (None, "bulletin", "/bulletin/"),
]


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
            for width, height, kind in ((375, 812, "phone"), (1280, 900, "desktop")):
                for user, name, path in PAGES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, locale=BROWSER_LOCALES[lang]
                    )
                    context.add_cookies(
                        [{"name": "fangkong_language", "value": lang, "url": args.base}]
                    )
                    page = context.new_page()
                    if user:
                        login(page, args.base, user, args.password)
                    page.goto(args.base + path)
                    page.wait_for_timeout(400)
                    shot = f"reports-{lang}-{kind}-{name}"
                    page.screenshot(path=str(out / f"{shot}.png"), full_page=True)
                    if (wide := overflow(page)) > 0:
                        problems.append(f"{shot}: {wide}px wider than the window")
                    context.close()
        browser.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
