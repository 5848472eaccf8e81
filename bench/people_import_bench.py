"""Registry import: 1,000,000 persons with households and journeys from CSV.

Run by hand, never in CI (about five minutes; writes docs/performance.md):

    uv run python bench/people_import_bench.py
    uv run python bench/people_import_bench.py --rows 200000 --no-write

Per database (SQLite in /tmp, PostgreSQL re-created at --pg-url), in a fresh process:
  * baseline: the same rows already prepared (sealed, hashed, with their ids) written
    to the same empty tables with indexes in place — PostgreSQL: plain COPY; SQLite:
    plain executemany;
  * fangkong: the importer on the raw CSV (reading, cleaning in worker processes,
    sealing, households, journeys, counts, the bad-rows file), into empty tables;
  * peer, on the first --peer-rows rows: django-import-export with a plain
    ModelResource for persons only (it does less work than fangkong's importer).
Peak memory is the maximum resident set of the importing process and of its workers.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from units_bench import REPORT, machine, prepare_database, table, write_section

ROOT = Path(__file__).resolve().parent.parent
GRIDS = (10, 10, 10)  # streets, communities per street, grids per community
ORIGINS = ["湖北省武汉市", "湖北省荆州市", "浙江省温州市", "广东省深圳市", "山东省济南市"]
HEADER = ["姓名", "身份证号", "手机", "网格编码", "家庭住址", "与户主关系", "来源地", "抵达日期",
          "交通方式", "车次"]  # fmt: skip


def grid_code(i: int) -> str:
    s, c, g = i // 100 % 10 + 1, i // 10 % 10 + 1, i % 10 + 1
    return f"370102{s:03d}{c:03d}{g:03d}"


def write_csv(path: Path, rows: int) -> None:
    from fangkong.people.testing import resident_id

    born0 = datetime.date(1940, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(rows):
            born = born0 + datetime.timedelta(days=i % 29000)
            household = i // 3
            out.writerow([
                f"居民{i}", resident_id("370102", born, i // 29000 % 1000),
                f"139{i:08d}", grid_code(household % 1000), f"{household // 1000 + 1}号楼{household % 1000}室",  # noqa: E501
                "户主" if i % 3 == 0 else "家属", ORIGINS[i % 5], f"2020-01-{1 + i % 28:02d}",
                "火车", f"G{i % 9000 + 100}",
            ])  # fmt: skip


# --- the child: one database ----------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["FANGKONG_DATABASE_URL"] = url
    os.environ.setdefault("FANGKONG_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_tree():  # type: ignore[no-untyped-def]
    from fangkong.accounts.models import User
    from fangkong.core.testing import make_unit
    from fangkong.orgunits.models import Level

    district = make_unit(None, "370102000000", "历下区", Level.DISTRICT)
    for s in range(1, GRIDS[0] + 1):
        street = make_unit(district, f"370102{s:03d}000", f"街道{s}", Level.STREET)
        for c in range(1, GRIDS[1] + 1):
            community = make_unit(street, f"370102{s:03d}{c:03d}", f"社区{s}-{c}", Level.COMMUNITY)
            for g in range(1, GRIDS[2] + 1):
                make_unit(community, f"370102{s:03d}{c:03d}{g:03d}", f"网格{g}", Level.GRID)
    actor = User.objects.create_superuser(username="bench", password="x", full_name="bench")
    return district, actor


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def truncate() -> None:
    from django.db import connection

    tables = ["people_travelrecord", "people_person", "people_household", "people_unittally"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            # The bench's own rows: nothing refers to them, no check is needed.
            cursor.execute("PRAGMA foreign_keys = OFF")
            for name in tables:
                cursor.execute(f"DELETE FROM {name}")
            cursor.execute("DELETE FROM sqlite_sequence WHERE name LIKE 'people_%'")
            cursor.execute("PRAGMA foreign_keys = ON")


def prepare_baseline(source: Path, folder: Path, units: dict[str, tuple[int, str]]) -> int:
    """The CSV's rows as the tables will hold them, in three tab-separated files (not timed)."""
    from fangkong.core.crypto import encrypt
    from fangkong.people.idnumbers import parse_resident_id
    from fangkong.people.normalize import address_key
    from fangkong.people.services import id_key, phone_key

    households: dict[tuple[int, str], int] = {}
    count = 0
    with (
        open(source, encoding="utf-8") as f,
        open(folder / "household.tsv", "w") as h,
        open(folder / "person.tsv", "w") as p,
        open(folder / "travel.tsv", "w") as t,
    ):
        rows = csv.reader(f)
        next(rows)
        for count, (
            name,
            number,
            phone,
            grid,
            address,
            relation,
            origin,
            arrived,
            _,
            train,
        ) in enumerate(rows, 1):
            unit_id, path = units[grid]
            key = (unit_id, address_key(address))
            if key not in households:
                households[key] = len(households) + 1
                h.write(f"{households[key]}\t{unit_id}\t{address}\t{key[1]}\t\t{path}\n")
            parsed = parse_resident_id(number)
            p.write("\t".join(map(str, (
                count, name, "resident", encrypt(parsed.number), id_key("resident", parsed.number),
                parsed.birth_date, parsed.sex, encrypt(phone), phone_key(phone), households[key],
                relation, unit_id, "", "", "", "import", "clear", path,
            ))) + "\n")  # fmt: skip
            t.write("\t".join(map(str, (
                count, "420100", origin, arrived, "train", train, "", "", "", "import", path,
            ))) + "\n")  # fmt: skip
    return count


PERSON_COLS = ("id", "full_name", "id_type", "id_number", "id_key", "birth_date", "sex", "phone",
               "phone_key", "household_id", "relation", "unit_id", "address", "tags", "note",
               "source", "risk_status", "org_path")  # fmt: skip
HOUSEHOLD_COLS = ("id", "unit_id", "address", "address_key", "note", "org_path")
TRAVEL_COLS = ("person_id", "origin_code", "origin_name", "arrived_on", "transport",
               "transport_no", "seat", "plate", "purpose", "source", "org_path")  # fmt: skip


def run_baseline(folder: Path) -> tuple[float, dict[str, float]]:
    from django.db import connection, transaction

    files = [("people_household", HOUSEHOLD_COLS), ("people_person", PERSON_COLS),
             ("people_travelrecord", TRAVEL_COLS)]  # fmt: skip
    start = time.perf_counter()
    parts: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for table_name, columns in files:
            began = time.perf_counter()
            path = folder / {"people_household": "household.tsv", "people_person": "person.tsv",
                             "people_travelrecord": "travel.tsv"}[table_name]  # fmt: skip
            # The timestamps have database defaults: neither loader names them.
            cols = ", ".join(columns)
            if connection.vendor == "postgresql":
                copy_sql = f"COPY {table_name} ({cols}) FROM STDIN"
                with open(path, "rb") as f, cursor.copy(copy_sql) as copy:
                    while block := f.read(1 << 20):
                        copy.write(block)
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table_name} ({cols}) VALUES ({marks})"
                with open(path) as f:
                    batch: list[list[str]] = []
                    for line in f:
                        batch.append(line.rstrip("\n").split("\t"))
                        if len(batch) == 10_000:
                            cursor.executemany(sql, batch)
                            batch = []
                    if batch:
                        cursor.executemany(sql, batch)
            parts[table_name] = time.perf_counter() - began
    return time.perf_counter() - start, parts


def run_import(source: Path, district, actor, workers: int):  # type: ignore[no-untyped-def]
    from django.core.files import File

    from fangkong.people.importing.jobs import run_job
    from fangkong.people.models import ImportJob

    job = ImportJob(unit=district, org_path=district.path, filename=source.name, created_by=actor,
                    language="zh-hans", default_year=2020)  # fmt: skip
    with open(source, "rb") as f:
        job.file.save(source.name, File(f), save=False)
    job.save()
    start = time.perf_counter()
    run_job(job, workers=workers)
    seconds = time.perf_counter() - start
    job.refresh_from_db()
    return seconds, job


def run_peer(source: Path, rows: int) -> float:
    import tablib
    from import_export import resources

    from fangkong.orgunits.models import OrgUnit
    from fangkong.people.models import Person

    class PersonResource(resources.ModelResource):
        class Meta:
            model = Person
            fields = ("full_name", "id_number", "phone", "unit", "address", "relation", "org_path")
            # A sealed ID number cannot be looked up: the name is the key such a resource gets.
            import_id_fields = ("full_name",)

    paths = dict(OrgUnit.objects.values_list("id", "path"))
    units = dict(OrgUnit.objects.values_list("code", "id"))
    data = tablib.Dataset(
        headers=["full_name", "id_number", "phone", "unit", "address", "relation", "org_path"]
    )
    with open(source, encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for i, (name, number, phone, grid, address, relation, *_rest) in enumerate(reader):
            if i == rows:
                break
            data.append([name, number, phone, units[grid], address, relation, paths[units[grid]]])
    start = time.perf_counter()
    result = PersonResource().import_data(data, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - start
    assert not result.has_errors()
    return seconds


def child(args: argparse.Namespace) -> None:
    setup_django(args.url)
    district, actor = build_tree()
    from fangkong.orgunits.models import OrgUnit

    units = {
        code: (pk, path) for code, pk, path in OrgUnit.objects.values_list("code", "id", "path")
    }
    out: dict[str, object] = {"url": args.url.split("@")[-1]}
    with tempfile.TemporaryDirectory() as folder:
        count = prepare_baseline(args.csv, Path(folder), units)
        out["baseline_s"], out["baseline_parts"] = run_baseline(Path(folder))
    truncate()
    seconds, job = run_import(args.csv, district, actor, args.workers)
    own, children = peak_mb()
    out.update(
        rows=count, import_s=seconds, created=job.created_persons, households=job.created_households,  # noqa: E501
        travels=job.created_travels, errors=job.error_count, peak_own_mb=own, peak_workers_mb=children,  # noqa: E501
    )  # fmt: skip
    # The same rows again: nothing new, everything recognised.
    again_s, again = run_import(args.csv, district, actor, args.workers)
    out.update(again_s=again_s, again_created=again.created_persons)
    if args.peer_rows:
        with (
            tempfile.NamedTemporaryFile(
                "w", suffix=".csv", delete=False, encoding="utf-8"
            ) as small,
            open(args.csv, encoding="utf-8") as f,
        ):
            for i, line in enumerate(f):
                if i > args.peer_rows:
                    break
                small.write(line)
        truncate()
        ours_s, _ = run_import(Path(small.name), district, actor, args.workers)
        truncate()
        out.update(
            peer_rows=args.peer_rows, ours_small_s=ours_s, peer_s=run_peer(args.csv, args.peer_rows)
        )
        os.unlink(small.name)
    print("RESULT " + json.dumps(out, default=str))


# --- the parent -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--peer-rows", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/fangkong_import_bench"
    )
    parser.add_argument("--sqlite-path", default="/tmp/fangkong_import_bench.sqlite3")
    parser.add_argument(
        "--only", choices=("sqlite", "postgresql"), help="one database (implies --no-write)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print, do not touch docs/performance.md"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    os.environ.setdefault("FANGKONG_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    import django

    django.setup()
    source = Path(tempfile.gettempdir()) / f"fangkong_import_{args.rows}.csv"
    if not source.exists():
        write_csv(source, args.rows)
    results = []
    urls = [f"sqlite:///{args.sqlite_path}", args.pg_url]
    if args.only:
        urls = [urls[args.only == "postgresql"]]
        args.no_write = True
    for url in urls:
        prepare_database(url)
        command = [sys.executable, __file__, "--child", "--url", url, "--csv", str(source),
                   "--workers", str(args.workers), "--peer-rows", str(args.peer_rows)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"the run on {url} failed")
        results.append(json.loads(line[7:]))
        print(line)
    if args.only:
        return
    body = report(results, args)
    print(body)
    if not args.no_write:
        write_section(REPORT, "people_import_bench", body)


def report(results: list[dict], args: argparse.Namespace) -> str:
    rows = []
    for r, name in zip(
        results, ("SQLite (executemany baseline)", "PostgreSQL (COPY baseline)"), strict=True
    ):
        rate = r["rows"] / r["import_s"]
        base = r["rows"] / r["baseline_s"]
        peer_rate = r["peer_rows"] / r["peer_s"]
        ours_small = r["peer_rows"] / r["ours_small_s"]
        rows.append([
            name, f"{r['rows']:,}", f"{base:,.0f}", f"{rate:,.0f}", f"{r['import_s'] / r['baseline_s']:.1f}×",  # noqa: E501
            f"{r['peak_own_mb']:.0f} / {r['peak_workers_mb']:.0f}", f"{r['rows'] / r['again_s']:,.0f}",  # noqa: E501
            f"{peer_rate:,.0f}", f"{ours_small:,.0f}", f"{ours_small / peer_rate:.0f}×",
        ])  # fmt: skip
    parts = []
    for r, name in zip(results, ("SQLite", "PostgreSQL"), strict=True):
        p = r["baseline_parts"]
        tables = sum(p.values())
        parts.append(
            f"{name}: persons {p['people_person']:.1f} s,"
            f" journeys {p['people_travelrecord']:.1f} s,"
            f" households {p['people_household']:.1f} s,"
            " commit (deferred foreign-key checks)"
            f" {r['baseline_s'] - tables:.1f} s"
        )
    command = "uv run python bench/people_import_bench.py" + (
        f" --rows {args.rows}" if args.rows != 1_000_000 else ""
    )
    return "\n".join(
        [
            f"## Registry import, {args.rows:,} persons with households and journeys (CSV)",
            "",
            f"`{shlex.join(command.split())}` — {datetime.date.today():%Y-%m-%d}; {machine(args.pg_url)}.",  # noqa: E501
            "",
            "Rows per second. *Baseline*: the same rows already sealed and hashed, with their ids,",
            "written to the same empty tables (indexes in place) by plain COPY (PostgreSQL) or plain",  # noqa: E501
            "executemany (SQLite); *import*: fangkong's importer on the raw CSV, cleaning in "
            f"{args.workers} worker processes; *again*: the same file a second time (nothing new);",
            f"*peer*: django-import-export, a plain ModelResource for persons only, on {args.peer_rows:,}",  # noqa: E501
            "rows, next to fangkong's importer on the same rows (which also writes households and",
            "journeys). Peak memory: importing process / largest worker, MB. One run each: the rows",  # noqa: E501
            "are many and the run long, so one run is its own median over the batches.",
            "",
            table(
                [
                    "database",
                    "rows",
                    "baseline",
                    "import",
                    "import / baseline time",
                    "peak MB",
                    "again",
                    "peer",
                    "fangkong, same rows",
                    "fangkong / peer",
                ],
                rows,
            ),
            "",
            "Where the baseline's time goes — " + "; ".join(parts) + ".",
        ]
    )


if __name__ == "__main__":
    main()
