"""The deadline burst and checkpoint peak traffic together, on PostgreSQL.

Run by hand, never in CI (about 13 minutes; writes docs/performance.md):

    uv run python bench/deadline_load_bench.py
    uv run python bench/deadline_load_bench.py --minutes 1 --units 100 --clients 8 --no-write

Against `fangkong serve` (granian, one worker per core) on a fresh PostgreSQL database:
a district of about --units reporting units (the tree of bench/people_import_bench.py,
sized to fit) with one officer account each, and the checkpoint of
bench/passages_bench.py. For --minutes minutes, wrk posts passages (1-4 travellers
each) to /api/checkpoints/passages at a fixed concurrency without a pause while, at the
start of every minute k, every unit submits its daily report of day today - k through the
daily report page (the real form, as a logged-in officer with the session cookie and the
CSRF token of the page it had open), spread at random over the first --spread seconds,
by a pool of --clients threads; each submission follows the redirect to the page that
confirms it, as the browser does. Half the units send figures, half the zero report.

Before the run every officer has a session (made as Django's test client logs in: no
password is checked, an Argon2 check costs ~0.9 s here) and has opened its report page
once over HTTP (CSRF cookie and token), so that the burst measures submissions, not logins.
The baseline, in the same run and on the same server: the bare one-row endpoint of
bench/passages_bench.py and the checkpoint API alone, --baseline-seconds each.
Afterwards the database is checked: every report sent is stored exactly once with what
was sent, the report totals agree with the reports (reports.totals.differences, what
`fangkong recount --check` runs), and every passage wrk counted is stored.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import os
import random
import re
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import passages_bench  # noqa: E402
import people_import_bench  # noqa: E402
from units_bench import (  # noqa: E402
    REPORT,
    free_port,
    machine,
    percentile,
    prepare_database,
    start_server,
    stop_server,
    table,
    write_section,
)

LUA = HERE / "deadline_load.lua"  # passages/load.lua, with p95 and the worst latency
SERVER_LOG = Path("/tmp/fangkong_deadline_bench_server.log")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
T = TypeVar("T")


# --- the district and its officers ----------------------------------------------------


@dataclass
class Officer:
    """One unit's officer in a browser of their own: session cookie, CSRF cookie and token."""

    unit: int
    code: str
    typed: list[str]
    zero: bool  # sends the zero report (else figures)
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def figures(self, minute: int) -> dict[str, int]:
        return {code: (self.unit * 7 + minute * 3 + n) % 50 for n, code in enumerate(self.typed)}


def shape(units: int) -> tuple[int, int, int]:
    """Streets, communities a street, grids a community: about ``units`` units in all."""
    side = max(1, min(10, round(units ** (1 / 3))))
    grids = max(1, round((units - 1 - side - side * side) / (side * side)))
    return side, side, grids


def prepare(url: str, units: int) -> tuple[dict[str, str], list[Officer]]:
    """passages_bench's database (tree, checkpoint, API key, affected area, bare table), with
    the tree sized to ``units``, and an officer with a session for every reporting unit."""
    people_import_bench.GRIDS = shape(units)
    ids = passages_bench.prepare(url)
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from fangkong.accounts.models import Assignment, User
    from fangkong.core.roles import Role
    from fangkong.orgunits.models import Level, OrgUnit
    from fangkong.reports import services
    from fangkong.reports.deadlines import REPORTING_LEVELS

    reporting = list(OrgUnit.objects.filter(level__in=REPORTING_LEVELS).order_by("path"))
    # One password hash for all: hashing a thousand with Argon2 would take a quarter hour.
    password = make_password("bench-officer-password")
    users = User.objects.bulk_create(
        [User(username=f"officer-{u.code}", full_name=f"{u.name}干部", password=password)
         for u in reporting]
    )  # fmt: skip
    Assignment.objects.bulk_create(
        [Assignment(user=user, unit=u, org_path=u.path,
                    role=Role.GRID_WORKER if u.level == Level.GRID else Role.UNIT_OFFICER)
         for user, u in zip(users, reporting, strict=True)]
    )  # fmt: skip
    # The units above the grid the passages go to see arrivals on the passages' day: they
    # send figures (a zero report there is refused for a day with arrivals, by rule).
    grid_path = OrgUnit.objects.get(code=ids["grid"]).path
    officers = []
    for n, (user, unit) in enumerate(zip(users, reporting, strict=True)):
        client = Client()
        client.force_login(user)
        typed = [i.code for i in services.indicators_for(unit) if not i.computed]
        zero = bool(n % 2) and not grid_path.startswith(unit.path)
        officer = Officer(unit=unit.pk, code=unit.code, typed=typed, zero=zero)
        officer.cookies["sessionid"] = client.cookies["sessionid"].value
        officers.append(officer)
    from django.db import connection

    connection.close()
    return ids, officers


# --- HTTP as a browser ----------------------------------------------------------------


def keep_cookies(officer: Officer, response: http.client.HTTPResponse) -> None:
    for name, value in response.getheaders():
        if name.lower() != "set-cookie":
            continue
        pair = value.split(";", 1)[0]
        key, _, val = pair.partition("=")
        if "expires=Thu, 01 Jan 1970" in value or val in ('""', ""):
            officer.cookies.pop(key.strip(), None)
        else:
            officer.cookies[key.strip()] = val.strip()


def open_form(port: int, officer: Officer, day: datetime.date, timeout: float) -> None:
    """The officer opens the report page: the CSRF cookie and the form's token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", f"/reports/{officer.unit}/{day}/", headers={"Cookie": officer.cookie()})
        response = conn.getresponse()
        body = response.read().decode()
        keep_cookies(officer, response)
    finally:
        conn.close()
    found = TOKEN.search(body)
    if response.status != 200 or not found or "csrftoken" not in officer.cookies:
        raise RuntimeError(f"{officer.code}: the report page answered {response.status}")
    officer.token = found.group(1)


@dataclass
class Sample:
    unit: int
    scheduled: float  # seconds after the burst began
    started: float = 0.0
    ended: float = 0.0
    post_ms: float = 0.0
    get_ms: float = 0.0
    error: str = ""


def submit(port: int, officer: Officer, day: datetime.date, minute: int, sample: Sample,
           began: float, timeout: float) -> None:  # fmt: skip
    """POST the form (figures or the zero report), then GET the page it redirects to, on a
    connection of its own (each officer is a phone of their own)."""
    path = f"/reports/{officer.unit}/{day}/"
    origin = f"http://127.0.0.1:{port}"
    fields = [("csrfmiddlewaretoken", officer.token),
              *((f"v-{code}", str(n)) for code, n in officer.figures(minute).items()),
              ("action", "zero" if officer.zero else "submit")]  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sample.started = time.perf_counter() - began
    try:
        start = time.perf_counter()
        conn.request("POST", path, body=urlencode(fields), headers={
            "Cookie": officer.cookie(), "Origin": origin, "Referer": origin + path,
            "Content-Type": "application/x-www-form-urlencoded",
        })  # fmt: skip
        response = conn.getresponse()
        response.read()
        sample.post_ms = (time.perf_counter() - start) * 1000
        keep_cookies(officer, response)
        location = response.getheader("Location", "")
        if response.status != 302 or location != path:
            sample.error = f"POST {response.status} {location}"
            return
        start = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": officer.cookie(), "Referer": origin + path})
        response = conn.getresponse()
        body = response.read().decode()
        sample.get_ms = (time.perf_counter() - start) * 1000
        keep_cookies(officer, response)
        if response.status != 200:
            sample.error = f"GET {response.status}"
        elif "alert alert-success" not in body:
            shown = re.findall(r'class="alert alert-\w+[^>]*>\s*([^<]*)', body)
            sample.error = f"not confirmed: {shown}"
    except (OSError, http.client.HTTPException) as error:
        sample.error = f"{type(error).__name__}: {error}"
    finally:
        sample.ended = time.perf_counter() - began
        conn.close()


def burst(port: int, officers: list[Officer], day: datetime.date, minute: int, spread: float,
          clients: int, timeout: float) -> list[Sample]:  # fmt: skip
    """Every officer submits once, at a random moment of the first ``spread`` seconds."""
    rng = random.Random(minute)
    plan = sorted(((rng.uniform(0, spread), o) for o in officers), key=lambda p: p[0])
    samples = [Sample(unit=o.unit, scheduled=at) for at, o in plan]
    lock = threading.Lock()
    cursor = [0]
    began = time.perf_counter()

    def client() -> None:
        while True:
            with lock:
                index = cursor[0]
                cursor[0] += 1
            if index >= len(plan):
                return
            at, officer = plan[index]
            wait = began + at - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            submit(port, officer, day, minute, samples[index], began, timeout)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def in_parallel(fn: Callable[[T], Any], items: list[T], clients: int) -> None:
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(fn, items))


# --- wrk ------------------------------------------------------------------------------


def wrk(port: int, clients: int, seconds: float, args: list[str], run: str) -> dict[str, float]:
    """One wrk run of passages/load.lua (through deadline_load.lua); client ids ``run-…``."""
    command = ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds:.0f}s",
               "--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{port}/", "--", *args,
               run]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    requests, micros, bad, p50, p95, p99, worst, socket_errors, timeouts = line.split()[1:]
    return {
        "requests": int(requests), "seconds": int(micros) / 1e6, "bad": int(bad),
        "p50": float(p50), "p95": float(p95), "p99": float(p99), "max": float(worst),
        "errors": int(socket_errors) + int(timeouts),
    }  # fmt: skip


def stored_passages(url: str, run: str) -> int:
    """Passages stored from one wrk run (its client ids begin with the run's name)."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        row = conn.execute(
            "SELECT count(*) FROM checkpoints_passage WHERE client_id LIKE %s", [run + "-%"]
        ).fetchone()
        return int(row[0]) if row else 0


def uptime() -> str:
    # In UTC: Django has set this process's TZ to the project's time zone.
    done = subprocess.run(["uptime"], capture_output=True, text=True, env={"TZ": "UTC"})
    return done.stdout.strip()


def stop(server: subprocess.Popen[bytes]) -> None:
    """stop_server, and the task worker `serve` started beside granian (its child)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    worker = [
        int(pid) for pid in (children.read_text().split() if children.exists() else [])
        if "db_worker" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    ]  # fmt: skip
    stop_server(server)
    for pid in worker:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def drain(server: subprocess.Popen[bytes], log: Path) -> threading.Thread:
    """Copy the server's stderr to ``log`` (start_server pipes it; a full pipe would stall
    the server)."""

    def copy() -> None:
        assert server.stderr is not None
        with open(log, "ab") as out:
            for line in server.stderr:
                out.write(line)
                out.flush()

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    return thread


# --- checking the database ------------------------------------------------------------


def verify(officers: list[Officer], days: dict[int, datetime.date]) -> list[str]:
    """What is wrong in the database: reports missing, doubled or not as sent; totals that
    disagree with the reports."""
    from django.db import connection
    from django.db.models import Count

    from fangkong.reports import totals
    from fangkong.reports.models import DailyReport, ReportState

    problems = []
    by_unit = {o.unit: o for o in officers}
    rows = DailyReport.objects.filter(day__in=list(days.values()))
    doubled = rows.values("unit", "day").annotate(n=Count("id")).filter(n__gt=1)
    problems += [f"stored twice: {d}" for d in doubled]
    seen = set()
    for r in rows.only("unit_id", "day", "state", "zero", "values"):
        seen.add((r.unit_id, r.day))
        officer = by_unit.get(r.unit_id)
        minute = next(k for k, d in days.items() if d == r.day)
        if officer is None:
            problems.append(f"a report nobody sent: unit {r.unit_id} {r.day}")
            continue
        sent = dict.fromkeys(officer.typed, 0) if officer.zero else officer.figures(minute)
        typed = {c: r.values.get(c) for c in officer.typed}
        if r.state != ReportState.SUBMITTED or r.zero != officer.zero or typed != sent:
            problems.append(f"{officer.code} {r.day}: {r.state} zero={r.zero} {typed} != {sent}")
    for minute, day in days.items():
        missing = [o.code for o in officers if (o.unit, day) not in seen]
        if missing:
            problems.append(f"minute {minute}: {len(missing)} reports missing, {missing[:5]}")
    differ = totals.differences()
    if differ:
        problems.append(f"report totals differ from the reports at {differ[:10]}")
    connection.close()
    return problems


# --- the benchmark --------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/fangkong_deadline_bench"
    )
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--units", type=int, default=1000, help="reporting units, about")
    parser.add_argument("--clients", type=int, default=32, help="threads submitting reports")
    parser.add_argument("--spread", type=float, default=10, help="seconds a burst is spread")
    parser.add_argument("--api-clients", type=int, default=32, help="wrk connections")
    parser.add_argument("--batch", type=int, default=1, help="passages a request")
    parser.add_argument("--baseline-seconds", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=10, help="seconds, as wrk's")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    when = datetime.datetime.now(datetime.UTC)
    load_before = uptime()
    print(load_before)
    prepare_database(args.pg_url)
    started = time.perf_counter()
    ids, officers = prepare(args.pg_url, args.units)
    prepared = time.perf_counter() - started
    print(f"{len(officers)} reporting units and officers in {prepared:.0f} s")
    from django.utils import timezone

    today = timezone.localdate()
    days = {k: today - datetime.timedelta(days=k) for k in range(1, args.minutes + 1)}
    api = [str(args.batch), ids["checkpoint"], ids["grid"], ids["key"], "api"]
    bare = [str(args.batch), ids["checkpoint"], ids["grid"], ids["key"], "bare"]
    SERVER_LOG.write_text("")
    port = free_port()
    env = {
        **os.environ,
        "FANGKONG_LOG_LEVEL": "WARNING",
        # Its own static files: `serve` runs collectstatic, not into the tree's var/.
        "FANGKONG_VAR_DIR": "/tmp/fangkong_deadline_bench_var",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    # `serve` runs collectstatic and migrate first: a minute or two on a loaded machine.
    server = start_server(port, args.workers, env, wait=900)
    drain(server, SERVER_LOG)
    minutes: list[dict[str, Any]] = []
    try:
        # Warm every worker thread's connection first (as passages_bench does).
        wrk(port, args.api_clients, 2, bare, "warm-bare")
        wrk(port, args.api_clients, 2, api, "warm-api")
        started = time.perf_counter()
        in_parallel(lambda o: open_form(port, o, days[1], 60), officers, args.clients)
        opened = time.perf_counter() - started
        print(f"{len(officers)} report pages opened in {opened:.0f} s")
        base_bare = wrk(port, args.api_clients, args.baseline_seconds, bare, "base-bare")
        base_api = wrk(port, args.api_clients, args.baseline_seconds, api, "base-api")
        base_api["stored"] = stored_passages(args.pg_url, "base-api")
        print(f"baseline: bare {base_bare}\n          api {base_api}")
        load_start = uptime()
        print(load_start)
        stopping = threading.Event()
        runs: list[dict[str, Any]] = []

        def checkpoint_traffic() -> None:
            # Without a pause, a minute a wrk run, until the last burst is in.
            while not stopping.is_set():
                run = f"m{len(runs) + 1}"
                runs.append({"run": run, **wrk(port, args.api_clients, 60, api, run)})

        traffic = threading.Thread(target=checkpoint_traffic)
        began = time.perf_counter()
        traffic.start()
        for minute, day in days.items():
            # At the start of each minute, or at once if the last burst ran over; none
            # begins after the run's last minute.
            time.sleep(max(0.0, began + (minute - 1) * 60 - time.perf_counter()))
            start = time.perf_counter() - began
            if start >= args.minutes * 60:
                break
            samples = burst(port, officers, day, minute, args.spread, args.clients, args.timeout)
            minutes.append({"minute": minute, "day": day, "start": start, "samples": samples})
            bad = [s for s in samples if s.error]
            print(
                f"minute {minute} ({day}) at {start:.1f} s: {len(samples)} reports, "
                f"{len(bad)} errors, all in after {max(s.ended for s in samples):.1f} s; "
                f"checkpoint so far {runs[-1:]}"
            )
            for s in bad[:5]:
                print("   ", s.unit, s.error)
        time.sleep(max(0.0, began + args.minutes * 60 - time.perf_counter()))
        stopping.set()
        traffic.join()
        load_end = uptime()
        print(load_end)
    finally:
        stop(server)
    for r in runs:
        r["stored"] = stored_passages(args.pg_url, r["run"])
    problems = verify(officers, {m["minute"]: m["day"] for m in minutes})
    for problem in problems:
        print("PROBLEM", problem)

    # --- the report ---
    samples = [s for m in minutes for s in m["samples"]]
    errors = sum(1 for s in samples if s.error)
    posts = [s.post_ms for s in samples if s.post_ms]
    gets = [s.get_ms for s in samples if s.get_ms]
    api_requests = sum(r["requests"] for r in runs)
    api_seconds = sum(r["seconds"] for r in runs)
    api_errors = sum(r["bad"] + r["errors"] for r in runs)
    # Stored minus answered, a minute: 0 up to what was in flight when wrk stopped.
    extra = [r["stored"] - r["requests"] * args.batch for r in runs]
    passages_ok = all(0 <= x <= args.api_clients * args.batch for x in extra)
    in_after = [max(s.ended for s in m["samples"]) for m in minutes]
    burst_seconds = sum(in_after)

    def median_of(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    header = ["stream", "requests", "errors", "throughput /s", "p50 ms", "p95 ms", "p99 ms",
              "worst ms"]  # fmt: skip
    rows = [
        [f"baseline: bare one-row endpoint, alone, {args.baseline_seconds} s",
         f"{base_bare['requests']:,}", f"{base_bare['bad'] + base_bare['errors']:.0f}",
         f"{base_bare['requests'] / base_bare['seconds']:,.0f}", ms(base_bare["p50"]),
         ms(base_bare["p95"]), ms(base_bare["p99"]), ms(base_bare["max"])],
        [f"baseline: checkpoint API alone, {args.baseline_seconds} s",
         f"{base_api['requests']:,}", f"{base_api['bad'] + base_api['errors']:.0f}",
         f"{base_api['requests'] / base_api['seconds']:,.0f}", ms(base_api["p50"]),
         ms(base_api["p95"]), ms(base_api["p99"]), ms(base_api["max"])],
        [f"checkpoint API during the run, {len(runs)} × 1 min (medians of the minutes)",
         f"{api_requests:,}", f"{api_errors}", f"{api_requests / api_seconds:,.0f}",
         ms(median_of("p50")), ms(median_of("p95")), ms(median_of("p99")),
         ms(max(r["max"] for r in runs))],
        ["daily report: submit (POST → 302)", f"{len(samples):,}", f"{errors}",
         f"{len(posts) / burst_seconds:,.1f}", ms(statistics.median(posts)),
         ms(percentile(posts, 0.95)), ms(percentile(posts, 0.99)), ms(max(posts))],
        ["daily report: the page confirming it (GET 200)", f"{len(gets):,}", "—",
         "—", ms(statistics.median(gets)), ms(percentile(gets, 0.95)),
         ms(percentile(gets, 0.99)), ms(max(gets))],
    ]  # fmt: skip
    per_minute = []
    for n in range(max(len(minutes), len(runs))):
        row = ["", "", "", "", "", "", "", "", "", ""]
        if n < len(minutes):
            m, own = minutes[n], minutes[n]["samples"]
            post = [s.post_ms for s in own if s.post_ms]
            row = [
                f"{m['day']:%m-%d}", f"{m['start']:.0f}", str(len(own)),
                str(sum(1 for s in own if s.error)), f"{in_after[n]:.1f}",
                f"{max(s.started - s.scheduled for s in own):.1f}",
                ms(statistics.median(post)), ms(percentile(post, 0.95)),
                ms(percentile(post, 0.99)), ms(max(post)),
            ]  # fmt: skip
        api_row = ["", "", "", "", ""]
        if n < len(runs):
            r = runs[n]
            api_row = [f"{r['requests'] / r['seconds']:,.0f}", ms(r["p50"]), ms(r["p95"]),
                       ms(r["p99"]), str(int(r["bad"] + r["errors"]))]  # fmt: skip
        per_minute.append([str(n + 1), *row, *api_row])
    minute_header = ["#", "day", "burst began s", "reports", "errors", "all in after s",
                     "queued ≤ s", "submit p50 ms", "p95 ms", "p99 ms", "worst ms",
                     "API req/s", "API p50 ms", "API p95 ms", "API p99 ms",
                     "API errors"]  # fmt: skip
    command = "uv run python bench/deadline_load_bench.py" + (
        "" if len(sys.argv) == 1 else " " + shlex.join(sys.argv[1:])
    )
    checks = (
        "all hold" if not problems and passages_ok
        else "FAILED: " + "; ".join(problems[:5])
    )  # fmt: skip
    body = "\n".join([
        "## The deadline burst with checkpoint peak traffic (PostgreSQL)",
        "",
        f"`{command}` — {when:%Y-%m-%d %H:%M} UTC; "
        f"{machine(args.pg_url)}.",
        "",
        f"Load on the machine (`uptime`, shared with other work): before `{load_before}`; "
        f"at the start of the run `{load_start}`; at its end `{load_end}`. Figures are "
        "medians where several runs are combined.",
        "",
        f"`fangkong serve` ({args.workers} granian workers, 8 threads each) on PostgreSQL; "
        f"load from the same machine. A district of {len(officers):,} reporting units "
        f"(district, streets, communities, grids; tree {people_import_bench.GRIDS}) with one "
        f"officer account each. For {len(runs)} minutes: *checkpoint API* — wrk with "
        f"{args.api_clients} connections posting to /api/checkpoints/passages with an API "
        f"key, {args.batch} passage(s) a request, 1-4 travellers a passage, without a pause; "
        f"*daily reports* — at the start of minute k (or as soon as the burst before is all "
        f"in, if it ran over; none begins after minute {args.minutes}: {len(minutes)} bursts "
        f"ran) every unit submits its report of day today − k (a new report, never an "
        f"amendment) through the daily report page, "
        f"each at a random moment of the first {args.spread:.0f} s, from a pool of "
        f"{args.clients} client threads, a new connection per submission; half send figures, "
        "half the zero report. Every officer was logged in beforehand (a session made as "
        "Django's test client logs in, then the report page opened once over HTTP for the "
        f"CSRF cookie and token: {opened:.0f} s for all), so the burst measures submissions, "
        "not logins. The baseline ran on the same server just before: the bare one-row "
        "endpoint of `passages_bench` and the checkpoint API alone, at the same concurrency.",
        "",
        "*errors*: non-2xx/3xx answers, socket errors, timeouts (10 s), and for reports any "
        "submission not confirmed by the page it redirects to. *throughput*: requests a "
        "second of the whole run; for reports, reports a second while a burst was under way "
        "(sum of the minutes' *all in after*).",
        "",
        table(header, rows),
        "",
        "Against the requirement (every unit's report in within the minute of its burst): "
        f"{'met' if max(in_after) <= 60 else 'not met on this machine'}; the last of "
        f"{len(officers):,} units was in {min(in_after):.0f}–{max(in_after):.0f} s after its "
        f"burst began (median {statistics.median(in_after):.0f} s).",
        "",
        "Row k: the k-th burst and the k-th minute of checkpoint traffic (at the same time "
        "only while no burst ran over). *burst began*: seconds after the run began (a burst "
        "starts on its "
        "minute, or when the one before is all in if that ran over); *all in after*: seconds "
        "from the burst's start until the last unit's report was confirmed; *queued ≤*: the "
        "longest a submission waited for a free client thread past its moment; *submit*: "
        "the POST. *API*: the minute's wrk run (back to back, 60 s each, from the run's "
        "start until the last burst was in and the minutes were over).",
        "",
        table(minute_header, per_minute),
        "",
        f"Checked on the database afterwards: {len(samples):,} reports sent, each stored "
        "exactly once with the figures sent (or as a zero report); the kept report totals "
        "(`reports.ReportTotal`) equal the totals recomputed from the reports "
        "(`reports.totals.differences()`, as `fangkong recount --check`); every passage "
        f"answered is stored: {sum(r['stored'] for r in runs):,} stored, "
        f"{sum(r['requests'] for r in runs) * args.batch:,} answered (the minutes' "
        f"differences {min(extra)} to {max(extra)}: in flight when a minute's wrk stopped, "
        f"at most {args.api_clients * args.batch}). Result: {checks}.",
    ])  # fmt: skip
    print(body)
    if not args.no_write:
        write_section(REPORT, "deadline_load_bench", body)
        print(f"wrote {REPORT}")
    if problems or errors or api_errors or not passages_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
