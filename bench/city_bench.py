"""Daily reports and the command dashboard on a city: 100,000 units, 10,000,000 persons.

Run by hand, never in CI (generating the city takes ~15 minutes and ~10 GB the first
time, measuring ~10 minutes; writes docs/performance.md):

    uv run python bench/city_bench.py                  # generate fk_city, measure, record
    uv run python bench/city_bench.py --reuse          # measure the city already in fk_city
    uv run python bench/city_bench.py --scale 0.01 --no-write \
        --pg-url postgres://postgres@127.0.0.1:5432/fk_city_small

The city (bench/city_data.py) is written by binary COPY into a fresh PostgreSQL database
migrated by `fangkong migrate`: one root of level "district" for the city, 100 streets,
1,000 communities, 98,899 grids, 10,000,000 persons, 30 days of line lists and of daily
reports from every unit with the totals kept on write (reports.totals). --reuse keeps a
database that holds a complete city (its record is in the table bench_city).

Then, for the last reported day whose deadlines have passed, for the city, a street and a
community: the reports app's selectors and the dashboard's ``panels`` (median and p95 of
--repeat calls after warm-up calls, with the number of queries of one call), the two pages
over HTTP through `fangkong serve` as a commander at the root (--clients threads), and the
baseline in the same run: plain indexed ``GROUP BY`` queries over one day's reports of the
same subtree. Anything above 300 ms p95 gets the EXPLAIN ANALYZE of its slowest query.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import re
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from units_bench import (  # noqa: E402
    REPORT,
    hammer,
    machine,
    ms,
    prepare_database,
    start_server,
    stop_server,
    table,
    timed,
    write_section,
)

TARGET_MS = 300
SLOW_HEADER = ["target", "unit", "p95 ms", "SQL ms of one call", "slowest queries"]
HTTP_HEADER = ["page", "unit", "requests", "req/s", "median ms", "p95 ms", "max ms", "errors",
               f"≤ {TARGET_MS} ms p95"]  # fmt: skip
COMMANDER = "city-commander"
BACKGROUND = "background:"  # work no page waits for: no target
PAGES = ("reports/completeness", "dashboard")
# The baseline: what the day's reports of a subtree cost as plain indexed GROUP BY queries.
LEVEL_COUNT = """SELECT u.level, count(*), count(*) FILTER (WHERE r.zero)
FROM reports_dailyreport r JOIN orgunits_orgunit u ON u.id = r.unit_id
WHERE r.day = %s AND r.org_path >= %s AND r.org_path < %s AND r.state = 'submitted'
GROUP BY u.level"""
CHILD_SUM = """SELECT substr(r.org_path, 1, %s) AS child, sum((r.values ->> 'arrivals')::int)
FROM reports_dailyreport r JOIN orgunits_orgunit u ON u.id = r.unit_id
WHERE r.day = %s AND r.org_path >= %s AND r.org_path < %s AND r.state = 'submitted'
  AND u.level = 'grid'
GROUP BY 1"""


def environment(url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "FANGKONG_DEMO": "1",
        "FANGKONG_DEBUG": "0",
        "FANGKONG_VAR_DIR": "/tmp/fangkong_city_var",
        "FANGKONG_DATABASE_URL": url,
        "FANGKONG_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "FANGKONG_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
    }
    env.pop("FANGKONG_TESTING", None)
    return env


def city(args: argparse.Namespace) -> dict[str, Any]:
    """The city's record: the one in the database with --reuse, else a new city's."""
    from city_data import generate, load_meta, save_meta

    if args.reuse:
        if (meta := load_meta(args.pg_url)) is not None:
            print(f"reusing the city generated {meta['generated_at']}", flush=True)
            from fangkong.cli import main as fangkong

            # Migrations added since, and the table of the kept counts (core.kept).
            fangkong(["migrate", "--verbosity", "0"])
            return meta
        print("no complete city there: generating one", flush=True)
    prepare_database(args.pg_url)
    from fangkong.cli import main as fangkong

    started = time.perf_counter()
    fangkong(["migrate", "--verbosity", "0"])
    migrated = time.perf_counter() - started
    print(f"fangkong migrate: {migrated:.1f} s", flush=True)
    from django.db import connection

    connection.close()  # the generator has its own connection; the pool keeps none busy
    meta = generate(args.pg_url, args.scale, args.keep_indexes)
    timings = {"fangkong migrate": migrated, **dict(meta["timings"])}
    timings["total"] += migrated
    meta["timings"] = list(timings.items())
    save_meta(args.pg_url, meta)
    print(f"the city in {timings['total']:.0f} s", flush=True)
    return meta


def verify(community: Any, street: Any, day: datetime.date) -> str:
    """The generated totals are what reports.totals computes from the reports, and a
    unit's report says what reports.prefill computes from the line lists."""
    from fangkong.reports import services, totals
    from fangkong.reports.models import DailyReport, ReportTotal

    def rows(found: list[Any]) -> dict[Any, Any]:
        return {(t.day, t.level): (t.reports, t.late, t.zero, t.values) for t in found}

    checked = []
    for unit in (community, street):
        for d in (day, day - datetime.timedelta(days=12)):
            want = rows(totals.computed_rows(unit, [d]))
            got = rows(list(ReportTotal.objects.filter(unit=unit, day=d)))
            if want != got:
                raise AssertionError(f"totals of {unit.name} on {d}: {got} != {want}")
            report = DailyReport.objects.filter(unit=unit, day=d, state="submitted").first()
            if report is not None:
                prefill = services.report_prefill(unit, d)
                wrong = {c: (report.values[c], n) for c, n in prefill.items()
                         if report.values[c] != n}  # fmt: skip
                if wrong:
                    raise AssertionError(f"{unit.name}'s report of {d} vs prefill: {wrong}")
            checked.append(f"{unit.name} {d}: {sum(t[0] for t in want.values()):,} reports")
    return "; ".join(checked)


def profile(fn: Callable[[], Any]) -> list[tuple[float, str]]:
    """(ms, SQL) of each query of one call, the slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return sorted(((float(q["time"]) * 1000, q["sql"]) for q in captured), reverse=True)


def tables(sql: str) -> str:
    """What a query reads, in short: its tables without the app prefix."""
    names = re.findall(r'(?:FROM|JOIN) "(\w+)"', sql)
    return " ⋈ ".join(dict.fromkeys(n.split("_", 1)[-1] for n in names))


def explain(sql: str, params: list[Any] | None = None) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0].rstrip() for row in cursor.fetchall()]
    # Without the planner's own buffers and the parallel workers' repeated sort methods.
    planning = lines.index("Planning:") if "Planning:" in lines else len(lines)
    lines = [x for x in lines[:planning] if "Worker " not in x] + lines[planning + 2 :]
    return "\n".join(lines[:36])


def measure(args: argparse.Namespace, units: dict[str, Any], day: datetime.date) -> dict[str, Any]:
    """Medians and p95 of each selector and baseline for each unit; plans of the slow ones."""
    from django.db import connection
    from django.utils import timezone

    from fangkong.core import kept
    from fangkong.core.paths import SEGMENT_WIDTH, successor
    from fangkong.reports import prefill, selectors

    try:
        from fangkong.dashboard.selectors import panels
    except ImportError:  # the dashboard app is not there yet: measured once it is
        panels = None

    def sql(query: str, params: list[Any]) -> Callable[[], Any]:
        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                cursor.fetchall()

        return run

    targets: dict[str, Callable[[Any], Callable[[], Any]]] = {
        "baseline: reports of the day by level (`GROUP BY u.level`)": lambda u: sql(
            LEVEL_COUNT, [day, u.path, successor(u.path)]),
        "baseline: one indicator summed per child unit (`GROUP BY substr(org_path)`)":
            lambda u: sql(CHILD_SUM, [len(u.path) + SEGMENT_WIDTH, day, u.path,
                                      successor(u.path)]),
        "`completeness(unit, day)`": lambda u: lambda: selectors.completeness(u, day),
        "`by_child(unit, day)`": lambda u: lambda: selectors.by_child(u, day),
        "`rollup(unit, day)`": lambda u: lambda: selectors.rollup(u, day),
        "`rollup(unit, day, line_lists=False)`":
            lambda u: lambda: selectors.rollup(u, day, line_lists=False),
        "`rollup` as the completeness page calls it (line lists kept)":
            lambda u: lambda: selectors.rollup(
                u, day, line_lists=kept.get(prefill.line_lists, u, day)[0]),
        "`series(unit, day - 29, day)`":
            lambda u: lambda: selectors.series(u, day - datetime.timedelta(days=29), day),
        # With ``now`` given, panels counts afresh, as the background recount does (no page
        # waits for it but the first after a copy is 15 minutes old); without, it reads the
        # counts kept for every worker when counting was slow (core.kept), as the page does.
        f"{BACKGROUND} dashboard `panels(unit, day, now)`, counted afresh":
            lambda u: (lambda: panels(u, day, timezone.now())) if panels else None,
        "dashboard `panels(unit, day)` as the page calls it":
            lambda u: (lambda: panels(u, day)) if panels else None,
    }  # fmt: skip
    figures: dict[tuple[str, str], tuple[float, float, int]] = {}
    slow: list[tuple[str, str, float, list[tuple[float, str]]]] = []
    for what, make in targets.items():
        for where, unit in units.items():
            fn = make(unit)
            if fn is None:
                continue
            median, p95 = timed(fn, args.repeat)
            queries = profile(fn)
            figures[(what, where)] = (median, p95, len(queries))
            print(f"{what} {where}: {median:.1f} / {p95:.1f} ms, {len(queries)} queries",
                  flush=True)  # fmt: skip
            if p95 > TARGET_MS and not what.startswith(("baseline", BACKGROUND)):
                slow.append((what, where, p95, queries))
    root = units["city"]
    plans = {
        "baseline, reports of the day by level, the city": explain(
            LEVEL_COUNT, [day, root.path, successor(root.path)]),
        "baseline, arrivals per street, the city": explain(
            CHILD_SUM, [len(root.path) + SEGMENT_WIDTH, day, root.path, successor(root.path)]),
    }  # fmt: skip
    breakdown, seen = [], set()
    for what, where, p95, queries in slow:
        spent = sum(t for t, _sql in queries)
        top = "; ".join(f"{t:.0f} {tables(q)}" for t, q in queries[:6])
        breakdown.append([what, where, ms(p95), f"{spent:.0f}", top])
        # The plans of the queries that take a third of the target or more.
        for t, query in [x for x in queries if x[0] >= TARGET_MS / 3][:4]:
            if query not in seen:
                seen.add(query)
                plans[f"{what}, {where}: {tables(query)} ({t:.0f} ms)"] = (
                    query + "\n\n" + explain(query))  # fmt: skip
    return {"figures": figures, "plans": plans, "panels": panels is not None,
            "breakdown": breakdown}  # fmt: skip


def probe(port: int, path: str, cookie: str) -> str | None:
    """Why the page cannot be measured (not a 200 within two minutes), or None."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        status = conn.getresponse().status
    except TimeoutError:
        return "no answer in 120 s"
    finally:
        conn.close()
    return None if status == 200 else f"HTTP {status}"


def over_http(args: argparse.Namespace, units: dict[str, Any], day: datetime.date,
              commander: Any) -> list[list[str]]:  # fmt: skip
    """The two pages as the commander, --clients browsers with their own sessions."""
    from django.db import connection
    from django.test import Client

    cookies = []
    for _ in range(args.clients):
        browser = Client()
        browser.force_login(commander)
        cookies.append(f"sessionid={browser.cookies['sessionid'].value}")
    connection.close()
    pages = [("baseline: `/healthz` (`SELECT 1`)", "", "/healthz", [])]
    pages += [(f"`/{page}/<unit>/`", where, f"/{page}/{unit.pk}/?day={day}", cookies)
              for where, unit in units.items() for page in PAGES]  # fmt: skip
    # It collects static files and migrates first (slow on a busy machine); with its task
    # worker, as in service: kept counts are recounted there when they age (core.kept).
    env = environment(args.pg_url)
    server = start_server(args.port, args.workers, env, wait=600)
    rows = []
    try:
        for what, where, path, sent in pages:
            if broken := probe(args.port, path, sent[0] if sent else ""):
                print(what, where, broken, flush=True)
                rows.append([what, where, "1", "—", "—", "—", "—", broken, "**no**"])
                continue
            got = hammer(args.port, path, sent, args.requests, args.clients)
            print(what, where, got, flush=True)
            rows.append([what, where, f"{got['requests']:.0f}", f"{got['rate']:.1f}",
                         ms(got["median"]), ms(got["p95"]), ms(got["max"]),
                         f"{got['errors']:.0f}",
                         "yes" if got["p95"] <= TARGET_MS or not where else "**no**"])  # fmt: skip
        if args.age_seconds and (city := units.get("city")) is not None:
            rows.append(aging(args, city, day, cookies))
    finally:
        stop_server(server)
    return rows


def aging(args: argparse.Namespace, city: Any, day: datetime.date, cookies: list[str]) -> list[str]:
    """The city's dashboard for --age-seconds: its kept count ages past a minute again and
    again and is recounted by the task worker while the viewers read the copy they have."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    path = f"/dashboard/{city.pk}/?day={day}"
    rate = hammer(args.port, path, cookies, 40, args.clients)["rate"]
    requests = max(100, round(rate * args.age_seconds))
    before = DBTaskResult.objects.filter(task_path="fangkong.core.tasks.recount").count()
    connection.close()
    got = hammer(args.port, path, cookies, requests, args.clients)
    recounts = DBTaskResult.objects.filter(task_path="fangkong.core.tasks.recount").count()
    connection.close()
    print("aging", got, recounts - before, flush=True)
    seconds = got["requests"] / got["rate"]
    return [f"`/dashboard/<unit>/` for {seconds:.0f} s ({recounts - before} recounts in the "
            "background)", "city", f"{got['requests']:.0f}", f"{got['rate']:.1f}",
            ms(got["median"]), ms(got["p95"]), ms(got["max"]), f"{got['errors']:.0f}",
            "yes" if got["p95"] <= TARGET_MS else "**no**"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/fk_city")
    parser.add_argument("--reuse", action="store_true", help="keep a complete city if there")
    parser.add_argument("--scale", type=float, default=1.0, help="a share of every size")
    parser.add_argument("--keep-indexes", action="store_true",
                        help="load with every index in place (to compare)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--requests", type=int, default=60, help="HTTP requests per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--age-seconds", type=int, default=150,
                        help="then the city's dashboard this long (0: not)")  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not args.pg_url.startswith("postgres"):
        parser.error("this benchmark needs PostgreSQL")
    if args.requests > 2000 or args.clients > 16 or args.repeat > 500:
        parser.error("keep it bounded: 2000 requests a page, 16 clients, 500 repetitions")
    os.environ.clear()
    os.environ.update(environment(args.pg_url))
    import django

    django.setup()
    meta = city(args)

    from django.utils import timezone

    from fangkong.accounts.models import User
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_user
    from fangkong.orgunits.models import Level, OrgUnit
    from fangkong.reports.deadlines import deadline_at

    day = datetime.date.fromisoformat(meta["first_day"]) + datetime.timedelta(days=29)
    if timezone.now() <= deadline_at(Level.DISTRICT, day):
        day -= datetime.timedelta(days=1)  # the last day whose reports are all due
    root = OrgUnit.objects.get(depth=1)
    streets = OrgUnit.objects.filter(level=Level.STREET).order_by("path")
    street = streets[streets.count() // 2]
    community = OrgUnit.objects.filter(parent=street).order_by("path")[3]
    units = {"city": root, "street": street, "community": community}
    checked = verify(community, street, day)
    print(f"consistent: {checked}", flush=True)
    commander = User.objects.filter(username=COMMANDER).first() or make_user(
        COMMANDER, Role.COMMANDER, root, full_name="市指挥部"
    )
    result = measure(args, units, day)
    http = [] if args.no_http else over_http(args, units, day, commander)
    body = render(args, meta, day, units, checked, result, http)
    print(body)
    if not args.no_write:
        write_section(REPORT, "city_bench", body)
        print(f"wrote {REPORT}")


def render(args: argparse.Namespace, meta: dict[str, Any], day: datetime.date,
           units: dict[str, Any], checked: str, result: dict[str, Any],
           http: list[list[str]]) -> str:  # fmt: skip
    counts, timings = dict(meta["counts"]), dict(meta["timings"])
    command = shlex.join(["uv", "run", "python", "bench/city_bench.py", *sys.argv[1:]])
    figures = result["figures"]
    header = ["target", *[f"{w} median / p95 ms" for w in units], "queries (city)",
              f"city ≤ {TARGET_MS} ms p95"]  # fmt: skip
    rows = []
    for what in dict.fromkeys(w for w, _ in figures):
        cells = [f"{ms(figures[(what, w)][0])} / {ms(figures[(what, w)][1])}"
                 if (what, w) in figures else "—" for w in units]  # fmt: skip
        city_p95 = figures.get((what, "city"), (0, 0, 0))[1]
        rows.append([what, *cells, str(figures.get((what, "city"), (0, 0, "—"))[2]),
                     "—" if what.startswith(("baseline", BACKGROUND)) else
                     "yes" if city_p95 <= TARGET_MS else "**no**"])  # fmt: skip
    if not result["panels"]:
        rows.append(["dashboard `panels(unit, day)`", *["not measured"] * len(units), "—",
                     "the dashboard app was not there"])  # fmt: skip
    steps = "; ".join(
        f"{name} {counts[name]:,} rows in {seconds:.0f} s" if name in counts
        else f"{name} {seconds:.0f} s" for name, seconds in timings.items() if name != "total"
    )  # fmt: skip
    where = ", ".join(f"{w}: {u.name} ({u.level}, path {u.path})" for w, u in units.items())
    how = (
        "loaded with every index in place"
        if meta["keep_indexes"]
        else "the big tables' "
        "secondary indexes and unique constraints dropped for the load and built after it"
    )
    parts = [
        f"## Daily reports and the command dashboard on a city, {counts['orgunits_orgunit']:,} "
        f"units, {counts['people_person']:,} persons (PostgreSQL)",
        "",
        f"`{command}` — {datetime.date.today():%Y-%m-%d}; {machine(args.pg_url)}. Set "
        "each figure against the baselines of its own run: on a busy machine (the load "
        "average) figures have moved by up to 2× between runs.",
        "",
        f"The city (bench/city_data.py, database `{args.pg_url.rsplit('/', 1)[1]}`, {how}): "
        f"generated in {timings['total'] / 60:.1f} min: {steps}.",
        "",
        f"Day measured: {day} (the last of the 30 days whose deadlines have passed); {where}. "
        f"Checked before measuring: the generated totals equal `reports.totals.computed_rows` "
        f"and the units' reports equal `reports.services.report_prefill` ({checked}).",
        "",
        f"In process: median and p95 of {args.repeat} calls after 3 warm-up calls; the "
        "baselines are plain indexed `GROUP BY` queries over the same day's reports of the "
        "same subtree (SQL and plans below), measured in the same run.",
        "",
        table(header, rows),
    ]
    if http:
        parts += [
            "",
            f"Over HTTP: `fangkong serve` ({args.workers} granian workers), {args.clients} "
            f"client threads with keep-alive on the same machine, each with its own session "
            f"of the commander at the city; {args.requests} requests a page after a warm-up "
            f"round. With {args.clients} clients on {args.workers} workers a request waits for "
            f"about {args.clients / args.workers - 1:.0f} other: req/s × latency ≈ clients.",
            "",
            table(HTTP_HEADER, http),
        ]
    if result["breakdown"]:
        parts += [
            "",
            f"Above {TARGET_MS} ms p95, one call's queries (ms, what each reads; the slowest "
            "first):",
            "",
            table(SLOW_HEADER, result["breakdown"]),
        ]
    parts += ["", "What follows:", "", *follows(figures, http), "", LOADING]
    parts += ["", "Plans (EXPLAIN ANALYZE, BUFFERS) of the baselines and of those queries:", ""]
    parts += [f"{what}:\n\n```\n{plan}\n```\n" for what, plan in result["plans"].items()]
    return "\n".join(parts)


LOADING = (
    "Loading: with every index in place (`--keep-indexes`) instead, 1,000,000 persons took "
    "86 s against 23 s plus 30 s for all the big tables' indexes built afterwards (at "
    "`--scale 0.1`, 2026-11-30, the machine as busy as above), so the generator drops them "
    "for the load."
)


# Why each selector costs what it costs at the city (see the plans the run records).
CAUSES = {
    "`completeness": ("`completeness`", "walks the units of each level that have not "
    "reported, in the tree's order, up to the page's limit"),
    "`by_child": ("`by_child`", "reads each child's totals kept on write and the units per "
    "level below each child"),
    "`rollup(unit, day)`": ("`rollup` counted afresh", "counts the whole city's line lists "
    "twelve times (the overdue hand-offs: a sequential scan of every row)"),
}  # fmt: skip


def follows(figures: dict[tuple[str, str], tuple[float, float, int]],
            http: list[list[str]]) -> list[str]:  # fmt: skip
    def p95(start: str, where: str = "city") -> float:
        found = [v[1] for (w, u), v in figures.items() if w.startswith(start) and u == where]
        return found[0] if found else float("nan")

    base = max(p95("baseline: reports"), p95("baseline: one"))
    views = [(w, u, v[1]) for (w, u), v in figures.items() if w.startswith(("`", "dashboard"))]
    worst = max(views, key=lambda x: x[2]) if views else ("", "", float("nan"))
    pages = [r for r in http if r[1] and r[5] != "—"]
    page_worst = max(pages, key=lambda r: float(r[5])) if pages else None
    near = [f"{name} ({ms(p95(key))} ms p95) {why}" for key, (name, why) in CAUSES.items()
            if p95(key) > 0.8 * TARGET_MS]  # fmt: skip
    out = [
        f"- Every selector a page calls stays under {TARGET_MS} ms p95 at every level; the "
        f"slowest is {worst[0]} at the {worst[1]} ({ms(worst[2])} ms). The baselines, plain "
        f"indexed `GROUP BY` queries over one day's reports of the city, take up to "
        f"{ms(base)} ms: the pages read the totals kept on write instead (reports.totals: "
        f"`rollup(line_lists=False)` {ms(p95('`rollup(unit, day, line'))} ms, `series` over "
        f"30 days {ms(p95('`series'))} ms).",
    ]
    if page_worst is not None:
        out.append(
            f"- Over HTTP the slowest page is {page_worst[0]} at the {page_worst[1]}: "
            f"{page_worst[5]} ms p95 with {page_worst[4]} ms median, four viewers at once on "
            "two workers that share the two cores with PostgreSQL."
        )
    out += [
        "- The dashboard's line-list figures at the city take "
        f"{ms(p95(BACKGROUND))} ms p95 to count (the background row): a grouped scan of "
        "every line list and the per-grid tallies joined with the 100,000 units. A count "
        "that took over 50 ms is kept in a cache that every worker shares (the database: "
        "core.kept). A viewer reads the copy; when it is over a minute old the viewer still "
        "reads it, and the task worker counts it again behind them, once; only a copy over "
        "15 minutes old (no worker running) is counted in the request. The page says when "
        "its figures were counted. The long row shows viewers reading the city's dashboard "
        "while its count ages and is recounted several times.",
        "- The completeness page: the list of whom to call is 50 units a page (the next "
        "ones a tap away), walked level by level, nearest first, down the (level, path) "
        "index with the anti-join stopping at the page's end, planned without parallel "
        "workers (they ran past the limit: 25 ms against 2.6 ms, core.planner); the units "
        "per level below each child are counted once per process while the tree stands "
        "(core.stamps); the line lists it sets against the reports are kept as the "
        "dashboard's are; and of a city's hundred streets the twenty with the most missing "
        "are shown first, the whole list a tap away.",
    ]
    if near:
        out.append("- Within a fifth of the target or above it, in process: " + "; ".join(near)
                   + ".")  # fmt: skip
    broken = [f"{r[0]} ({r[1]}): {r[7]}" for r in http if r[3] == "—"]
    if broken:
        out.append("- Not measured over HTTP: " + "; ".join(broken) + ".")
    return out


if __name__ == "__main__":
    main()
