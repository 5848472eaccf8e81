"""Screenshots of the main pages at phone and desktop widths, in each language.

Run by hand against a running demo (``make demo`` in another shell):

    uv run python e2e/screenshots.py --base http://127.0.0.1:8000 --out screenshots/

It uses Debian's Chromium (``apt-get install chromium``); nothing is downloaded.
Besides the PNGs it reports pages whose content is wider than the window.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
LANGUAGES = ["zh-hans", "en", "zh-hant"]
BROWSER_LOCALES = {"zh-hans": "zh-CN", "zh-hant": "zh-TW", "en": "en-US"}


def login(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def first_link(page: Page, selector: str) -> str | None:
    link = page.query_selector(selector)
    return link.get_attribute("href") if link else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="fangkong-demo-2020")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang in args.languages.split(","):
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale=BROWSER_LOCALES[lang]
                )
                context.add_cookies(
                    [{"name": "fangkong_language", "value": lang, "url": args.base}]
                )
                page = context.new_page()
                page.goto(f"{args.base}/login/")
                shots = [("login", None)]
                page.screenshot(path=out / f"login-{lang}-{label}.png", full_page=True)
                login(page, args.base, args.user, args.password)
                street = None
                pages = [("home", "/"), ("units", "/units/")]
                page.goto(f"{args.base}/")
                district = first_link(page, "a.stretched-link")
                if district:
                    pages.append(("unit-district", district))
                    page.goto(args.base + district)
                    street = first_link(page, "table tbody a")
                if street:
                    pages.append(("unit-street", street))
                pages += [
                    ("unit-search", "/units/?q=社区"),
                    ("unit-import", "/units/import/"),
                    ("users", "/users/"),
                    ("user-new", "/users/new/"),
                    ("user-detail", None),
                    ("audit", "/audit/"),
                ]
                for name, path in pages:
                    if path is None:
                        page.goto(f"{args.base}/users/")
                        path = first_link(page, "table tbody a") or "/users/"
                    page.goto(args.base + path)
                    file = out / f"{name}-{lang}-{label}.png"
                    page.screenshot(path=file, full_page=True)
                    extra = overflow(page)
                    if extra > 0:
                        problems.append(f"{file.name}: {extra}px wider than the window")
                    shots.append((name, path))
                context.close()
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    print(f"screenshots in {out}/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
