"""Screenshots of the checkpoint pages, as the people who use them see them.

Run by hand against a running demo (``make demo`` in another shell):

    uv run python e2e/checkpoint_screens.py --base http://127.0.0.1:8000 --out screenshots/

The roadside registration form at phone width (empty, filled with a fever and a
plate typed in lower case, then saved and ready for the next vehicle), the grid
worker's hand-off list and a hand-off, the checkpoint's day and the hand-offs per
unit at desktop width, in each language. Reports any page wider than its window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from registry_screens import _size, shoot  # type: ignore[import-not-found]
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login  # type: ignore[import-not-found]


def roadside(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/checkpoints/register/")
    shoot(page, out, f"{lang}-phone-c1-register-empty", problems)
    page.fill("input[name=plate]", "a12345")
    page.fill("input[name=origin]", "湖北省武汉市")
    page.fill("input[name=destination]", "第一网格")
    page.wait_for_timeout(600)  # the suggestions arrive
    option = page.query_selector("#id_destination-options option")
    page.fill("input[name=destination]", option.get_attribute("value") if option else "")
    page.fill("input[name=destination_text]", "3号楼2单元101")
    page.fill("input[name=t0_full_name]", "张伟")
    page.fill("input[name=t0_id_number]", "420102198503071234")
    page.fill("input[name=t0_temperature]", "38.2")
    page.click("button.add-traveller")
    page.fill("input[name=t1_full_name]", "李娜")
    page.fill("input[name=t1_phone]", "13912345679")
    page.fill("input[name=t1_temperature]", "36.5")
    shoot(page, out, f"{lang}-phone-c2-register-filled", problems)
    page.click("form.passage-form button[type=submit]")
    page.wait_for_load_state()
    shoot(page, out, f"{lang}-phone-c3-register-saved", problems)


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
            login(page, args.base, "checkpoint", args.password)
            roadside(page, args.base, out, lang, problems)
            phone.clear_cookies()
            phone.add_cookies(cookie)
            login(page, args.base, "grid", args.password)
            page.goto(f"{args.base}/checkpoints/handoffs/")
            shoot(page, out, f"{lang}-phone-c4-handoffs", problems)
            page.click("a.handoff >> nth=0")
            page.wait_for_load_state()
            shoot(page, out, f"{lang}-phone-c5-handoff", problems)
            desktop = browser.new_context(viewport=_size("desktop"), locale=locale)
            desktop.add_cookies(cookie)
            page = desktop.new_page()
            login(page, args.base, "commander", args.password)
            page.goto(f"{args.base}/checkpoints/")
            shoot(page, out, f"{lang}-desktop-c1-checkpoints", problems)
            page.click("table tbody tr:first-child a")
            page.wait_for_load_state()
            shoot(page, out, f"{lang}-desktop-c2-checkpoint-day", problems)
            page.goto(f"{args.base}/checkpoints/handoffs/figures/")
            shoot(page, out, f"{lang}-desktop-c3-handoffs-by-unit", problems)
            page.goto(f"{args.base}/checkpoints/handoffs/?state=overdue")
            shoot(page, out, f"{lang}-desktop-c4-handoffs-overdue", problems)
            for context in (phone, desktop):
                context.close()
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
