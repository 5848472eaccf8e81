"""Where a checkpoint upload's time goes: Python and PostgreSQL CPU per request, by part.

Run by hand, never in CI (about two minutes); prints, writes nothing:

    uv run python bench/passages_parts.py

On a fresh PostgreSQL database prepared as bench/passages_bench.py prepares it:

1. In one process, Django's test client posts --uploads uploads of 1, 2 and 4 passages
   (2 travellers each, all new, from an affected area): the median time of a request,
   the interpreter's CPU (getrusage) and every PostgreSQL process's CPU (/proc) per
   request.
2. The statements of one upload of two passages, captured, are replayed straight on
   psycopg, each part --uploads times, timing the server process that runs them: the
   stamp read, the look-ups with the keys drawn, the five inserts (rolled back, then
   committed). The floor of a statement: ``SELECT 1`` and a rollback.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from passages_bench import prepare  # noqa: E402
from units_bench import prepare_database, table  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process so far (backends, writers, checkpointer)."""
    total = 0.0
    for stat in glob.glob("/proc/[0-9]*/stat"):
        pid = int(stat.split("/")[2])
        try:
            if Path(f"/proc/{pid}/comm").read_text().startswith("postgres"):
                total += _cpu(pid)
        except (OSError, IndexError):
            continue
    return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Uploads:
    """Uploads through Django's test client, every passage and traveller new."""

    def __init__(self, ids: dict[str, str]) -> None:
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")
        self.ids = ids
        self.count = 0
        self.run = f"{time.time():.0f}"

    def body(self, batch: int) -> str:
        items = []
        for _ in range(batch):
            self.count += 1
            n = self.count
            people = [
                {"full_name": f"旅客{k}", "phone": f"139{(n * 4 + k) % 10**8:08d}",
                 "temperature": 36.6}
                for k in range(2)
            ]  # fmt: skip
            items.append({
                "client_id": f"parts-{self.run}-{n}", "checkpoint": int(self.ids["checkpoint"]),
                "origin": "湖北省武汉市", "destination": self.ids["grid"],
                "plate": f"鄂A{n % 100000:05d}", "travellers": people,
            })  # fmt: skip
        return json.dumps({"items": items}, ensure_ascii=False)

    def post(self, batch: int) -> None:
        answer = self.client.post(
            "/api/checkpoints/passages", self.body(batch), content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.ids['key']}",
        )  # fmt: skip
        assert answer.status_code == 200 and answer.json()["created"] == batch, answer.content


def in_process(uploads: Uploads, times: int) -> list[list[str]]:
    rows = []
    for batch in (1, 2, 4):
        for _ in range(20):
            uploads.post(batch)
        walls = []
        pg, py = postgres_cpu(), own_cpu()
        for _ in range(times):
            started = time.perf_counter()
            uploads.post(batch)
            walls.append(time.perf_counter() - started)
        pg, py = postgres_cpu() - pg, own_cpu() - py
        rows.append([
            str(batch), f"{statistics.median(walls) * 1000:.1f}",
            f"{py / times * 1000:.1f}", f"{pg / times * 1000:.1f}",
        ])  # fmt: skip
    return rows


def capture(uploads: Uploads) -> tuple[list[tuple[str, Any]], list[tuple[str, str]]]:
    """The look-ups (one function call) and the inserts of one upload of two passages."""
    from fangkong.core import bulk

    looked: list[tuple[str, Any]] = []
    written: list[tuple[str, str]] = []
    select, flush = bulk.Writer.row, bulk.Writer.flush

    def selecting(self: bulk.Writer, sql: str, params: Any) -> Any:
        looked.append((sql, params))
        return select(self, sql, params)

    def flushing(self: bulk.Writer) -> None:
        written.extend(self.pending)
        flush(self)

    bulk.Writer.row, bulk.Writer.flush = selecting, flushing  # type: ignore[method-assign]
    try:
        uploads.post(2)
    finally:
        bulk.Writer.row, bulk.Writer.flush = select, flush  # type: ignore[method-assign]
    return looked, written


def renumbered(written: list[tuple[str, str]], run: int) -> list[tuple[str, str]]:
    """The captured rows under keys and client ids of their own, so that they can be
    committed again; references to rows outside the batch are kept."""
    new = {row["id"] for _sql, document in written for row in json.loads(document)}
    shift = 50_000_000 + run * 100
    out = []
    for sql, document in written:
        rows = json.loads(document)
        for row in rows:
            row["id"] += shift
            for name in ("passage_id", "traveller_id", "handoff_id"):
                if row.get(name) in new:
                    row[name] += shift
            if row.get("client_id"):
                row["client_id"] = f"{row['client_id']}-replay-{run}"
            if "key" in row and "due_at" in row:  # a hand-off: open once per person
                row["key"] = f"replay-{run}-{row['key'][:40]}"
            if "target_id" in row:
                row["target_id"] = str(int(row["target_id"]) + shift)
        out.append((sql, json.dumps(rows, ensure_ascii=False)))
    return out


def as_one_statement(params: list[Any]) -> tuple[str, list[Any]]:
    """The look-ups of the function's call as they went before it: one statement, planned
    at every call (the hand-off look-up by state and key, as then)."""
    from fangkong.checkpoints.storing import _LOOKUPS, DRAWN
    from fangkong.core import bulk

    pairs = zip(_LOOKUPS, params[:3], strict=True)
    queries: list[tuple[str, list[Any]]] = [
        (sql.format("= ANY(%s::text[])"), [keys]) for sql, keys in pairs
    ]
    queries.append(("SELECT value FROM core_stamp WHERE name = %s", [params[3]]))
    counts = [int(n) for n in params[5].strip("{}").split(",")]
    queries.append(bulk.draw_query(dict(zip(DRAWN, counts, strict=True))))
    return bulk.select_statement(queries)


def replay(url: str, looked: list[tuple[str, Any]], written: list[tuple[str, str]],
           times: int) -> list[list[str]]:  # fmt: skip
    import psycopg

    from fangkong.core import bulk

    conn = psycopg.connect(url.replace("postgres://", "postgresql://"))
    pid = conn.info.backend_pid
    runs = iter(range(1, 10**9))

    def stamp() -> None:
        conn.execute("SELECT value FROM core_stamp WHERE name = 'reference'").fetchall()
        conn.rollback()

    def floor() -> None:
        conn.execute("SELECT 1").fetchall()
        conn.rollback()

    def look() -> None:
        for sql, params in looked:
            conn.cursor().execute(sql, params).fetchall()
        conn.rollback()

    statements = [as_one_statement(params) for _sql, params in looked]

    def look_planned() -> None:
        for sql, params in statements:
            conn.cursor().execute(sql, params).fetchall()
        conn.rollback()

    def write(commit: bool) -> Callable[[], None]:
        def run() -> None:
            statements = renumbered(written, next(runs))
            conn.cursor().execute(*bulk.insert_statement(statements), prepare=True)
            conn.commit() if commit else conn.rollback()

        return run

    rows = []
    parts = [
        ("a statement and a rollback (the floor)", floor),
        ("the stamp read", stamp),
        ("the look-ups and the keys drawn (one function call)", look),
        ("the same as one statement, planned at every call (before the function)", look_planned),
        (f"the inserts ({len(written)} tables, one statement), rolled back", write(False)),
        ("the inserts, committed", write(True)),
    ]
    for label, part in parts:
        for _ in range(10):
            part()
        cpu, started = _cpu(pid), time.perf_counter()
        for _ in range(times):
            part()
        rows.append([
            label, f"{(_cpu(pid) - cpu) / times * 1000:.2f}",
            f"{(time.perf_counter() - started) / times * 1000:.2f}",
        ])  # fmt: skip
    conn.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/fangkong_passages_parts"
    )
    parser.add_argument("--uploads", type=int, default=200)
    args = parser.parse_args()
    prepare_database(args.pg_url)
    ids = prepare(args.pg_url)
    uploads = Uploads(ids)
    measured = in_process(uploads, args.uploads)
    looked, written = capture(uploads)
    parts = replay(args.pg_url, looked, written, args.uploads)
    print(table(["passages a request", "median ms", "Python CPU ms", "PostgreSQL CPU ms"],
                measured))  # fmt: skip
    print()
    print(table(["part of an upload of two passages", "PostgreSQL CPU ms", "wall ms"], parts))


if __name__ == "__main__":
    main()
