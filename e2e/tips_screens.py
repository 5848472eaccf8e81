"""Screenshots of the tip pages, as the people who use them see them.

Run by hand against a running demo that has the demo's tips (``make demo`` in another
shell):

    uv run python e2e/tips_screens.py --base http://127.0.0.1:8000 --out screenshots/

At phone width: the public form (empty, then filled and sent, with its receipt code),
the public look-up of that code, the commander's triage queue, a new tip's page with the
triage form, the grid worker's tips and the response times; in each language. Reports
any page wider than its window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from registry_screens import _size, shoot  # type: ignore[import-not-found]
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login  # type: ignore[import-not-found]


def public_pages(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/tips/")
    shoot(page, out, f"tips-{lang}-phone-1-public-form", problems)
    page.click("label[for=id_category_0]")
    page.fill("#id_place", "永安小区 3 号楼 2 单元")
    page.fill("#id_text", "402 室昨天从外地回来两个人，没有去社区登记。")
    page.fill("#id_contact_name", "王女士")
    page.fill("#id_contact_phone", "139 0531 0000")
    page.click("form button[type=submit]")
    page.wait_for_selector(".tip-code")
    shoot(page, out, f"tips-{lang}-phone-2-public-sent", problems)
    code = page.inner_text(".tip-code").strip()
    page.goto(f"{base}/tips/check/")
    page.fill("#id_code", code)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    shoot(page, out, f"tips-{lang}-phone-3-public-check", problems)


def staff_pages(
    browser: Browser, base: str, out: Path, lang: str, password: str, problems: list[str]
) -> None:
    locale = BROWSER_LOCALES[lang]
    cookie = [{"name": "fangkong_language", "value": lang, "url": base}]
    for user, pages in (
        ("commander", [("4-triage-queue", "/tips/manage/queue/"),
                       ("6-response-times", "/tips/manage/times/")]),
        ("grid", [("7-grid-tips", "/tips/manage/mine/")]),
    ):  # fmt: skip
        context = browser.new_context(viewport=_size("phone"), locale=locale)
        context.add_cookies(cookie)  # type: ignore[arg-type]
        page = context.new_page()
        login(page, base, user, password)
        for name, path in pages:
            page.goto(f"{base}{path}")
            shoot(page, out, f"tips-{lang}-phone-{name}", problems)
            if name == "4-triage-queue":
                page.click("a.tip >> nth=0")
                page.wait_for_load_state()
                shoot(page, out, f"tips-{lang}-phone-5-new-tip", problems)
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
            context = browser.new_context(viewport=_size("phone"), locale=BROWSER_LOCALES[lang])
            context.add_cookies([{"name": "fangkong_language", "value": lang, "url": args.base}])
            public_pages(context.new_page(), args.base, out, lang, problems)
            context.close()
            staff_pages(browser, args.base, out, lang, args.password, problems)
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
