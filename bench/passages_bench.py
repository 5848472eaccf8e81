"""Checkpoint uploads under load: passages per second and latency at rising concurrency.

Run by hand, never in CI (about ten minutes; writes docs/performance.md):

    uv run python bench/passages_bench.py
    uv run python bench/passages_bench.py --seconds 5 --clients 8,32 --no-write

Against `fangkong serve` (granian, one worker per core) on a fresh PostgreSQL database,
wrk on the same machine posts to /api/checkpoints/passages as a checkpoint device with
an API key: batches of --batches passages, 1-4 travellers each (every 50th passage with
a fever), all bound for a grid of the district (each traveller a new hand-off) from an
affected area (each judged by the risk rule, with alerts). The baseline, in the same
run and on the same server: a bare JSON endpoint that inserts one row. The floor, in the
same run, on a second granian with the same workers and threads: passages/floor_app.py,
which writes the rows of the same uploads with the same statements and the same group
commit, and does nothing else.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from units_bench import (  # noqa: E402
    REPORT,
    free_port,
    machine,
    prepare_database,
    start_server,
    stop_server,
    table,
    write_section,
)

LUA = HERE / "passages" / "load.lua"
HEADER = ["endpoint", "clients", "requests/s", "passages (rows)/s", "p50 ms", "p99 ms",
          "vs bare", "errors / lost"]  # fmt: skip


def prepare(url: str) -> dict[str, str]:
    """The database: the tree, a checkpoint, its officer's API key, an affected area."""
    os.environ["FANGKONG_DATABASE_URL"] = url
    os.environ.setdefault("FANGKONG_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "passages.site_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from people_import_bench import build_tree

    from fangkong.accounts.tokens import token_create
    from fangkong.checkpoints import services
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_user
    from fangkong.orgunits.models import Level, OrgUnit
    from fangkong.people.models import RiskArea

    district, actor = build_tree()
    street = OrgUnit.objects.filter(level=Level.STREET).order_by("path").first()
    grid = OrgUnit.objects.filter(level=Level.GRID).order_by("path").first()
    assert street is not None and grid is not None
    checkpoint = services.checkpoint_create(
        actor=actor, unit=street, name="济青高速历下收费站", kind="highway"
    )
    officer = make_user("bench-checkpoint", Role.CHECKPOINT, street)
    _token, key = token_create(user=officer, name="bench")
    RiskArea.objects.create(
        unit=district, org_path=district.path, division_code="420000", name="湖北省",
        level="high", valid_from=timezone.localdate() - datetime.timedelta(days=30),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare (id bigserial PRIMARY KEY, body text)")
    connection.close()
    floor = {
        "checkpoint_id": checkpoint.pk, "unit_id": street.pk, "path": checkpoint.org_path,
        "grid_id": grid.pk, "grid_path": grid.path, "officer_id": officer.pk,
    }  # fmt: skip
    return {"checkpoint": str(checkpoint.pk), "grid": grid.code, "key": key,
            "floor": json.dumps(floor)}  # fmt: skip


def start_floor(
    port: int, workers: int, threads: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """The floor (passages/floor_app.py) on granian, as ``serve`` runs fangkong."""
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--port", str(port),
               "--workers", str(workers), "--blocking-threads", str(threads),
               "passages.floor_app:application"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=HERE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the floor stopped: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("the floor did not answer within 60 s")


def count(url: str, table_name: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table_name}").fetchone()[0])  # type: ignore[index]


RUNS = iter(range(1, 1_000_000))
SERVE_THREADS = 8  # serve's default threads a worker
LABELS = {
    "bare": "bare endpoint, one row",
    "api": "passages, {batch} a request",
    "floor": "floor: the same rows, bare WSGI, {batch} a request",
}
if os.environ.get("FLOOR_LEAN") == "1":  # see passages/floor_app.py
    LABELS["floor"] = "floor, one alert a passage and one audit entry an upload, {batch} a request"


def _order(entry: tuple[tuple[str, int, int], dict[str, float]]) -> tuple[int, int, int]:
    (kind, batch, c), _r = entry
    return c, batch if kind != "bare" else 0, list(LABELS).index(kind)


def _bare_row(clients: int, runs: list[dict[str, float]]) -> list[str]:
    """The bare endpoint's runs at one concurrency, as one row: medians, and the range."""
    rates = sorted(r["requests"] / r["seconds"] for r in runs)
    lost = sum(r["requests"] - r["stored"] for r in runs)
    return [
        f"{LABELS['bare']} ({len(runs)} runs: median, range)", str(clients),
        f"{statistics.median(rates):,.0f} ({rates[0]:,.0f}-{rates[-1]:,.0f})",
        f"{statistics.median(rates):,.0f}", f"{statistics.median(r['p50'] for r in runs):.1f}",
        f"{statistics.median(r['p99'] for r in runs):.1f}", "—",
        f"{int(sum(r['bad'] + r['errors'] for r in runs))} / {int(lost)}",
    ]  # fmt: skip


def wrk(port: int, clients: int, seconds: int, args: list[str]) -> dict[str, float]:
    """One wrk run; every run's client ids are its own."""
    args = [*args, f"r{next(RUNS)}"]
    threads = min(2, clients)
    target = f"http://127.0.0.1:{port}/"
    command = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s",
               "--timeout", "10s", "-s", str(LUA), target, "--", *args]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    requests, micros, bad_status, p50, p99, socket_errors, timeouts = line.split()[1:]
    return {
        "requests": int(requests), "seconds": int(micros) / 1e6, "bad": int(bad_status),
        "p50": float(p50), "p99": float(p99), "errors": int(socket_errors) + int(timeouts),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/fangkong_passages_bench"
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", default="1,8,32,64")
    parser.add_argument("--batches", default="1,2,4,10,50")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="per worker (0: serve's default)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    prepare_database(args.pg_url)
    ids = prepare(args.pg_url)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    extra = ("--threads", str(args.threads)) if args.threads else ()
    server = start_server(port, args.workers, env, extra)
    floor_port = free_port()
    floor = start_floor(
        floor_port, args.workers, args.threads or SERVE_THREADS, {**env, "FLOOR_IDS": ids["floor"]}
    )  # fmt: skip
    results: dict[tuple[str, int, int], dict[str, float]] = {}
    try:
        clients = [int(c) for c in args.clients.split(",")]

        def run(kind: str, batch: int, c: int, seconds: int) -> dict[str, float]:
            on = floor_port if kind == "floor" else port
            mode = "bare" if kind == "bare" else "api"
            table_name = "bench_bare" if kind == "bare" else "checkpoints_passage"
            before = count(args.pg_url, table_name)
            load = [str(batch), ids["checkpoint"], ids["grid"], ids["key"], mode]
            r = wrk(on, c, seconds, load)
            r["stored"] = count(args.pg_url, table_name) - before
            return r

        for kind in ("bare", "api", "floor"):  # every worker thread's connection, first
            run(kind, 1, max(clients), 2)
        for c in clients:
            for batch in (int(b) for b in args.batches.split(",")):
                # The baseline again before each pair: the machine's speed drifts within
                # minutes, and each row is compared with the bare run just before it.
                results[("bare", batch, c)] = run("bare", 1, c, args.seconds)
                for kind in ("api", "floor"):
                    results[(kind, batch, c)] = run(kind, batch, c, args.seconds)
                    time.sleep(1)
    finally:
        stop_server(server)
        stop_server(floor)
    rows = []
    for c in sorted({n for _kind, _batch, n in results}):
        rows.append(_bare_row(c, [r for (k, _b, n), r in results.items() if (k, n) == ("bare", c)]))
        for (kind, batch, n), r in sorted(results.items(), key=_order):
            if n != c or kind == "bare":
                continue
            rate = r["requests"] / r["seconds"]
            per_second = rate * batch
            bare = results[("bare", batch, c)]
            bare_rate = bare["requests"] / bare["seconds"]
            lost = r["requests"] * batch - r["stored"]
            rows.append([
                LABELS[kind].format(batch=batch), str(c), f"{rate:,.0f}", f"{per_second:,.0f}",
                f"{r['p50']:.1f}", f"{r['p99']:.1f}",
                f"{100 * per_second / bare_rate:.0f} % of {bare_rate:,.0f}",
                f"{int(r['bad'] + r['errors'])} / {int(lost)}",
            ])  # fmt: skip
    command = (
        "uv run python bench/passages_bench.py"
        + ("" if args.seconds == 10 else f" --seconds {args.seconds}")
        + (f" --threads {args.threads}" if args.threads else "")
    )
    body = "\n".join([
        "## Checkpoint uploads under load (PostgreSQL)",
        "",
        f"`{shlex.join(command.split())}` — {datetime.date.today():%Y-%m-%d}; {machine(args.pg_url)}.",  # noqa: E501
        "",
        f"wrk on the same machine, {args.seconds} s a row, against `fangkong serve` ({args.workers} granian",  # noqa: E501
        f"workers, {args.threads or 'the default'} threads each) on PostgreSQL.",
        "*Passages*: POST /api/checkpoints/passages with an API key,",
        "1-4 travellers a passage (each a new hand-off, judged by the risk rule against an",
        "affected area; one passage in 50 with a fever); *bare endpoint*: a JSON POST that",
        "inserts one row, on the same server, run again before each pair of rows. *vs bare*:",
        "passages per second over the requests per second of the bare run just before the",
        "row, at the same concurrency (the machine's speed drifts within minutes; the bare",
        "endpoint's row gives the median and range of its runs). *errors / lost*: non-2xx or",
        "socket errors, and passages sent but not stored (neither may be above 0; below 0,",
        "requests still in flight when wrk stopped counting were stored too).",
        "*Floor*: `bench/passages/floor_app.py` on granian with the same workers and threads,",
        "taking the same requests: no Django, no checks, no API key; it writes the rows the",
        "upload writes, with the same statements, the uploads that wait together in one",
        "transaction (core.groupcommit) as the real path does. The real path costs above it",
        "what Django, ninja and the checks cost.",
        "",
        table(HEADER, rows),
    ])  # fmt: skip
    print(body)
    if not args.no_write:
        write_section(REPORT, "passages_bench", body)


if __name__ == "__main__":
    main()
