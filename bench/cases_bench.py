"""Transmission chains and same-trip matching at scale (PostgreSQL).

Run by hand, never in CI (about ten minutes; writes docs/performance.md):

    uv run python bench/cases_bench.py
    uv run python bench/cases_bench.py --small --no-write

On a fresh PostgreSQL database (--pg-url; dropped and created here, dropped again at the end
unless --keep): the org-unit tree of the import benchmark (1,111 units), then, by COPY,
20,000 cases in chains of five (each case's person is a close contact of the one before),
each with ~45 close contacts and 4 secondary ones (1,000,000 contacts, ~1,000,000 persons;
a close contact of one case is often a contact of the next too); 1,000,000 registry journeys
on 400 train numbers over 60 days; 5,000,000 checkpoint passages (300,000 car plates and 200
coaches seen daily) with 6,500,000 travellers; one train trip per case and a car trip for half
of them, taken from the loaded journeys and passages so that they have passengers. Secondary
indexes are built after the COPY and foreign-key triggers are off while it runs (the rows
are generated consistent); then VACUUM ANALYZE, what autovacuum would have done.

Then, over --queries random cases each: the baseline, a plain indexed look-up of a person's
contacts (`SELECT ... FROM cases_contact WHERE source_id = %s`); `chains.walk(person, 5)`;
`chains.tree(person, 5)`; `trips.same_trip(case)` as the district's epidemiologist (each
call with a fresh user object, so that loading the grants is part of it, as in a request).
--small: a tenth of everything, for a quick run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from units_bench import (  # noqa: E402
    REPORT,
    drop_database,
    machine,
    ms,
    percentile,
    prepare_database,
    table,
    write_section,
)

FULL = {"cases": 20_000, "travels": 1_000_000, "passages": 5_000_000, "trains": 400,
        "plates": 300_000, "coaches": 200, "checkpoints": 20}  # fmt: skip
SMALL = {"cases": 2_000, "travels": 100_000, "passages": 500_000, "trains": 100,
         "plates": 30_000, "coaches": 40, "checkpoints": 10}  # fmt: skip
CHAIN = 5  # cases per chain: walking five steps from the first reaches the last one's contacts
CLOSE = 45  # close contacts per case, besides the next case of its chain
SECONDARY = (2, 2)  # close contacts with secondary contacts, and secondary contacts each
DAYS = 60  # the epidemic so far, ending yesterday
PROVINCES = "鲁鄂豫冀苏皖京"
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
BIG_TABLES = ("people_person", "cases_contact", "people_travelrecord", "checkpoints_passage",
              "checkpoints_traveller")  # fmt: skip


# --- loading ---------------------------------------------------------------------------------


def copy_rows(cursor: Any, table_name: str, columns: str, lines: Iterable[str]) -> int:
    """COPY the tab-separated ``lines`` into ``table_name``; the number of rows."""
    count = 0
    buffer: list[str] = []
    with cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy:
        for line in lines:
            buffer.append(line)
            if len(buffer) == 20_000:
                copy.write("".join(buffer))
                count += len(buffer)
                buffer.clear()
        copy.write("".join(buffer))
        count += len(buffer)
    return count


def secondary_indexes(cursor: Any, table_name: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = %s AND NOT EXISTS (
             SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexname::regclass)""",
        [table_name],
    )
    return list(cursor.fetchall())


class Plan:
    """What the generator decides once and the loaders share."""

    def __init__(self, scale: dict[str, int], rng: random.Random) -> None:
        from fangkong.core.crypto import encrypt
        from fangkong.orgunits.models import Level, OrgUnit
        from fangkong.people.testing import mobile, resident_id

        self.scale = scale
        self.rng = rng
        self.grids = list(
            OrgUnit.objects.filter(level=Level.GRID).order_by("path").values_list("id", "path")
        )
        # Sealed numbers from a pool: decrypting one costs what decrypting any costs.
        born = datetime.date(1960, 1, 1)
        self.ids = [encrypt(resident_id(born=born + datetime.timedelta(days=7 * n), seq=n % 1000))
                    for n in range(1000)]  # fmt: skip
        self.phones = [encrypt(mobile(n)) for n in range(1000)]
        self.today = datetime.date.today()
        self.first_day = self.today - datetime.timedelta(days=DAYS)
        self.trains = [f"{'GDKZT'[n % 5]}{100 + n * 7}" for n in range(scale["trains"])]
        self.plates = [self._plate() for _ in range(scale["plates"])]
        self.coaches = [self._plate() for _ in range(scale["coaches"])]
        self.persons = 0  # persons generated so far; case persons are 1..cases
        self.trip_plates: list[tuple[str, datetime.date]] = []  # (plate, local day) for trips

    def _plate(self) -> str:
        rng = self.rng
        return (rng.choice(PROVINCES) + rng.choice(SERIAL[:24])
                + "".join(rng.choice(SERIAL) for _ in range(5)))  # fmt: skip

    def grid(self, pid: int) -> tuple[int, str]:
        return self.grids[(pid * 2654435761) % len(self.grids)]

    def day(self, n: int) -> datetime.date:
        return self.first_day + datetime.timedelta(days=n)

    # Persons: the cases' persons first (1..cases), then everyone else as they are needed.
    def person_lines(self, count: int) -> Iterator[str]:
        for pid in range(1, count + 1):
            unit, path = self.grid(pid)
            sealed = self.ids[pid % 1000]
            yield (f"{pid}\t居民{pid}\tresident\t{sealed}\t\\N\tU\t{self.phones[pid % 1000]}\t\t"
                   f"\t\t\t\timport\tclear\t{path}\t{unit}\n")  # fmt: skip

    def case_lines(self) -> Iterator[str]:
        for i in range(1, self.scale["cases"] + 1):
            _unit, path = self.grid(i)
            kind = "asymptomatic" if i % 10 == 0 else "confirmed"
            onset = "\\N" if kind == "asymptomatic" else self.day(i % DAYS).isoformat()
            at = f"{self.day(i % DAYS)} 10:00:00+08"
            yield (f"{i}\t{path}\t370102-2020-{i:05d}\t{kind}\t{onset}\t{at}\t{at}\t区人民医院"
                   f"\t\ttreatment\tf\t\t\t{i}\n")  # fmt: skip

    def contact_lines(self) -> Iterator[str]:
        cases = self.scale["cases"]
        self.persons = cases
        cid = 0
        shared = 0  # a close contact of the case before, in contact with this case too

        def line(case: int, source: int, person: int, level: str, via: int | None) -> str:
            nonlocal cid
            cid += 1
            day = self.day(case % DAYS)
            return (f"{cid}\t{self.grid(person)[1]}\t\thousehold\t{day}\t{level}\tfound\t"
                    f"\t{case}\t{person}\t{source}\t{'' if via is None else via}\n").replace(
                "\t\n", "\t\\N\n")  # fmt: skip

        for case in range(1, cases + 1):
            k = (case - 1) % CHAIN
            closes: list[tuple[int, int]] = []  # (contact id, person)
            people = []
            if k and shared:
                people.append(shared)
            while len(people) < CLOSE:
                self.persons += 1
                people.append(self.persons)
            if k < CHAIN - 1 and case < cases:
                people.append(case + 1)  # the next case of the chain
            for person in people:
                yield line(case, case, person, "close", None)
                closes.append((cid, person))
            shared = closes[1][1]
            for via, parent in closes[: SECONDARY[0]]:
                for _ in range(SECONDARY[1]):
                    self.persons += 1
                    yield line(case, parent, self.persons, "secondary", via)

    def travel_lines(self) -> Iterator[str]:
        rng = self.rng
        cases = self.scale["cases"]
        for r in range(self.scale["travels"]):
            span = self.persons - cases
            pid = cases + 1 + r % span
            # A person's second journey (when journeys outnumber persons) from elsewhere,
            # so that it is never the first one again (the unique journey key).
            origin = "420100\t湖北省武汉市" if r < span else "420200\t湖北省黄石市"
            number = self.trains[min(int(rng.expovariate(4 / len(self.trains))),
                                     len(self.trains) - 1)]  # fmt: skip
            arrived = rng.randrange(1, DAYS)
            roll = rng.random()
            departed = (
                self.day(arrived).isoformat() if roll < 0.7
                else self.day(arrived - 1).isoformat() if roll < 0.9 else "\\N"
            )  # fmt: skip
            seat = f"{rng.randrange(1, 17):02d}车{rng.randrange(1, 20)}{rng.choice('ABCDF')}"
            yield (f"{pid}\t{origin}\t{departed}\t{self.day(arrived)}\ttrain\t{number}"
                   f"\t{seat}\t\t\timport\t{self.grid(pid)[1]}\n")  # fmt: skip

    def passage_lines(self, checkpoints: list[tuple[int, str]]) -> Iterator[str]:
        rng = self.rng
        total = self.scale["passages"]
        every = max(1, total // (self.scale["cases"] // 2))
        start = datetime.datetime.combine(self.first_day, datetime.time())
        for pid in range(1, total + 1):
            checkpoint, path = checkpoints[pid % len(checkpoints)]
            if rng.random() < 0.05:
                plate, vehicle = rng.choice(self.coaches), "bus"
            else:
                plate, vehicle = rng.choice(self.plates), "car"
            at = start + datetime.timedelta(seconds=rng.randrange(DAYS * 86400))
            if pid % every == 0:
                self.trip_plates.append((plate, at.date()))
            dest = self.grids[pid % len(self.grids)][0]
            yield (f"{pid}\t{path}\t{at:%Y-%m-%d %H:%M:%S}+08\tin\t{vehicle}\t{plate}\tt\t420100"
                   f"\t湖北省武汉市\t\t\t{checkpoint}\t{dest}\n")  # fmt: skip

    def traveller_lines(self, checkpoints: list[tuple[int, str]]) -> Iterator[str]:
        rng = self.rng
        tid = 0
        for pid in range(1, self.scale["passages"] + 1):
            path = checkpoints[pid % len(checkpoints)][1]
            for _ in range(3 if pid % 10 == 0 else 2 if pid % 10 == 1 else 1):
                tid += 1
                key = f"{tid:064x}" if tid % 2 else "\\N"
                person = rng.randrange(1, self.persons) if tid % 10 == 3 else "\\N"
                yield (f"{path}\t旅客{tid}\tresident\t{self.ids[tid % 1000]}\t{key}"
                       f"\t{self.phones[tid % 1000]}\t\t36.5\t[]\tf\tclear\t\t\t\t\t{pid}"
                       f"\t{person}\n")  # fmt: skip

    def trip_lines(self) -> Iterator[str]:
        """A train trip per case on a day its number ran; a car trip for half of the cases
        with a plate and a day seen at a checkpoint."""
        rng = self.rng
        cases = self.scale["cases"]
        for case in range(1, cases + 1):
            path = self.grid(case)[1]
            number = self.trains[min(int(rng.expovariate(4 / len(self.trains))),
                                     len(self.trains) - 1)]  # fmt: skip
            day = self.day(rng.randrange(1, DAYS))
            published = "t" if case % 3 == 0 else "f"
            yield f"{path}\ttrain\t{number}\t\t{day}\t武汉 – 济南\t05车12F\t{published}\t{case}\n"
            if case % 2 == 0 and self.trip_plates:
                plate, seen = self.trip_plates[(case // 2) % len(self.trip_plates)]
                yield f"{path}\tcar\t\t{plate}\t{seen}\t\t\tf\t{case}\n"


def load(plan: Plan) -> dict[str, tuple[int, float]]:
    """Every table of the benchmark; (rows, seconds) per table, and the index builds."""
    from django.db import connection

    from fangkong.checkpoints.models import Checkpoint
    from fangkong.orgunits.models import Level, OrgUnit

    streets = list(OrgUnit.objects.filter(level=Level.STREET).order_by("path"))
    for n in range(plan.scale["checkpoints"]):
        street = streets[n % len(streets)]
        Checkpoint.objects.create(unit=street, org_path=street.path, name=f"卡口{n + 1}",
                                  kind="highway")  # fmt: skip
    checkpoints = list(Checkpoint.objects.order_by("pk").values_list("id", "org_path"))
    timings: dict[str, tuple[int, float]] = {}
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no foreign-key triggers
        cursor.execute("SET maintenance_work_mem = '1GB'")
        dropped: list[tuple[str, str, str]] = []
        for name in BIG_TABLES:
            for index, definition in secondary_indexes(cursor, name):
                cursor.execute(f'DROP INDEX "{index}"')
                dropped.append((name, index, definition))
        steps: list[tuple[str, str, Callable[[], Iterable[str]]]] = [
            ("cases_case", "id, org_path, number, classification, onset_date, diagnosed_at, "
             "reported_at, reporting_institution, severity, outcome, imported, origin, note, "
             "person_id", plan.case_lines),
            ("cases_contact", "id, org_path, relation, setting, last_contact, level, state, "
             "gone_to, case_id, person_id, source_id, via_id", plan.contact_lines),
            ("people_person", "id, full_name, id_type, id_number, id_key, sex, phone, "
             "phone_key, relation, address, tags, note, source, risk_status, org_path, unit_id",
             lambda: plan.person_lines(plan.persons)),
            ("people_travelrecord", "person_id, origin_code, origin_name, departed_on, "
             "arrived_on, transport, transport_no, seat, plate, purpose, source, org_path",
             plan.travel_lines),
            ("checkpoints_passage", "id, org_path, passed_at, direction, vehicle, plate, "
             "plate_checked, origin_code, origin_name, destination_text, client_id, "
             "checkpoint_id, destination_id", lambda: plan.passage_lines(checkpoints)),
            ("checkpoints_traveller", "org_path, full_name, id_type, id_number, id_key, phone, "
             "phone_key, temperature, symptoms, fever, risk_status, risk_reason, referral, "
             "referral_outcome, referral_note, passage_id, person_id",
             lambda: plan.traveller_lines(checkpoints)),
            ("cases_trip", "org_path, transport, number, plate, day, route, seat, published, "
             "case_id", plan.trip_lines),
        ]  # fmt: skip
        for name, columns, lines in steps:
            began = time.perf_counter()
            rows = copy_rows(cursor, name, columns, lines())
            timings[name] = (rows, time.perf_counter() - began)
            print(f"{name}: {rows:,} rows in {timings[name][1]:.1f} s", flush=True)
        began = time.perf_counter()
        for _name, _index, definition in dropped:
            cursor.execute(definition)
        timings["indexes"] = (len(dropped), time.perf_counter() - began)
        print(f"{len(dropped)} indexes in {timings['indexes'][1]:.1f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        for name in (*BIG_TABLES, "cases_case", "cases_trip"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {name}))"
            )
        began = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum"] = (0, time.perf_counter() - began)
    return timings


# --- measuring -------------------------------------------------------------------------------


def measure(fn: Callable[[Any], Any], inputs: list[Any], warmup: list[Any]) -> tuple[float, float]:
    """(median, p95) in ms of one call per input, after calls on other inputs."""
    for item in warmup:
        fn(item)
    samples = []
    for item in inputs:
        began = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def compact_plan(text: str) -> str:
    keep = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(keep[:24])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/fangkong_cases_bench"
    )
    parser.add_argument("--small", action="store_true", help="a tenth of the rows")
    parser.add_argument("--queries", type=int, default=200, help="random cases per figure")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not args.pg_url.startswith("postgres"):
        parser.error("this benchmark needs PostgreSQL")
    if args.queries > 2000:
        parser.error("keep it bounded: at most 2000 queries per figure")
    scale = SMALL if args.small else FULL
    prepare_database(args.pg_url)
    os.environ["FANGKONG_DATABASE_URL"] = args.pg_url
    os.environ.setdefault("FANGKONG_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fangkong.accounts.models import User
    from fangkong.cases import chains, trips
    from fangkong.cases.models import Case, Contact
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_user

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from people_import_bench import build_tree

    district, _root = build_tree()
    epidemiologist = make_user("bench-cdc", Role.EPIDEMIOLOGIST, district)
    plan = Plan(scale, random.Random(2020))
    timings = load(plan)
    load_seconds = time.perf_counter() - started
    print(f"loaded in {load_seconds:.0f} s", flush=True)

    rng = random.Random(7)
    total_cases = scale["cases"]
    picked = rng.sample(range(1, total_cases + 1), args.queries + 20)
    cases = {c.pk: c for c in Case.objects.filter(pk__in=picked)}
    inputs = [cases[pk] for pk in picked[20:]]
    warmup = [cases[pk] for pk in picked[:20]]

    def baseline(case: Case) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, person_id FROM cases_contact WHERE source_id = %s", [case.person_id]
            )
            cursor.fetchall()

    def fresh() -> User:
        return User(pk=epidemiologist.pk, is_active=True, username=epidemiologist.username)

    # One pass over every input first, untimed (it also counts the results): the figures are
    # those of a server whose working set is in memory, for every query alike.
    passengers = {
        c.pk: sum(len(r.matches) + r.outside for r in trips.same_trip(actor=fresh(), case=c))
        for c in inputs
    }
    sizes = {
        "baseline": statistics.mean(
            Contact.objects.filter(source_id=c.person_id).count() for c in inputs
        ),
        "walk": statistics.mean(len(chains.walk(c.person_id, 5)) for c in inputs),
        "same_trip": statistics.mean(passengers.values()),
        "same_trip_max": max(passengers.values()),
    }
    figures = {
        "baseline": measure(baseline, inputs, warmup),
        "walk": measure(lambda c: chains.walk(c.person_id, 5), inputs, warmup),
        "tree": measure(lambda c: chains.tree(c.person_id, 5), inputs, warmup),
        "same_trip": measure(lambda c: trips.same_trip(actor=fresh(), case=c), inputs, warmup),
    }
    deepest = max(inputs, key=lambda c: len(chains.walk(c.person_id, 5)))
    depth = max((row[3] for row in chains.walk(deepest.person_id, 5)), default=0)
    for name, (median, p95) in figures.items():
        print(f"{name}: median {median:.2f} ms, p95 {p95:.2f} ms", flush=True)

    # The plans of one case with both kinds of trip.
    with_car = [c for c in inputs if c.trips.filter(plate__gt="").exists()]
    sample = max(with_car, key=lambda c: passengers[c.pk])
    numbered = list(sample.trips.exclude(number=""))
    plated = list(sample.trips.exclude(plate=""))
    plans = {
        "travel records (number and day)": trips.travel_records(numbered).explain(
            analyze=True, buffers=True
        ),
        "checkpoint travellers (plate and local day)": trips.checkpoint_travellers(plated).explain(
            analyze=True, buffers=True
        ),
    }
    with connection.cursor() as cursor:
        sql = chains._WALK.format(table="cases_contact")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, [sample.person_id, 5])
        plans["chains.walk, depth 5"] = "\n".join(row[0] for row in cursor.fetchall())

    counts = {name: rows for name, (rows, _s) in timings.items() if name.startswith(("c", "p"))}
    rows = [
        ["baseline: `SELECT id, person_id FROM cases_contact WHERE source_id = %s`",
         f"{sizes['baseline']:.0f} rows", ms(figures["baseline"][0]), ms(figures["baseline"][1]),
         ""],
        ["`chains.walk(person, 5)`", f"{sizes['walk']:.0f} edges (deepest: {depth} steps)",
         ms(figures["walk"][0]), ms(figures["walk"][1]), ""],
        ["`chains.tree(person, 5)`", "", ms(figures["tree"][0]), ms(figures["tree"][1]), ""],
        ["`trips.same_trip(case)`, district epidemiologist",
         f"{sizes['same_trip']:.0f} passengers (max {sizes['same_trip_max']})",
         ms(figures["same_trip"][0]),
         ms(figures["same_trip"][1]), "100 ms"],
    ]  # fmt: skip
    loads = [
        f"{name} {n:,} rows in {sec:.1f} s" for name, (n, sec) in timings.items() if name in counts
    ]
    loads += [f"{timings['indexes'][0]} secondary indexes built in {timings['indexes'][1]:.1f} s",
              f"VACUUM ANALYZE {timings['vacuum'][1]:.1f} s"]  # fmt: skip
    flags = " --small" if args.small else ""
    if args.queries != 200:
        flags += f" --queries {args.queries}"
    command = f"uv run python bench/cases_bench.py{flags}"
    body = "\n".join([
        f"## Transmission chains and same-trip matching, {counts['cases_contact']:,} contacts, "
        f"{counts['checkpoints_passage']:,} passages (PostgreSQL)",
        "",
        f"`{shlex.join(command.split())}` — {datetime.date.today():%Y-%m-%d}; "
        f"{machine(args.pg_url)}.",
        "",
        f"{counts['cases_case']:,} cases in chains of {CHAIN}, {counts['people_person']:,} "
        f"persons, {counts['people_travelrecord']:,} journeys on {scale['trains']} train "
        f"numbers, {counts['checkpoints_traveller']:,} travellers, {counts['cases_trip']:,} "
        f"trips; loaded by COPY in {load_seconds:.0f} s (secondary indexes built afterwards, "
        "then VACUUM ANALYZE). "
        f"Median and p95 of one call for each of {args.queries} random cases, after one "
        "untimed pass over them (the working set in memory, as on a busy server) and 20 calls "
        "on others; a fresh user object per `same_trip` call, so its grants query counts. "
        "The plans below are those of the sampled case with a car trip and the most "
        "passengers.",
        "",
        table(["query", "result (mean)", "median ms", "p95 ms", "target p95"], rows),
        "",
        "Load: " + "; ".join(loads) + ".",
        "",
        f"`same_trip` against its target: p95 {ms(figures['same_trip'][1])} ms for 100 ms. "
        "Its queries (the trips, the case's contacts, the journeys, the travellers, registry "
        "persons by document) take a few milliseconds even for the busiest train; most of "
        "the time is building the rows in Python, a masked ID number decrypted for each "
        "passenger. Both sides of the number match use the (transport_no, departed_on) "
        "index: a journey that arrived on the day departed at most "
        f"{trips.MAX_JOURNEY_DAYS} days before (a bounded range of the index) or has no "
        "departure date (the NULL range, which spans every day of that number: the rows "
        "removed by the filter below). An index on (transport_no, arrived_on) would make "
        "that side exact; at this size it is not needed. The plate match is one range of "
        "the partial `passage_plate` index (plate, passed_at) for the local day. "
        "`chains.walk` is one look-up per person reached in the unique index that leads",
        "with `source_id`. With PostgreSQL's JIT on (its default), the planner compiled this",
        "query on the full table and it took 12 ms (p95 19 ms); the application's connections",
        "now turn JIT off (`-c jit=off`, settings.py).",
        "",
        *[f"{what}:\n\n```\n{compact_plan(text)}\n```\n" for what, text in plans.items()],
    ])  # fmt: skip
    print(body)
    if not args.no_write:
        write_section(REPORT, "cases_bench", body)
        print(f"wrote {REPORT}")
    connection.close()
    if not args.keep:
        drop_database(args.pg_url)


if __name__ == "__main__":
    main()
