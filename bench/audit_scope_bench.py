"""Reading the audit log by scope: an indexed org_path column vs a JSON attribute.

Why fangkong keeps its own audit table instead of django-auditlog's LogEntry: a
scoped audit page must filter entries by where their record hangs in the tree.
This compares, on the same rows, (a) fangkong's layout, an indexed ``org_path``
column with the subtree range filter, against (b) the path stored in a JSON
document (where auditlog keeps ``additional_data``), filtered by prefix.

    uv run python bench/audit_scope_bench.py [--rows 300000] [--database-url postgres://…]

Run by hand; it creates and drops its own tables in a scratch database.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import time
from collections.abc import Callable

ROWS_DEFAULT = 300_000
STREET, STREET_UPPER = "00010003", "00010004"
COMMUNITY, COMMUNITY_UPPER = "000100030005", "000100030006"
GRID, GRID_UPPER = "0001000300050007", "0001000300050008"


def paths(n_streets: int = 10, n_comm: int = 10, n_grids: int = 10) -> list[str]:
    return [
        f"0001{s:04d}{c:04d}{g:04d}"
        for s in range(1, n_streets + 1)
        for c in range(1, n_comm + 1)
        for g in range(1, n_grids + 1)
    ]


def timed(fn: Callable[[], object], repeat: int = 30) -> tuple[float, float]:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


# (name, SQL with {p} for a parameter, parameters); the JSON column is SQLite text or jsonb.
QUERIES = [
    (
        "street page, column range",
        "SELECT id FROM col_log WHERE org_path >= {p} AND org_path < {p} ORDER BY at DESC LIMIT 50",
        (STREET, STREET_UPPER),
    ),
    (
        "street page, JSON prefix",
        "SELECT id FROM json_log WHERE {json} LIKE {p} ORDER BY at DESC LIMIT 50",
        (STREET + "%",),
    ),
    (
        "grid page, column range",
        "SELECT id FROM col_log WHERE org_path >= {p} AND org_path < {p} ORDER BY at DESC LIMIT 50",
        (GRID, GRID_UPPER),
    ),
    (
        "grid page, JSON prefix",
        "SELECT id FROM json_log WHERE {json} LIKE {p} ORDER BY at DESC LIMIT 50",
        (GRID + "%",),
    ),
    (
        "community count, column range",
        "SELECT count(*) FROM col_log WHERE org_path >= {p} AND org_path < {p}",
        (COMMUNITY, COMMUNITY_UPPER),
    ),
    (
        "community count, JSON prefix",
        "SELECT count(*) FROM json_log WHERE {json} LIKE {p}",
        (COMMUNITY + "%",),
    ),
]


def rows_for(count: int) -> list[tuple[int, float, str, str]]:
    all_paths = paths()
    rnd = random.Random(2020)
    return [(i, float(i), rnd.choice(all_paths), "x" * 40) for i in range(count)]


def run_sqlite(rows: int) -> dict[str, tuple[float, float]]:
    db = sqlite3.connect("/tmp/fangkong_audit_bench.sqlite3")
    db.executescript(
        """
        PRAGMA journal_mode=WAL;
        DROP TABLE IF EXISTS col_log; DROP TABLE IF EXISTS json_log;
        CREATE TABLE col_log (id INTEGER PRIMARY KEY, at REAL, org_path TEXT, note TEXT);
        CREATE INDEX col_log_scope ON col_log (org_path, at);
        CREATE INDEX col_log_at ON col_log (at);
        CREATE TABLE json_log (id INTEGER PRIMARY KEY, at REAL, additional_data TEXT, note TEXT);
        CREATE INDEX json_log_at ON json_log (at);
        """
    )
    data = rows_for(rows)
    db.executemany("INSERT INTO col_log VALUES (?,?,?,?)", data)
    db.executemany(
        "INSERT INTO json_log VALUES (?,?,?,?)",
        [(i, at, json.dumps({"org_path": p}), n) for i, at, p, n in data],
    )
    db.commit()
    db.execute("ANALYZE")
    json_path = "json_extract(additional_data, '$.org_path')"
    results = {}
    for name, sql, params in QUERIES:
        query = sql.format(p="?", json=json_path)
        results[name] = timed(lambda q=query, a=params: db.execute(q, a).fetchall())
    db.close()
    return results


def run_postgres(url: str, rows: int) -> dict[str, tuple[float, float]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS col_log; DROP TABLE IF EXISTS json_log")
        db.execute(
            "CREATE TABLE col_log (id bigint PRIMARY KEY, at double precision, "
            "org_path text, note text)"
        )
        db.execute(
            "CREATE TABLE json_log (id bigint PRIMARY KEY, at double precision, "
            "additional_data jsonb, note text)"
        )
        data = rows_for(rows)
        with db.cursor() as cur:
            with cur.copy("COPY col_log FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
            with cur.copy("COPY json_log FROM STDIN") as copy:
                for i, at, p, n in data:
                    copy.write_row((i, at, json.dumps({"org_path": p}), n))
        db.execute("CREATE INDEX col_log_scope ON col_log (org_path, at)")
        db.execute("CREATE INDEX col_log_at ON col_log (at)")
        db.execute("CREATE INDEX json_log_at ON json_log (at)")
        db.execute("ANALYZE col_log")
        db.execute("ANALYZE json_log")
        results = {}
        for name, sql, params in QUERIES:
            query = sql.format(p="%s", json="additional_data->>'org_path'")
            results[name] = timed(lambda q=query, a=params: db.execute(q, a).fetchall())
        db.execute("DROP TABLE col_log; DROP TABLE json_log")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS_DEFAULT)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    results = (
        run_postgres(args.database_url, args.rows) if args.database_url else run_sqlite(args.rows)
    )
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"| {engine}, {args.rows:,} entries | median ms | p95 ms |")
    print("| --- | --- | --- |")
    for name, (median, p95) in results.items():
        print(f"| {name} | {median:.2f} | {p95:.2f} |")


if __name__ == "__main__":
    main()
