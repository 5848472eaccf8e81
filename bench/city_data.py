"""The city of bench/city_bench.py, written by psycopg's binary COPY (never the ORM).

One root of level "district" standing for the city, 100 streets, 1,000 communities and
98,899 grids (100,000 units); a user answering for each unit; 10,000,000 persons spread over
the grids; 30 days of line lists at city rates (journeys, observations with the follow-up
slots of the open ones, fever referrals, cases, contacts, letters, checkpoint passages and
travellers with their hand-offs, a screening campaign); and 30 days of daily reports from
every unit, with the totals that reports.totals keeps on write, added up here.

A grid's computed indicators are counted from the line lists generated for it, and every unit
above reports the counts of its subtree, so that each report says what reports.prefill would
have computed. Deterministic (one seed); one function per table. Call after django.setup().
"""

from __future__ import annotations

import hashlib
import random
import time as clock
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate, pairwise
from typing import Any

import psycopg
from psycopg.types.json import Jsonb, set_json_dumps

SEED = 2020
FULL = {"units": 100_000, "streets": 100, "communities": 1_000, "persons": 10_000_000,
        "travels": 150_000, "observations": 50_000, "cases": 2_000, "contacts": 20_000,
        "passages": 200_000, "checkpoints": 60, "sites": 40}  # fmt: skip
DAYS = 30
# Missing, draft (begun, never submitted) and late shares of the reports, by level.
FATES = {"grid": (0.02, 0.005, 0.04), "community": (0.01, 0.005, 0.03),
         "street": (0.01, 0.0, 0.02), "district": (0.0, 0.0, 0.03)}  # fmt: skip
# (division code, name, weight); a fifth of the journeys come from Hubei (observed 14 days).
ORIGINS = [("420100", "湖北省武汉市", 14), ("420600", "湖北省襄阳市", 6), ("110000", "北京市", 10),
           ("310000", "上海市", 10), ("440300", "广东省深圳市", 10), ("370200", "山东省青岛市", 25),
           ("371300", "山东省临沂市", 25)]  # fmt: skip
SURNAMES, GIVEN = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平",
)
# Big tables: secondary indexes and unique constraints are dropped for the load and built after.
BIG = ("people_person", "reports_dailyreport", "observation_followup", "checkpoints_traveller",
       "checkpoints_passage", "checkpoints_handoff", "people_travelrecord")  # fmt: skip


def sizes(factor: float) -> dict[str, int]:
    out = {k: max(2, round(v * factor)) for k, v in FULL.items()}
    out["communities"] = out["streets"] * 10
    return out


def apportion(total: int, weights: list[int]) -> list[int]:
    bounds = [0, *(round(total * c / sum(weights)) for c in accumulate(weights))]
    return [b - a for a, b in pairwise(bounds)]


def copy_rows(conn: psycopg.Connection, table: str, columns: str, rows: Iterable[tuple]) -> int:
    """Binary COPY of ``rows`` (tuples in the order of ``columns``); how many were written."""
    names = [c.strip() for c in columns.split(",")]
    types = dict(conn.execute(
        "SELECT attname, atttypid::regtype::text FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0", [table]).fetchall())  # fmt: skip
    n = 0
    with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([types[c] for c in names])
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def detach(conn: psycopg.Connection, table: str) -> list[str]:
    """Drop ``table``'s unique constraints and indexes but its primary key; the statements
    that put them back as the migrations made them."""
    back = []
    for name, definition in conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'u'", [table]).fetchall():  # fmt: skip
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        back.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%%I', i.indexname)::regclass)",
        [table]).fetchall():  # fmt: skip
        conn.execute(f'DROP INDEX "{name}"')
        back.append(definition)
    return back


class City:
    """What the generator decides once; each ``*_rows`` method yields one table's rows."""

    def __init__(self, factor: float = 1.0, seed: int = SEED) -> None:
        from django.utils import timezone

        from fangkong.core.crypto import encrypt
        from fangkong.people.testing import mobile, resident_id
        from fangkong.reports.defaults import DEFAULTS

        self.size = sizes(factor)
        self.rng = random.Random(seed)
        self.zone = timezone.get_default_timezone()
        self.now = timezone.now()
        self.first = timezone.localdate() - timedelta(days=DAYS)  # the last day is yesterday
        self.codes = [d.code for d in DEFAULTS]
        self.template = "{" + ", ".join(f'"{c}": %d' for c in self.codes) + "}"  # values JSON
        self.computed = {d.code: n for n, d in enumerate(DEFAULTS) if d.source}
        # A report's values: the twelve computed indicators first, then the typed ones.
        assert list(self.computed.values()) == list(range(12)), "reports.defaults changed"
        assert len(self.codes) - 12 <= 3, "reports.defaults: more typed indicators than drawn"
        # Sealed numbers from pools: the benchmark counts, it never decrypts; each row still
        # gets a blind index of its own, so that the unique index is as large as in use.
        born = date(1950, 1, 1)
        self.sealed_ids = [encrypt(resident_id(born=born + timedelta(days=9 * n), seq=n % 1000))
                           for n in range(2000)]  # fmt: skip
        self.sealed_phones = [encrypt(mobile(n)) for n in range(2000)]
        self.names = [a + b + c for a in SURNAMES for b in GIVEN for c in ("", "华", "国")]
        self.keys = 0
        # Computed indicators per (grid number, day number): what a grid's report says.
        self.figures: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * 12)
        self.risk: dict[int, str] = {}  # person id: risk status, when not "clear"
        self.rows: dict[str, list[tuple]] = defaultdict(list)
        self._tree()

    # --- helpers -------------------------------------------------------------------------

    def key(self) -> str:
        self.keys += 1
        return hashlib.sha256(b"bench-city:%d" % self.keys).hexdigest()

    def at(self, day: int, seconds: float = 0) -> datetime:
        """Day number ``day`` (0: the first day) at ``seconds`` after local midnight."""
        midnight = datetime.combine(self.first + timedelta(days=day), time.min, self.zone)
        return midnight + timedelta(seconds=seconds)

    def day_of(self, moment: datetime) -> int:
        return (moment.astimezone(self.zone).date() - self.first).days

    def tick(self, grid: int, day: int, code: str, n: int = 1) -> None:
        if 0 <= day < DAYS:
            self.figures[(grid, day)][self.computed[code]] += n

    def grid_of(self, person: int) -> int:
        return bisect_right(self.starts, person - 1) - 1

    def person_path(self, person: int) -> tuple[int, int, str]:
        g = self.grid_of(person)
        return g, self.grid_ids[g], self.grid_paths[g]

    # --- the tree and its users --------------------------------------------------------------

    def _tree(self) -> None:
        s = self.size
        rng = self.rng
        streets, communities = s["streets"], s["communities"]
        grids = apportion(s["units"] - 1 - streets - communities, [1] * communities)
        per_grid = apportion(s["persons"], [rng.randint(60, 140) for _ in range(sum(grids))])
        self.starts = [0, *accumulate(per_grid)]
        # [id, code, name, level, parent, path, depth, children, residents] of every unit
        self.units: list[list[Any]] = []
        self.grid_ids, self.grid_paths, self.grid_names, self.grid_parent = [], [], [], []
        self.communities: list[tuple[int, str, int]] = []  # (id, path, street number)
        self.streets: list[tuple[int, str]] = []
        self.units.append([1, "370100000000", "泉城市", "district", None, "0001", 1, streets, 0])
        g = 0
        for st in range(streets):
            street = [len(self.units) + 1, f"370100{st + 1:03d}000", f"第{st + 1}街道", "street",
                      1, f"0001{st + 1:04d}", 2, 10, 0]  # fmt: skip
            self.units.append(street)
            self.streets.append((street[0], street[5]))
            for c in range(10):
                n = st * 10 + c
                community = [len(self.units) + 1, f"{street[1][:9]}{c + 1:03d}",
                             f"第{st + 1}街道第{c + 1}社区", "community", street[0],
                             f"{street[5]}{c + 1:04d}", 3, grids[n], 0]  # fmt: skip
                self.units.append(community)
                self.communities.append((community[0], community[5], st))
                for k in range(grids[n]):
                    unit_id = len(self.units) + 1
                    path, residents = f"{community[5]}{k + 1:04d}", per_grid[g]
                    self.units.append([unit_id, f"{community[1]}{k + 1:03d}", f"第{k + 1}网格",
                                       "grid", community[0], path, 4, 0, residents])  # fmt: skip
                    self.grid_ids.append(unit_id)
                    self.grid_paths.append(path)
                    self.grid_names.append(f"{community[2]}第{k + 1}网格")
                    self.grid_parent.append(len(self.communities) - 1)
                    for above in (community, street, self.units[0]):
                        above[8] += residents
                    g += 1

    def unit_rows(self) -> Iterator[tuple]:
        for u in self.units:
            yield (*u, round(u[8] / 2.8))

    def user_rows(self) -> Iterator[tuple]:
        joined = self.at(-60)
        for u in self.units:
            who = "网格员" if u[3] == "grid" else "值班员"
            yield (u[0], "!bench", False, f"u{u[1]}", "", "", "", False, True, joined,
                   u[2] + who, "")  # fmt: skip

    def assignment_rows(self) -> Iterator[tuple]:
        roles = {"grid": "grid_worker", "district": "commander"}
        for u in self.units:
            yield (u[0], roles.get(u[3], "officer"), u[5], u[0], u[0])

    # --- the line lists ------------------------------------------------------------------------

    def plan(self) -> None:
        """Every line list but the persons, in memory (the largest is ~1M follow-ups)."""
        s, rng = self.size, self.rng
        others = s["observations"] // 5
        wanted = s["travels"] + s["cases"] + s["contacts"] + others
        self.pool = iter(rng.sample(range(1, s["persons"] + 1), wanted))
        self.sites = [(n + 1, *self.streets[n % len(self.streets)]) for n in range(s["sites"])]
        self._cases()
        self._travels()
        for _ in range(others):
            start = rng.randrange(-13, DAYS)
            self.observe(next(self.pool), "fever" if rng.random() < 0.3 else "other", start,
                         self.first + timedelta(days=start - rng.randint(0, 3)), None)  # fmt: skip
        self._checkpoints()
        self._campaign()

    def observe(
        self, person: int, reason: str, start: int, exposed: date, travel: int | None
    ) -> int:
        """One observation from day number ``start``; its slots if still open; its counts."""
        from fangkong.observation.rules import day_slots, planned_end
        from fangkong.people.models import spread_times

        rng, rows = self.rng, self.rows
        g, unit, path = self.person_path(person)
        kind = "centralized" if rng.random() < (0.4 if "contact" in reason else 0.15) else "home"
        oid = len(rows["observation_observation"]) + 1
        end = planned_end(exposed, 14)
        end_day = (end - self.first).days
        state, ended = "active", None
        if self.at(end_day, 36000) <= self.now:
            roll = rng.random()
            state = "released" if roll < 0.95 else "transferred" if roll < 0.98 else "cancelled"
            ended = min(self.at(end_day, 36000 + rng.randrange(7200)), self.now)
            if state != "released":
                ended = self.at(
                    rng.randint(start, max(start, end_day - 1)), rng.randrange(30000, 80000)
                )
        elif rng.random() < 0.03:
            state = "escalated"
        site = self.sites[rng.randrange(len(self.sites))][0] if kind == "centralized" else None
        rows["observation_observation"].append((
            oid, path, kind, reason, exposed, self.first + timedelta(days=start), end, 14, state,
            ended, "", "", "", self.at(start, 36000), person, travel, unit, site))  # fmt: skip
        if state != "cancelled":
            self.tick(g, start, "observations_started")
            last = DAYS if ended is None else self.day_of(ended)
            for d in range(max(start, 0), min(last, DAYS)):
                self.tick(g, d, f"{kind}_observation")
            if state == "released":
                self.tick(g, last, "observations_released")
        if state in ("active", "escalated"):
            self.risk[person] = kind
            times = spread_times(2)
            days = [self.first + timedelta(days=d) for d in range(start, end_day + 1)]
            slots = [x for d in days for x in day_slots(d, times, self.zone)]
            fever = max((n for n, x in enumerate(slots) if x.closes_at <= self.now), default=-1)
            for n, x in enumerate(slots):
                fid = len(rows["observation_followup"]) + 1
                done = x.closes_at <= self.now and (n == fever or rng.random() < 0.95)
                hot = state == "escalated" and n == fever
                at = x.opens_at + timedelta(seconds=rng.randrange(600, 7200)) if done else None
                heat = Decimal("38.1") if hot else Decimal(f"36.{rng.randint(2, 9)}")
                how = rng.choice(("visit", "phone", "self"))
                rows["observation_followup"].append((
                    fid, path, x.day, x.index, x.opens_at, x.closes_at, at, heat if done else None,
                    "[]", how if done else "", hot, "", oid))  # fmt: skip
                if hot and at is not None:
                    self.referral(oid, path, g, at, None, fid)
        elif state != "cancelled" and rng.random() < 0.02:
            opened = self.at(rng.randint(start, max(start, self.day_of(ended) - 1)), 40000)
            self.referral(oid, path, g, opened, opened + timedelta(hours=6), None)
        return oid

    def referral(self, oid: int, path: str, g: int, opened: datetime, closed: datetime | None,
                 followup: int | None) -> None:  # fmt: skip
        rows = self.rows["observation_referral"]
        rows.append((len(rows) + 1, path, "体温37.3℃以上", "市第一人民医院发热门诊", opened,
                     "cleared" if closed else "", "", closed, followup, oid))  # fmt: skip
        self.tick(g, self.day_of(opened), "fever_referrals")

    def _cases(self) -> None:
        s, rng, rows = self.size, self.rng, self.rows
        weights = [1 + int(20 * 2.718 ** (-(((d - 12) / 6) ** 2))) for d in range(DAYS)]
        kinds = ["confirmed"] * 55 + ["suspected"] * 12 + ["clinical"] * 5 + ["asymptomatic"] * 18
        kinds += ["excluded"] * 10
        active = []
        for cid in range(1, s["cases"] + 1):
            person = next(self.pool)
            g, _unit, path = self.person_path(person)
            day = rng.choices(range(DAYS), weights)[0]
            reported = self.at(day, rng.randrange(28800, 79200))
            kind = rng.choice(kinds)
            onset = (
                None
                if kind == "asymptomatic"
                else self.first + timedelta(days=day - rng.randint(1, 7))
            )
            imported = rng.random() < 0.3
            rows["cases_case"].append((
                cid, path, f"370100-2020-{cid:05d}", kind, onset, reported - timedelta(hours=1),
                reported, "市第一人民医院", rng.choice(("mild", "moderate", "severe")),
                "treatment" if day > DAYS - 14 else "recovered", imported,
                "湖北省武汉市" if imported else "", "", reported, person))  # fmt: skip
            if kind in ("suspected", "confirmed", "asymptomatic"):
                self.tick(g, day, kind)
            if kind != "excluded":
                active.append((cid, person, reported))
        per_case = apportion(s["contacts"], [rng.randint(2, 18) for _ in active])
        for (cid, source, reported), n in zip(active, per_case, strict=True):
            first_close: tuple[int, int] | None = None
            for _ in range(n):
                self._contact(cid, source, reported, first_close)
                if first_close is None:
                    first_close = (
                        self.rows["cases_contact"][-1][0],
                        self.rows["cases_contact"][-1][11],
                    )

    def _contact(self, case: int, source: int, reported: datetime,
                 close: tuple[int, int] | None) -> None:  # fmt: skip
        rng, rows = self.rng, self.rows
        person = next(self.pool)
        g, _unit, path = self.person_path(person)
        secondary = close is not None and rng.random() < 0.1
        created = reported + timedelta(seconds=rng.randrange(3600, 108000))
        if created > self.now:
            created = self.now - timedelta(minutes=rng.randrange(1, 600))
        last = (reported - timedelta(days=rng.randint(0, 3))).astimezone(self.zone).date()
        roll = rng.random()
        state = ("observed" if roll < 0.65 else "found" if roll < 0.75 else "left" if roll < 0.83
                 else "traced" if roll < 0.85 else "ruled_out")  # fmt: skip
        observation = None
        if state == "observed":
            reason = "secondary_contact" if secondary else "close_contact"
            observation = self.observe(person, reason, self.day_of(created), last, None)
        contact = len(rows["cases_contact"]) + 1
        via, src = (close[0], close[1]) if secondary and close else (None, source)
        rows["cases_contact"].append((
            contact, path, "", rng.choice(("household", "work", "transport", "gathering")), last,
            "secondary" if secondary else "close", state, "湖北省武汉市" if state == "left" else "",
            created, case, observation, person, src, via))  # fmt: skip
        self.tick(g, self.day_of(created), "contacts_traced")
        if state == "left":
            self._letter(contact, person, path, g, created)

    def _letter(self, contact: int, person: int, path: str, g: int, created: datetime) -> None:
        rng, rows = self.rng, self.rows["cases_assistanceletter"]
        lid = len(rows) + 1
        sent = min(created + timedelta(hours=2), self.now)
        due = sent + timedelta(days=3)
        # Half answered, a quarter acknowledged; whatever has not happened by now has not.
        roll = rng.random()
        ack = sent + timedelta(hours=8) if roll < 0.75 else None
        result = sent + timedelta(days=1, hours=8) if roll < 0.5 else None
        ack, result = (
            (ack if ack and ack < self.now else None),
            (result if result and result < self.now else None),
        )
        state = "result" if result else "acknowledged" if ack else "sent"
        rows.append((
            lid, path, "out", f"泉协〔2020〕{lid}号", "武汉市新冠肺炎疫情防控指挥部",
            "湖北省武汉市", "密切接触，已离开本市", "", "", "", state, sent, due, ack,
            "已落实管控" if result else "", result, sent - timedelta(hours=1), person, 1,
            contact))  # fmt: skip
        self.tick(g, self.day_of(sent), "letters_sent")

    def _travels(self) -> None:
        rng, rows = self.rng, self.rows["people_travelrecord"]
        origins, weights = [o[:2] for o in ORIGINS], [o[2] for o in ORIGINS]
        for tid in range(1, self.size["travels"] + 1):
            person = next(self.pool)
            g, _unit, path = self.person_path(person)
            day = rng.randrange(DAYS)
            arrived = self.first + timedelta(days=day)
            code, name = rng.choices(origins, weights)[0]
            how = rng.choice(("train", "train", "car", "flight", "bus"))
            number = {
                "train": f"G{rng.randint(100, 999)}",
                "flight": f"MU{rng.randint(2000, 2999)}",
            }
            departed = arrived - timedelta(days=rng.random() < 0.3)
            rows.append((tid, person, code, name, departed, arrived, how, number.get(how, ""),
                         "", "", "返乡", "declaration", path, self.at(day, 50000)))  # fmt: skip
            self.tick(g, day, "arrivals")
            if code.startswith("42"):  # from Hubei: fourteen days of observation
                self.observe(person, "arrival", day, departed, tid)
            elif person not in self.risk and day > DAYS - 14:
                self.risk[person] = "monitoring"

    def _checkpoints(self) -> None:
        s, rng, rows = self.size, self.rng, self.rows
        kinds = ("highway", "railway", "bus", "gate")
        for n in range(s["checkpoints"]):
            unit, path = self.streets[n % len(self.streets)]
            rows["checkpoints_checkpoint"].append(
                (n + 1, path, f"卡口{n + 1}", kinds[n % 4], "both", True, unit)
            )
        origins, weights = [o[:2] for o in ORIGINS], [o[2] for o in ORIGINS]
        tid = 0
        for pid in range(1, s["passages"] + 1):
            cp = rng.randrange(s["checkpoints"])
            path = rows["checkpoints_checkpoint"][cp][1]
            passed = min(self.at(rng.randrange(DAYS), rng.randrange(86400)), self.now)
            inbound = rng.random() < 0.7
            code, name = rng.choices(origins, weights)[0]
            g = rng.randrange(len(self.grid_ids)) if inbound and rng.random() < 0.8 else None
            vehicle = rng.choice(("car",) * 7 + ("truck", "truck", "bus"))
            plate = f"鲁A{rng.randrange(10**5):05d}"
            rows["checkpoints_passage"].append((
                pid, path, passed, "in" if inbound else "out", vehicle, plate, True, code, name,
                self.grid_names[g] if g is not None else "", "", passed, cp + 1,
                self.grid_ids[g] if g is not None else None))  # fmt: skip
            for _ in range(1 + (rng.random() < 0.4) + (rng.random() < 0.1)):
                tid += 1
                fever = rng.random() < 1 / 300
                key, full_name = self.key(), rng.choice(self.names)
                handoff = (
                    self._handoff(g, key, full_name, name, passed, fever, cp + 1)
                    if g is not None
                    else None
                )
                rows["checkpoints_traveller"].append((
                    tid, path, full_name, "resident", self.sealed_ids[tid % 2000], key,
                    self.sealed_phones[tid % 2000], self.key(),
                    Decimal(f"{38 if fever else 36}.{rng.randint(1, 8)}"), "[]", fever,
                    "home" if code.startswith("42") else "clear", "", "closed" if fever else "",
                    "home" if fever else "", "", handoff, pid))  # fmt: skip

    def _handoff(self, g: int, key: str, name: str, origin: str, arrived: datetime, fever: bool,
                 checkpoint: int) -> int:  # fmt: skip
        rng, rows = self.rng, self.rows["checkpoints_handoff"]
        due = arrived + timedelta(hours=12)
        roll = rng.random()
        state, closed = "confirmed", arrived + timedelta(seconds=rng.randrange(1800, 41400))
        if roll < 0.03:
            closed = due + timedelta(seconds=rng.randrange(3600, 129600))
        elif roll < 0.04:
            state = "not_found"
        elif roll < 0.045:
            state = "left"
        elif roll < 0.05:
            state, closed = "open", None
        if closed is not None and closed > self.now:
            state, closed = "open", None
        hid = len(rows) + 1
        rows.append((hid, self.grid_paths[g], key, name, origin, "", arrived, due, state, fever,
                     "clear", "", closed, arrived, checkpoint, None, self.grid_ids[g]))  # fmt: skip
        # Overdue at the end of each day from its due time until it was closed.
        for d in range(max(self.day_of(due), 0), DAYS):
            if closed is not None and closed < self.at(d + 1):
                break
            self.tick(g, d, "overdue_handoffs")
        return hid

    def _campaign(self) -> None:
        rng, root = self.rng, self.units[0]
        self.rows["screening_campaign"].append(
            (1, "全市拉网式排查", self.first + timedelta(days=5), self.first + timedelta(days=20),
             "", root[5], self.at(4), root[0]))  # fmt: skip
        for n, (unit, residents) in enumerate(zip(self.grid_ids, self.starts[1:], strict=False)):
            households = round((residents - self.starts[n]) / 2.8)
            self.rows["screening_campaigntally"].append(
                (n + 1, round(households * rng.uniform(0.85, 1)), rng.randrange(4), 0, 1, unit)
            )
            self.rows["people_unittally"].append((unit, 0, residents - self.starts[n]))

    def person_rows(self) -> Iterator[tuple]:
        rng = self.rng
        births = [date(1930, 1, 1) + timedelta(days=n * 11) for n in range(2600)]
        for g, (unit, path) in enumerate(zip(self.grid_ids, self.grid_paths, strict=True)):
            for pid in range(self.starts[g] + 1, self.starts[g + 1] + 1):
                k = rng.getrandbits(11)
                yield (pid, self.names[k % len(self.names)], "resident", self.sealed_ids[k % 2000],
                       self.key(), births[k], "MF"[k & 1], self.sealed_phones[(k * 7) % 2000],
                       self.key(), "", "", "", "", "import", self.risk.get(pid, "clear"), path,
                       unit)  # fmt: skip

    # --- the daily reports and their totals ----------------------------------------------------

    def report_rows(self, totals: list[tuple]) -> Iterator[tuple]:
        """Every unit's report of each day, grids first; appends the totals to ``totals``."""
        ids = iter(range(1, 10**9))
        zeros = [0] * 12
        random = self.rng.random
        for number in range(DAYS):
            day = Day(self, number, ids)
            for g, unit in enumerate(self.grid_ids):
                # Masks handed out, volunteers on duty, places disinfected: as many as the
                # defaults have typed indicators.
                typed = [0 if random() < 0.4 else 20 + int(random() * 380), int(random() * 6),
                         int(random() * 4)][: len(self.codes) - 12]  # fmt: skip
                values = [*self.figures.get((g, number), zeros), *typed]
                community = self.communities[self.grid_parent[g]][0]
                if row := day.report(self.units[unit - 1], values, [community]):
                    yield row
            # A grid's report is in the totals of its community, its street and the city.
            for community, _path, street in self.communities:
                day.add((community, "grid"), [self.streets[street][0], 1])
            upper = [(c, [self.streets[st][0], 1]) for c, _path, st in self.communities]
            upper += [(street, [1]) for street, _path in self.streets] + [(1, [])]
            for unit, above in upper:
                if row := day.report(self.units[unit - 1], list(day.subtree[unit]), above):
                    yield row
            for (unit, level), sums in day.sums.items():
                totals.append((len(totals) + 1, day.on, level, *sums[:3],
                               self.template % tuple(sums[3:]), unit))  # fmt: skip


class Day:
    """One day of reports: whether each unit reports, when, and the sums above it."""

    def __init__(self, city: City, number: int, ids: Iterator[int]) -> None:
        from fangkong.reports.deadlines import deadline_at

        self.city, self.number, self.ids = city, number, ids
        self.on = city.first + timedelta(days=number)
        # Moments as POSIX seconds: comparing aware datetimes a few million times is slow.
        self.due = {level: deadline_at(level, self.on).timestamp() for level in FATES}
        self.now = city.now.timestamp()
        self.width = len(city.codes)
        # (unit, level of the reports): [reports, late, zero, *values] of the reports below.
        self.sums: dict[tuple[int, str], list[int]] = {}
        # Each unit's subtree: its line lists' counts and the typed figures reported below.
        self.subtree: dict[int, list[int]] = defaultdict(lambda: [0] * self.width)

    def add(self, key: tuple[int, str], above: list[int]) -> None:
        """Add the sums at ``key`` to the same level's sums of each unit in ``above``."""
        if (sums := self.sums.get(key)) is not None:
            for unit in above:
                mine = self.sums.setdefault((unit, key[1]), [0] * (3 + self.width))
                mine[:] = [x + y for x, y in zip(mine, sums, strict=True)]

    def report(self, unit: list, values: list[int], above: list[int]) -> tuple | None:
        """The unit's report, if any (missing, a draft, late or on time, a zero report when
        nothing happened, sometimes); counted in the sums of ``above`` and its parent's."""
        random = self.city.rng.random
        missing, draft, late = FATES[unit[3]]
        roll = random()
        parent = self.subtree[unit[4]] if unit[4] else None
        counted = any(values[:12])
        if parent is not None and counted:  # the line lists count, reported or not
            parent[:12] = [a + b for a, b in zip(parent[:12], values[:12], strict=True)]
        if roll < missing:
            return None
        if roll < missing + draft:
            made = min(self.city.at(self.number + 1, 28800), self.city.now)
            return (next(self.ids), unit[5], self.on, "draft", False, "{}", None, made, None,
                    unit[0])  # fmt: skip
        slow = roll < missing + draft + late
        at = self.due[unit[3]] + (300 + int(random() * 28500)) * (1 if slow else -2)
        if at > self.now:
            return None  # not in yet
        zero = not counted and random() < 0.6
        if zero:
            values[12:] = [0] * (self.width - 12)
        if parent is not None:
            parent[12:] = [a + b for a, b in zip(parent[12:], values[12:], strict=True)]
        for a in above:
            sums = self.sums.setdefault((a, unit[3]), [0] * (3 + self.width))
            sums[0] += 1
            sums[1] += slow
            sums[2] += zero
            sums[3:] = [x + y for x, y in zip(sums[3:], values, strict=True)]
        moment = datetime.fromtimestamp(at, UTC)
        return (next(self.ids), unit[5], self.on, "submitted", zero,
                self.city.template % tuple(values), moment, moment, unit[0], unit[0])  # fmt: skip


def generate(url: str, factor: float, keep_indexes: bool = False) -> dict[str, Any]:
    """Write the city into the migrated, empty database at ``url``; timings and row counts."""
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    began = clock.perf_counter()
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        set_json_dumps(lambda text: text, context=conn)  # values arrive as JSON text
        conn.execute("SET session_replication_role = replica")  # consistent by construction
        conn.execute("SET maintenance_work_mem = '1GB'")
        back = [] if keep_indexes else [s for t in BIG for s in detach(conn, t)]
        city = City(factor)
        started = clock.perf_counter()
        city.plan()
        timings["planning the line lists (Python)"] = clock.perf_counter() - started
        print(f"planned in {timings['planning the line lists (Python)']:.1f} s", flush=True)
        totals: list[tuple] = []
        steps: list[tuple[str, str, Any]] = [
            ("orgunits_orgunit", "id, code, name, level, parent_id, path, depth, last_child, "
             "residents, households", city.unit_rows()),
            ("accounts_user", "id, password, is_superuser, username, first_name, last_name, "
             "email, is_staff, is_active, date_joined, full_name, phone", city.user_rows()),
            ("accounts_assignment", "id, role, org_path, unit_id, user_id", city.assignment_rows()),
            ("people_person", "id, full_name, id_type, id_number, id_key, birth_date, sex, phone, "
             "phone_key, relation, address, tags, note, source, risk_status, org_path, unit_id",
             city.person_rows()),
            ("people_unittally", "unit_id, households, persons", None),
            ("people_travelrecord", "id, person_id, origin_code, origin_name, departed_on, "
             "arrived_on, transport, transport_no, seat, plate, purpose, source, org_path, "
             "created_at", None),
            ("observation_site", "id, unit_id, org_path, name, kind, address, contact, "
             "active", None),
            ("observation_observation", "id, org_path, kind, reason, last_exposure, starts_on, "
             "planned_end, days, state, ended_at, end_note, notice_number, note, created_at, "
             "person_id, travel_id, unit_id, site_id", None),
            ("observation_followup", "id, org_path, day, slot, opens_at, closes_at, recorded_at, "
             "temperature, symptoms, method, fever, note, observation_id", None),
            ("observation_referral", "id, org_path, reason, clinic, opened_at, outcome, "
             "outcome_note, closed_at, followup_id, observation_id", None),
            ("cases_case", "id, org_path, number, classification, onset_date, diagnosed_at, "
             "reported_at, reporting_institution, severity, outcome, imported, origin, note, "
             "created_at, person_id", None),
            ("cases_contact", "id, org_path, relation, setting, last_contact, level, state, "
             "gone_to, created_at, case_id, observation_id, person_id, source_id, via_id", None),
            ("cases_assistanceletter", "id, org_path, direction, number, authority, region, "
             "exposure, id_type, id_number, phone, state, sent_at, due_at, acknowledged_at, "
             "result, result_at, created_at, person_id, unit_id, contact_id", None),
            ("checkpoints_checkpoint", "id, org_path, name, kind, directions, active, "
             "unit_id", None),
            ("checkpoints_passage", "id, org_path, passed_at, direction, vehicle, plate, "
             "plate_checked, origin_code, origin_name, destination_text, client_id, created_at, "
             "checkpoint_id, destination_id", None),
            ("checkpoints_handoff", "id, org_path, key, full_name, origin_name, address, "
             "arrived_at, due_at, state, fever, risk_status, reason, closed_at, created_at, "
             "checkpoint_id, person_id, unit_id", None),
            ("checkpoints_traveller", "id, org_path, full_name, id_type, id_number, id_key, phone, "
             "phone_key, temperature, symptoms, fever, risk_status, risk_reason, referral, "
             "referral_outcome, referral_note, handoff_id, passage_id", None),
            ("screening_campaign", "id, name, starts_on, ends_on, note, org_path, created_at, "
             "unit_id", None),
            ("screening_campaigntally", "id, covered, arrivals, fevers, campaign_id, "
             "unit_id", None),
            ("reports_dailyreport", "id, org_path, day, state, zero, values, submitted_at, "
             "created_at, submitted_by_id, unit_id", city.report_rows(totals)),
            ("reports_reporttotal", "id, day, level, reports, late, zero, values, unit_id", totals),
        ]  # fmt: skip
        city.rows["observation_site"] = [
            (n, unit, path, f"集中隔离点{n}", "hotel", "", "", True) for n, unit, path in city.sites
        ]
        for table, columns, rows in steps:
            started = clock.perf_counter()
            counts[table] = copy_rows(
                conn, table, columns, city.rows[table] if rows is None else rows
            )
            timings[table] = clock.perf_counter() - started
            print(f"{table}: {counts[table]:,} rows in {timings[table]:.1f} s", flush=True)
        started = clock.perf_counter()
        for statement in back:
            conn.execute(statement)
        timings["indexes and constraints built after the load"] = clock.perf_counter() - started
        conn.execute("SET session_replication_role = DEFAULT")
        for table in counts:
            if table != "people_unittally":
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT coalesce(max(id), 1) FROM {table}))")  # fmt: skip
        started = clock.perf_counter()
        conn.execute("VACUUM ANALYZE")  # what autovacuum does after a load this size
        timings["VACUUM ANALYZE"] = clock.perf_counter() - started
        for step in ("indexes and constraints built after the load", "VACUUM ANALYZE"):
            print(f"{step}: {timings[step]:.1f} s", flush=True)
    timings["total"] = clock.perf_counter() - began
    # Pairs, not objects: jsonb does not keep the order of keys.
    return {"timings": list(timings.items()), "counts": list(counts.items()),
            "first_day": city.first.isoformat(),
            "factor": factor, "keep_indexes": keep_indexes,
            "generated_at": city.now.isoformat()}  # fmt: skip


def save_meta(url: str, meta: dict[str, Any]) -> None:
    """Mark the city complete, with how it was made (for --reuse)."""
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_city (meta jsonb NOT NULL)")
        conn.execute("DELETE FROM bench_city")
        conn.execute("INSERT INTO bench_city VALUES (%s)", [Jsonb(meta)])


def load_meta(url: str) -> dict[str, Any] | None:
    """The complete city's record, or None (no database, or generation did not finish)."""
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            row = conn.execute("SELECT meta FROM bench_city").fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None
