"""Checkpoint uploads under load: passages per second and latency at rising concurrency.

Run by hand, never in CI (about five minutes; writes docs/performance.md):

    uv run python bench/passages_bench.py
    uv run python bench/passages_bench.py --seconds 5 --clients 8,32 --no-write

Against `fangkong serve` (granian, one worker per core) on a fresh PostgreSQL database,
wrk on the same machine posts to /api/checkpoints/passages as a checkpoint device with
an API key: batches of --batches passages, 1-4 travellers each (every 50th passage with
a fever), all bound for a grid of the district (each traveller a new hand-off) from an
affected area (each judged by the risk rule, with alerts). The baseline, in the same
run and on the same server: a bare JSON endpoint that inserts one row.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import subprocess
import sys
import time
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
    return {"checkpoint": str(checkpoint.pk), "grid": grid.code, "key": key}


def count(url: str, table_name: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table_name}").fetchone()[0])  # type: ignore[index]


RUNS = iter(range(1, 1_000_000))


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
    parser.add_argument("--batches", default="1,4,10,50")
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
    rows = []
    results: dict[tuple[str, int, int], dict[str, float]] = {}
    try:
        clients = [int(c) for c in args.clients.split(",")]
        # Warm every worker thread's connection first.
        wrk(port, max(clients), 2, ["1", ids["checkpoint"], ids["grid"], ids["key"], "bare"])
        wrk(port, max(clients), 2, ["1", ids["checkpoint"], ids["grid"], ids["key"], "api"])
        for c in clients:
            before = count(args.pg_url, "bench_bare")
            r = wrk(
                port, c, args.seconds, ["1", ids["checkpoint"], ids["grid"], ids["key"], "bare"]
            )
            r["stored"] = count(args.pg_url, "bench_bare") - before
            results[("bare", 1, c)] = r
            for batch in (int(b) for b in args.batches.split(",")):
                before = count(args.pg_url, "checkpoints_passage")
                api = [str(batch), ids["checkpoint"], ids["grid"], ids["key"], "api"]
                r = wrk(port, c, args.seconds, api)
                r["stored"] = count(args.pg_url, "checkpoints_passage") - before
                results[("api", batch, c)] = r
                time.sleep(1)
    finally:
        stop_server(server)
    for (kind, batch, c), r in results.items():
        rate = r["requests"] / r["seconds"]
        per_second = rate * batch if kind == "api" else rate
        bare = results[("bare", 1, c)]
        bare_rate = bare["requests"] / bare["seconds"]
        label = "bare endpoint, one row" if kind == "bare" else f"passages, {batch} a request"
        lost = r["requests"] * batch - r["stored"]
        rows.append([
            label, str(c), f"{rate:,.0f}", f"{per_second:,.0f}",
            f"{r['p50']:.1f}", f"{r['p99']:.1f}",
            "—" if kind == "bare" else f"{100 * per_second / bare_rate:.0f} %",
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
        "inserts one row, on the same server. *vs bare*: passages per second over the bare",
        "endpoint's requests per second at the same concurrency. *errors / lost*: non-2xx or",
        "socket errors, and passages sent but not stored (neither may be above 0; below 0,",
        "requests still in flight when wrk stopped counting were stored too).",
        "",
        table(HEADER, rows),
    ])  # fmt: skip
    print(body)
    if not args.no_write:
        write_section(REPORT, "passages_bench", body)


if __name__ == "__main__":
    main()
