"""Coverage drill-down over a district's registry: how long the grouped queries take.

Run by hand, never in CI (a few minutes; writes docs/performance.md):

    uv run python bench/coverage_bench.py
    uv run python bench/coverage_bench.py --households 50000 --no-write

Per database, in a fresh process: the people_import_bench tree (10 streets, 100
communities, 1,000 grids), --households households of three persons, a campaign
with visits to 60 % of them; then the coverage of the campaign at district,
street and community level (median of --repeat calls), next to a baseline in the
same run: one plain COUNT(*) of the subtree's households.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from units_bench import REPORT, machine, prepare_database, table, write_section


def child(args: argparse.Namespace) -> None:
    from people_import_bench import build_tree, setup_django

    setup_django(args.url)
    district, _actor = build_tree()
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.orgunits.models import Level, OrgUnit
    from fangkong.screening import selectors
    from fangkong.screening.models import Campaign

    grids = list(OrgUnit.objects.filter(level=Level.GRID).values_list("id", "path"))
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="bench", unit=district, org_path=district.path,
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=9),
    )  # fmt: skip
    n = args.households
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO people_household (unit_id, address, address_key, note, org_path,"
            " created_at, updated_at) VALUES (%s, %s, %s, '', %s, CURRENT_TIMESTAMP,"
            " CURRENT_TIMESTAMP)",
            [(grids[i % len(grids)][0], f"h{i}", f"H{i}", grids[i % len(grids)][1]) for i in range(n)],  # noqa: E501
        )  # fmt: skip
        cursor.execute("SELECT id, unit_id, org_path FROM people_household ORDER BY id")
        homes = cursor.fetchall()
        cursor.executemany(
            "INSERT INTO people_person (full_name, id_type, id_number, sex, phone, phone_key,"
            " household_id, relation, unit_id, address, tags, note, source, risk_status, org_path,"
            " created_at, updated_at) VALUES (%s, 'resident', '', 'U', '', '', %s, '', %s, '',"
            " '', '', 'import', 'clear', %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            [(f"p{h}-{k}", h, u, p) for h, u, p in homes for k in range(3)],
        )  # fmt: skip
        cursor.executemany(
            "INSERT INTO screening_visit (campaign_id, household_id, result, visited_at, note,"
            " org_path) VALUES (%s, %s, %s, CURRENT_TIMESTAMP, '', %s)",
            [(campaign.pk, h, "normal" if i % 7 else "absent", p)
             for i, (h, _u, p) in enumerate(homes) if i % 5 < 3],
        )  # fmt: skip
    from fangkong.people import tallies as people_tallies
    from fangkong.screening import tallies as campaign_tallies

    # Written past the services above: the counts are rebuilt once, as after a restore.
    start = time.perf_counter()
    people_tallies.recount()
    campaign_tallies.recount()
    recount_s = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    street = OrgUnit.objects.get(code="370102001000")
    community = OrgUnit.objects.get(code="370102001001")
    out: dict[str, object] = {"households": n, "recount_s": recount_s}
    for name, unit in (("district", district), ("street", street), ("community", community)):
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            selectors.coverage(campaign=campaign, unit=unit)
            samples.append((time.perf_counter() - start) * 1000)
        base = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM people_household WHERE org_path >= %s AND org_path < %s",
                    [unit.path, unit.path + "~"],
                )
                cursor.fetchone()
            base.append((time.perf_counter() - start) * 1000)
        out[name] = statistics.median(samples)
        out[f"{name}_count"] = statistics.median(base)
    print("RESULT " + json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=350_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/fangkong_coverage_bench"
    )
    parser.add_argument("--sqlite-path", default="/tmp/fangkong_coverage_bench.sqlite3")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = []
    for url in (f"sqlite:///{args.sqlite_path}", args.pg_url):
        prepare_database(url)
        command = [sys.executable, __file__, "--child", "--url", url,
                   "--households", str(args.households), "--repeat", str(args.repeat)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(done.stdout[-2000:], done.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"the run on {url} failed")
        results.append((url.split(":")[0], json.loads(line[7:])))
        print(line)
    rows = [
        [db, level, f"{r[level]:.1f}", f"{r[level + '_count']:.2f}"]
        for db, r in results
        for level in ("district", "street", "community")
    ]
    recounts = ", ".join(f"{db} {r['recount_s']:.1f} s" for db, r in results)
    command = "uv run python bench/coverage_bench.py" + (
        f" --households {args.households}" if args.households != 350_000 else ""
    )
    body = "\n".join([
        f"## Coverage drill-down, {args.households:,} households, {args.households * 3:,} persons",
        "",
        f"`{command}` — {datetime.date.today():%Y-%m-%d}; {machine(args.pg_url)}.",
        "",
        "Milliseconds, median of the runs: `screening.selectors.coverage` for one campaign at",
        "each level, next to one plain COUNT(*) of the subtree's households as the baseline.",
        "60 % of the households have a visit. Coverage reads the counts kept on write (one row",
        "per unit, and per campaign and unit: `people.tallies`, `screening.tallies`), so its",
        "time follows the number of units below, not of households. The rows are bulk-loaded",
        f"past the services, then counted once by `fangkong recount` ({recounts}).",
        "",
        table(["database", "level", "coverage", "COUNT(*) baseline"], rows),
    ])  # fmt: skip
    print(body)
    if not args.no_write:
        write_section(REPORT, "coverage_bench", body)
    os.environ.pop("FANGKONG_DATABASE_URL", None)


if __name__ == "__main__":
    main()
