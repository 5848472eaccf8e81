"""Screenshots of the command dashboard, as the command sees it on a phone and at a desk.

Run by hand against a running demo (``make demo`` in another shell):

    uv run python e2e/dashboard_screens.py --base http://127.0.0.1:8000 --out /tmp/shots/

The commander's district dashboard at phone width (375 px) and desktop width (1280 px),
then one drill-down: the first street by its link in the table at phone width, and by a
click on its bar in the chart of the units below at desktop width; the grid worker's
phone tab bar, to show the dashboard does not take a slot there. In each language. Reports
any page wider than its window, a chart that was not drawn, and any request that left the
server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, sync_playwright
from registry_screens import _size  # type: ignore[import-not-found]
from screenshots import ARGS, BROWSER_LOCALES, CHROMIUM, login, overflow  # type: ignore[import-not-found]


def shoot(page: Page, out: Path, name: str, problems: list[str]) -> None:
    page.wait_for_timeout(300)  # the charts draw after the deferred scripts
    page.screenshot(path=str(out / f"dashboard-{name}.png"), full_page=True)
    wide = overflow(page)
    if wide > 0:
        problems.append(f"{name}: {wide}px wider than the window")
    empty = page.evaluate(
        "[...document.querySelectorAll('[data-chart]')]"
        ".filter((e) => !e.hidden && !e.querySelector('svg')).map((e) => e.dataset.chart)"
    )
    if empty:
        problems.append(f"{name}: charts not drawn: {', '.join(empty)}")


def outside(url: str, here: str, problems: list[str]) -> None:
    if urlparse(url).netloc not in (here, ""):
        problems.append(f"request outside: {url}")


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
    here = urlparse(args.base).netloc
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang in args.languages.split(","):
            cookie = [{"name": "fangkong_language", "value": lang, "url": args.base}]
            for kind in ("phone", "desktop"):
                context = browser.new_context(viewport=_size(kind), locale=BROWSER_LOCALES[lang])
                context.add_cookies(cookie)
                page = context.new_page()
                page.on("request", lambda request: outside(request.url, here, problems))
                login(page, args.base, "commander", args.password)
                page.goto(f"{args.base}/dashboard/")
                shoot(page, out, f"{lang}-{kind}-1-district", problems)
                if kind == "phone":
                    page.click("table.children a >> nth=0")
                else:
                    # The first unit of the chart of the units below (its line: name or bar)
                    # opens that unit's dashboard.
                    page.locator("[data-chart=children]").click(position={"x": 40, "y": 20})
                    page.wait_for_url(f"{args.base}/dashboard/*/")
                page.wait_for_load_state()
                shoot(page, out, f"{lang}-{kind}-2-drilled", problems)
                context.close()
            phone = browser.new_context(viewport=_size("phone"), locale=BROWSER_LOCALES[lang])
            phone.add_cookies(cookie)
            page = phone.new_page()
            login(page, args.base, "grid", args.password)
            page.screenshot(path=str(out / f"dashboard-{lang}-phone-3-grid-home.png"))
            phone.close()
        browser.close()
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
