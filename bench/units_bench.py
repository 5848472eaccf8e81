"""The org-unit tree at 100,000 units: subtree filters, scoped lists, pages over HTTP.

Run by hand, never in CI (it takes a minute or two and writes docs/performance.md):

    uv run python bench/units_bench.py
    uv run python bench/units_bench.py --database-url postgres://postgres@127.0.0.1/fangkong_bench

SQLite goes to a fresh file in /tmp; a PostgreSQL database is dropped and created
here (and dropped again at the end unless --keep). The tree is the demo district
with 100 communities per street and 100 grids per community. Each figure is the
median (and p95) of --repeat runs, next to a baseline measured in the same run.
HTTP requests go to `fangkong serve` on 127.0.0.1 only, a bounded number of them.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import math
import os
import platform
import shlex
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
REPORT_HEAD = """# Performance

Benchmarks live in `bench/` and are run by hand, never by the test suite. Each section below
was written by the benchmark it names, with the command that produced it and the machine it ran
on; figures are medians and 95th percentiles of repeated runs, next to a baseline measured in
the same run. Re-run a benchmark to refresh its section; other sections are left alone.
"""


# --- measuring ---------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 3) -> tuple[float, float]:
    """(median, p95) in milliseconds of ``repeat`` calls, after a few warm-up calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --- the database ------------------------------------------------------------------


def prepare_database(url: str) -> None:
    """An empty database at ``url``: a deleted SQLite file, a re-created PostgreSQL database."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(parsed.path[1:] if parsed.path.startswith("//") else parsed.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres", scheme="postgresql").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        prepare_database(url)
        return
    import psycopg

    admin = parsed._replace(path="/postgres", scheme="postgresql").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def postgres_version(url: str | None) -> str:
    import psycopg

    target = url or "postgresql://postgres@127.0.0.1/postgres"
    try:
        with psycopg.connect(target, connect_timeout=2) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return f"PostgreSQL {row[0].split()[0]}" if row else "PostgreSQL ?"
    except Exception:
        return "PostgreSQL not reachable"


def machine(url: str) -> str:
    import django
    import granian

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = " (" + line.split(":", 1)[1].strip() + ")"
                break
    except OSError:
        pass
    pg = postgres_version(url if url.startswith("postgres") else None)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"load average {load} when written; "
        f"{len(os.sched_getaffinity(0))} cores{model}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, Django {django.__version__}, "
        f"SQLite {sqlite3.sqlite_version}, {pg}, granian {granian.__version__}"
    )


# --- HTTP against `fangkong serve` -------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    port: int, workers: int, env: dict[str, str], extra: tuple[str, ...] = (), wait: float = 90
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "fangkong.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers), *extra]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
        start_new_session=True,  # its own process group: stopped with its task worker
    )  # fmt: skip
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"the server did not answer within {wait:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and the task worker it started (one process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def hammer(
    port: int, path: str, cookies: list[str], requests: int, clients: int
) -> dict[str, float]:
    """``requests`` GETs of ``path`` from ``clients`` threads with keep-alive connections.

    Each thread is its own browser: it sends its own session cookie (if any), so that
    no two threads wait on the same session row.
    """
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(count: int, cookie: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        for _ in range(count):
            start = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    def run(counts: list[int]) -> float:
        threads = [
            threading.Thread(target=client, args=(n, cookies[i % len(cookies)] if cookies else ""))
            for i, n in enumerate(counts)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    # A round at full concurrency first, so that every server thread has its database
    # connection (and PostgreSQL's pool its connections) before the clock runs.
    run([10] * clients)
    latencies.clear()
    errors[0] = 0
    wall = run(share)
    return {
        "requests": len(latencies),
        "rate": len(latencies) / wall,
        "median": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies),
        "errors": errors[0],
    }


# --- the benchmark -----------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/fangkong_bench.sqlite3")
    parser.add_argument("--streets", type=int, default=10)
    parser.add_argument("--communities", type=int, default=100, help="per street")
    parser.add_argument("--grids", type=int, default=100, help="per community")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--requests", type=int, default=400, help="HTTP requests per URL")
    parser.add_argument("--clients", type=int, default=4, help="HTTP client threads")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-orm-load", action="store_true", help="skip the bulk_create load")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--output", type=Path, default=REPORT)
    args = parser.parse_args()
    if args.requests > 5000 or args.clients > 32:
        parser.error("keep it bounded: at most 5000 requests per URL and 32 clients")

    var = Path("/tmp/fangkong_bench_var")
    env = {
        **os.environ,
        "FANGKONG_DEMO": "1",
        "FANGKONG_DEBUG": "0",
        "FANGKONG_VAR_DIR": str(var),
        "FANGKONG_DATABASE_URL": args.database_url,
        "FANGKONG_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "FANGKONG_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
    }
    env.pop("FANGKONG_TESTING", None)
    os.environ.clear()
    os.environ.update(env)
    prepare_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from fangkong.accounts.models import User
    from fangkong.core import demo
    from fangkong.core.paths import subtree_q
    from fangkong.orgunits.models import Level, OrgUnit

    vendor = connection.vendor
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[vendor]
    print(f"{label}: {args.database_url}")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    spec = demo.DemoSpec(
        streets=args.streets,
        communities_per_street=args.communities,
        grids_per_community=args.grids,
    )
    sections: list[str] = []

    # (d) Generating the tree.
    loads: list[list[str]] = []
    if not args.skip_orm_load:
        with transaction.atomic():
            result = demo.load_demo(spec, method="orm")
            transaction.set_rollback(True)
        units = len(result.plan.units)
        loads.append(
            ["Django `bulk_create`, level by level", f"{units:,}", f"{result.timings['units']:.1f}",
             f"{units / result.timings['units']:,.0f}"]
        )  # fmt: skip
        print(f"orm load {result.timings}")
    result = demo.load_demo(spec, method="fast")
    units = len(result.plan.units)
    loads.insert(
        0,
        ["plain SQL: " + ("`COPY`" if vendor == "postgresql" else "`executemany`")
         + " (what `fangkong demo` uses)", f"{units:,}", f"{result.timings['units']:.1f}",
         f"{units / result.timings['units']:,.0f}"],
    )  # fmt: skip
    print(f"fast load {result.timings}, total {result.seconds:.1f} s")
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # What autovacuum does shortly after a load this size (PostgreSQL 13+ vacuums
            # after inserts too): statistics, and a visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE")
        else:
            # What closing the loading process does: fold the write-ahead log into the file.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sections.append(
        "### Generating the tree\n\n"
        f"`load_demo` with {args.streets} streets × {args.communities} communities × "
        f"{args.grids} grids; planning the tree in memory took {result.timings['plan']:.1f} s "
        f"and the users {result.timings['users']:.2f} s on top of the units.\n\n"
        + table(["method", "units", "seconds", "units/s"], loads)
    )

    street = OrgUnit.objects.filter(level=Level.STREET).order_by("path").first()
    community = OrgUnit.objects.filter(parent=street).order_by("path").first()
    assert street is not None and community is not None

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    # (a) Subtree counts.
    base = timed(baseline, args.repeat)
    rows = [["baseline: `SELECT 1`", "1", ms(base[0]), ms(base[1])]]
    for what, unit in (("street", street), ("community", community)):
        for how, q in (
            ("range `path >= p AND path < p'` (subtree_q)", subtree_q("path", unit.path)),
            ("`path LIKE 'p%'` (path__startswith)", None),
        ):
            queryset = (
                OrgUnit.objects.filter(q)
                if q is not None
                else OrgUnit.objects.filter(path__startswith=unit.path)
            )
            count = queryset.count()
            median, p95 = timed(queryset.count, args.repeat)
            rows.append([f"{what}: {how}", f"{count:,}", ms(median), ms(p95)])
    plans = []
    for how, queryset in (
        ("range", OrgUnit.objects.filter(subtree_q("path", street.path))),
        ("LIKE", OrgUnit.objects.filter(path__startswith=street.path)),
    ):
        plan = queryset.order_by().values("id").explain().replace("\n", " ")
        plans.append(f"- {how}: `{plan}`")
    sections.append(
        "### (a) Counting a subtree\n\n"
        "`OrgUnit.objects.filter(...).count()` for the first street and its first community.\n\n"
        + table(["query", "rows", "median ms", "p95 ms"], rows)
        + "\n\nQuery plans for the street:\n\n"
        + "\n".join(plans)
    )

    # (b) The scoped list, first page.
    rows = [["baseline: `SELECT 1`", "", ms(base[0]), ms(base[1]), "", ""]]
    for username, who in (("street", "street officer"), ("admin", "district administrator")):
        user = User.objects.get(username=username)

        def first_page(user: User = user) -> None:
            # A fresh user object per call, as per request: the grants query is part of it.
            fresh = User(pk=user.pk, is_active=True, username=user.username)
            list(OrgUnit.objects.visible_to(fresh).order_by("path")[:50])

        def count_all(user: User = user) -> None:
            fresh = User(pk=user.pk, is_active=True, username=user.username)
            OrgUnit.objects.visible_to(fresh).count()

        visible = OrgUnit.objects.visible_to(user).count()
        page = timed(first_page, args.repeat)
        total = timed(count_all, args.repeat)
        rows.append([who, f"{visible:,}", ms(page[0]), ms(page[1]), ms(total[0]), ms(total[1])])
    header = [
        "actor", "visible units", "page median ms", "page p95 ms", "count median ms",
        "count p95 ms",
    ]  # fmt: skip
    sections.append(
        "### (b) Scoped list: `OrgUnit.objects.visible_to(user)`\n\n"
        "First page (50 rows by path) and the count a paginator adds; each call loads the "
        "user's grants afresh, as a request does.\n\n" + table(header, rows)
    )

    # (c) Pages and the API.
    officer = User.objects.get(username="street")
    client = Client()
    client.force_login(officer)
    anonymous = Client()
    # (what, URL, with the officer's session cookie)
    urls = [
        ("baseline: `/healthz` (`SELECT 1`), no session", "/healthz", False),
        ("`/healthz` with the session cookie (session read and saved)", "/healthz", True),
        ("one unit `/api/units/<street>`", f"/api/units/{street.pk}", True),
        ("street page `/units/<street>/`", f"/units/{street.pk}/", True),
        ("API children `/api/units/?parent=<street>`", f"/api/units/?parent={street.pk}", True),
        ("user list `/users/`", "/users/", True),
    ]
    rows = []
    for what, url, logged_in in urls:
        browser = client if logged_in else anonymous
        status = browser.get(url).status_code
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")

        def fetch(url: str = url, browser: Client = browser) -> None:
            browser.get(url)

        median, p95 = timed(fetch, args.repeat)
        rows.append([what, ms(median), ms(p95)])
    sections.append(
        "### (c) Pages and API in process (Django test client, logged in as the street officer)"
        "\n\n" + table(["URL", "median ms", "p95 ms"], rows)
    )

    if not args.no_http:
        cookies = []
        for _ in range(args.clients):
            browser = Client()
            browser.force_login(officer)
            cookies.append(f"sessionid={browser.cookies['sessionid'].value}")
        connection.close()
        wal = Path(f"{connection.settings_dict['NAME']}-wal")
        if vendor == "sqlite":
            print(f"WAL before HTTP: {wal.stat().st_size if wal.exists() else 0:,} bytes")
        port = free_port()
        server = start_server(port, args.workers, env)
        rows = []
        try:
            for what, url, logged_in in urls:
                sent = cookies if logged_in else []
                figures = hammer(port, url, sent, args.requests, args.clients)
                print(what, figures)
                rows.append(
                    [what, f"{figures['requests']:.0f}", f"{figures['rate']:.0f}",
                     ms(figures["median"]), ms(figures["p95"]), f"{figures['errors']:.0f}"]
                )  # fmt: skip
        finally:
            stop_server(server)
        sections.append(
            f"### (c) Pages and API over HTTP (`fangkong serve`, {args.workers} granian workers; "
            f"{args.clients} client threads with keep-alive on the same machine, each with its "
            "own session)\n\n"
            + table(["URL", "requests", "req/s", "median ms", "p95 ms", "errors"], rows)
            + "\n\nWith `SESSION_SAVE_EVERY_REQUEST` every request that carries a session "
            "cookie also writes the session row (compare the two `/healthz` rows)."
        )

    command = "uv run python bench/units_bench.py" + (
        "" if len(sys.argv) == 1 else " " + shlex.join(sys.argv[1:])
    )
    body = (
        f"## Org-unit tree, {units:,} units — {label}\n\n"
        f"`{command}` · {datetime.date.today():%Y-%m-%d} · {machine(args.database_url)}\n\n"
        + "\n\n".join(sections)
    )
    write_section(args.output, f"units_bench:{vendor}", body)
    print(f"wrote {args.output}")
    connection.close()
    if vendor == "postgresql" and not args.keep:
        drop_database(args.database_url)  # WITH (FORCE): the pool's idle connections go too


def write_section(path: Path, key: str, body: str) -> None:
    """Replace this benchmark's section of the report (or add it), leaving the others."""
    start, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text() if path.exists() else REPORT_HEAD
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


if __name__ == "__main__":
    main()
