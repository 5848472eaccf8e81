"""The city's "who has reported" page deep into its list of whom to call, over HTTP.

Run by hand, never in CI, on the city that bench/city_bench.py generated (database
``fk_city``); prints, writes nothing:

    uv run python bench/city_deep_pages.py [--requests 600]

The page from the first unit to call, from the 1,000th and from the 2,450th, each
reached as the page's "more" link reaches it (the last unit listed before), as the
commander at the city, --clients browsers with their own sessions, against
`fangkong serve` (2 granian workers).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from city_bench import COMMANDER, environment  # noqa: E402
from units_bench import hammer, start_server, stop_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/fk_city")
    parser.add_argument("--day", default="2026-11-29", help="a day whose deadlines passed")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=8143)
    args = parser.parse_args()
    os.environ.clear()
    os.environ.update(environment(args.pg_url))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from fangkong.accounts.models import User
    from fangkong.orgunits.models import OrgUnit
    from fangkong.reports import selectors

    day = datetime.date.fromisoformat(args.day)
    root = OrgUnit.objects.get(depth=1)
    commander = User.objects.get(username=COMMANDER)
    cookies = []
    for _ in range(args.clients):
        browser = Client()
        browser.force_login(commander)
        cookies.append(f"sessionid={browser.cookies['sessionid'].value}")
    base = f"/reports/completeness/{root.pk}/?day={day}"
    pages = [("the first", base)]
    for start in (1000, 2450):
        after = selectors.completeness(root, day, limit=start).after
        pages.append((f"from the {start:,}th", f"{base}&from={start}&after={after}"))
    connection.close()
    server = start_server(args.port, 2, environment(args.pg_url), wait=300)
    try:
        for label, path in pages:
            got = hammer(args.port, path, cookies, args.requests, args.clients)
            print(
                f"{label}: {got['requests']} requests, median {got['median']:.0f} ms, "
                f"p95 {got['p95']:.0f} ms, max {got['max']:.0f} ms, errors {got['errors']}"
            )
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
