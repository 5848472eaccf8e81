"""Screenshots of the registry and screening pages, as the people who use them see them.

Run by hand against a running demo (``make demo`` in another shell):

    uv run python e2e/registry_screens.py --base http://127.0.0.1:8000 --out screenshots/

The grid worker's visit flow at phone width (list, visit form, back to the list
with the household done), the coverage drill-down at desktop width, the person
pages, the import page and the public self-declaration form, in each language.
Reports any page whose content is wider than the window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, WIDTHS, login, overflow  # type: ignore[import-not-found]


def _size(kind: str) -> dict[str, int]:
    width, height = WIDTHS[kind]
    return {"width": width, "height": height}


def shoot(page: Page, out: Path, name: str, problems: list[str]) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    wide = overflow(page)
    if wide > 0:
        problems.append(f"{name}: {wide}px wider than the window")


def visit_flow(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/screening/")
    shoot(page, out, f"{lang}-phone-1-screening", problems)
    page.click("a.list-group-item .btn-fk")
    page.wait_for_selector("a.household")
    shoot(page, out, f"{lang}-phone-2-households", problems)
    page.click("a.household")
    page.wait_for_selector("form.visit-form")
    first = page.query_selector("fieldset.member input[name$='_temperature']")
    if first:
        first.fill("37.6")
    page.click("label[for='id_result_0']")
    shoot(page, out, f"{lang}-phone-3-visit-form", problems)
    page.click("form.visit-form button[type=submit]")
    page.wait_for_selector("a.household")
    shoot(page, out, f"{lang}-phone-4-back-to-list", problems)


def coverage(page: Page, base: str, out: Path, lang: str, problems: list[str]) -> None:
    page.goto(f"{base}/screening/")
    page.click("a.list-group-item >> nth=-1")
    page.wait_for_selector("table.coverage")
    shoot(page, out, f"{lang}-desktop-1-coverage-district", problems)
    page.click("table.coverage tbody tr:first-child a")
    page.wait_for_selector("table.coverage")
    page.click("table.coverage tbody tr:first-child a")
    page.wait_for_load_state()
    shoot(page, out, f"{lang}-desktop-2-coverage-street-down", problems)


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
            phone = browser.new_context(viewport=_size("phone"), locale=locale)
            page = phone.new_page()
            page.goto(f"{args.base}/login/")
            page.context.add_cookies([{"name": "django_language", "value": lang, "url": args.base}])
            login(page, args.base, "grid", args.password)
            visit_flow(page, args.base, out, lang, problems)
            page.goto(f"{args.base}/people/")
            shoot(page, out, f"{lang}-phone-5-persons", problems)
            page.click("table tbody tr:first-child a")
            shoot(page, out, f"{lang}-phone-6-person", problems)
            page.goto(f"{args.base}/screening/declarations/")
            page.click("a.list-group-item >> nth=0")
            shoot(page, out, f"{lang}-phone-7-declaration", problems)
            public = browser.new_context(viewport=_size("phone"), locale=locale)
            anon = public.new_page()
            anon.goto(f"{args.base}/login/")
            anon.context.add_cookies([{"name": "django_language", "value": lang, "url": args.base}])
            page.goto(f"{args.base}/screening/declarations/")
            poster = page.query_selector("details a[href*='/poster/']")
            if poster:
                page.goto(args.base + str(poster.get_attribute("href")))
                shoot(page, out, f"{lang}-phone-8-poster", problems)
                anon.goto(page.inner_text("p.code").strip())
                shoot(page=anon, out=out, name=f"{lang}-phone-9-public-form", problems=problems)
                anon.fill("#id_full_name", "测试")
                anon.click("button[type=submit]")
                shoot(
                    page=anon,
                    out=out,
                    name=f"{lang}-phone-10-public-form-errors",
                    problems=problems,
                )
            desktop = browser.new_context(viewport=_size("desktop"), locale=locale)
            page = desktop.new_page()
            page.goto(f"{args.base}/login/")
            page.context.add_cookies([{"name": "django_language", "value": lang, "url": args.base}])
            login(page, args.base, "commander", args.password)
            coverage(page, args.base, out, lang, problems)
            page.goto(f"{args.base}/people/import/")
            shoot(page, out, f"{lang}-desktop-3-import", problems)
            page.goto(f"{args.base}/people/policy/")
            shoot(page, out, f"{lang}-desktop-4-policy", problems)
            page.goto(f"{args.base}/people/areas/")
            shoot(page, out, f"{lang}-desktop-5-areas", problems)
            for context in (phone, public, desktop):
                context.close()
        browser.close()
    for problem in problems:
        print("OVERFLOW", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
