"""Clean rows into the database, a batch at a time, without the ORM.

New persons are appended (COPY on PostgreSQL, executemany on SQLite); known ones
(the same document key, or without a document the same name in the same
household) are updated only where the row says something new. A journey
already recorded is skipped by its unique key. Counts are kept for the job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from django.db import connection

from fangkong.people import tallies
from fangkong.people.importing import copytext
from fangkong.people.importing.copytext import PERSON_COLUMNS, TRAVEL_COLUMNS
from fangkong.people.importing.rows import Clean

LOOKUP_CHUNK = 900  # parameters per IN (...), safe on every SQLite build


def _chunks(items: Sequence[Any], size: int = LOOKUP_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


_NULL = "\\N"  # COPY text's NULL


def _cursor() -> Any:
    """A cursor for the loader's queries. On PostgreSQL, one that binds on the server:
    Django's binds on the client, quoting every element of the key arrays in Python."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        return psycopg.Cursor(connection.connection)
    return connection.cursor()


def _select_in(cursor: Any, sql: str, column: str, values: list[Any]) -> list[tuple]:
    """``sql`` with ``{where}`` standing for "``column`` is one of ``values``"."""
    if connection.vendor == "postgresql":
        cursor.execute(sql.format(where=f"{column} = ANY(%b)"), [values])
        return list(cursor.fetchall())
    found: list[tuple] = []
    for part in _chunks(values):
        cursor.execute(sql.format(where=f"{column} IN ({_marks(len(part))})"), list(part))
        found += cursor.fetchall()
    return found


class Loader:
    def __init__(self, *, created_by_id: int | None) -> None:
        self.created_by_id = created_by_id
        self.households: dict[tuple[int, str], int] = {}
        self.counts: Counter[str] = Counter()
        self.vendor = connection.vendor

    # -- households ------------------------------------------------------------

    def _household_ids(self, rows: list[Clean]) -> None:
        wanted: dict[tuple[int, str], Clean] = {}
        for row in rows:
            key = (row.unit_id, row.address_key)
            if row.address_key and key not in self.households:
                wanted.setdefault(key, row)
        if not wanted:
            return
        if self.vendor == "postgresql":
            self._pg_households(wanted)
            return
        self._read_households(list(wanted))
        new = [k for k in wanted if k not in self.households]
        if new:
            with _cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO people_household (unit_id, address, address_key, note, org_path,"
                    " created_at, updated_at) VALUES (%s, %s, %s, '', %s, CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP) ON CONFLICT (unit_id, address_key) DO NOTHING",
                    [(k[0], wanted[k].address, k[1], wanted[k].org_path) for k in new],
                )
            # SQLite takes one writer at a time: none can have added these since the read.
            self.counts["households"] += len(new)
            tallies.count(households=[(k[0], 1) for k in new])
            self._read_households(new)

    def _pg_households(self, wanted: dict[tuple[int, str], Clean]) -> None:
        """Insert the households not yet there and read every id, in one statement."""
        keys = list(wanted)
        with _cursor() as cursor:
            cursor.execute(
                "WITH r AS (SELECT * FROM unnest(%b::bigint[], %b::text[], %b::text[],"
                " %b::text[]) AS r(u, a, k, p)),"
                " added AS (INSERT INTO people_household (unit_id, address, address_key, note,"
                " org_path, created_at, updated_at) SELECT u, a, k, '', p, now(), now() FROM r"
                " ON CONFLICT (unit_id, address_key) DO NOTHING RETURNING unit_id, address_key, id)"
                " SELECT unit_id, address_key, id, true FROM added UNION ALL"
                " SELECT h.unit_id, h.address_key, h.id, false FROM people_household h"
                " JOIN r ON h.unit_id = r.u AND h.address_key = r.k",
                [[k[0] for k in keys], [wanted[k].address for k in keys], [k[1] for k in keys],
                 [wanted[k].org_path for k in keys]],
            )  # fmt: skip
            added = []
            for unit_id, address_key, pk, is_new in cursor.fetchall():
                self.households[(unit_id, address_key)] = pk
                if is_new:
                    added.append((unit_id, 1))
        self.counts["households"] += len(added)
        tallies.count(households=added)
        missing = [k for k in keys if k not in self.households]
        if missing:  # added by a concurrent import since this statement's snapshot
            self._read_households(missing)

    def _read_households(self, keys: list[tuple[int, str]]) -> None:
        with _cursor() as cursor:
            if self.vendor == "postgresql":
                # Arrays travel as one parameter each: no query text to build per key.
                cursor.execute(
                    "SELECT h.unit_id, h.address_key, h.id FROM people_household h JOIN"
                    " unnest(%b::bigint[], %b::text[]) AS k(u, a)"
                    " ON h.unit_id = k.u AND h.address_key = k.a",
                    [[k[0] for k in keys], [k[1] for k in keys]],
                )
                self.households.update({(u, a): pk for u, a, pk in cursor.fetchall()})
                return
            # A join from a temporary table of the keys: SQLite answers a row-value IN over
            # a VALUES list by scanning every household (42 ms a batch at 333,000).
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS import_keys (u INTEGER, k TEXT)")
            cursor.execute("DELETE FROM import_keys")
            cursor.executemany("INSERT INTO import_keys (u, k) VALUES (%s, %s)", keys)
            cursor.execute(
                "SELECT h.unit_id, h.address_key, h.id FROM import_keys"
                " JOIN people_household h ON h.unit_id = import_keys.u"
                " AND h.address_key = import_keys.k"
            )
            for unit_id, address_key, pk in cursor.fetchall():
                self.households[(unit_id, address_key)] = pk

    # -- persons ---------------------------------------------------------------

    def _existing(self, rows: list[Clean], households: list[int | None]) -> dict[int, tuple]:
        """Row index -> (id, phone_key, household_id, unit_id, relation, address) of the
        record it names."""
        found: dict[int, tuple] = {}
        keyed = {row.id_key: i for i, row in enumerate(rows) if row.id_key}
        columns = "id, phone_key, household_id, unit_id, relation, address"
        with _cursor() as cursor:
            sql = f"SELECT id_key, {columns} FROM people_person WHERE {{where}}"
            for key, *values in _select_in(cursor, sql, "id_key", list(keyed)):
                found[keyed[key]] = tuple(values)
            unkeyed = {
                (households[i], row.full_name): i
                for i, row in enumerate(rows)
                if not row.id_key and households[i] is not None
            }
            ids = sorted({h for h, _ in unkeyed if h is not None})
            sql = (
                f"SELECT household_id, full_name, {columns} FROM people_person WHERE {{where}}"
                " AND id_key IS NULL AND merged_into_id IS NULL"
            )
            for household, name, *values in _select_in(cursor, sql, "household_id", ids):
                index = unkeyed.get((household, name))
                if index is not None:
                    found[index] = tuple(values)
        return found

    def _insert_persons(self, rows: list[Clean], households: list[int | None]) -> list[int]:
        """Append ``rows`` as new persons; their ids on PostgreSQL (drawn from the sequence
        beforehand, so that their journeys need no second look-up), else an empty list."""
        columns = ", ".join(PERSON_COLUMNS)
        with _cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('people_person', 'id'))"
                    " FROM generate_series(1, %s)",
                    [len(rows)],
                )
                ids = [pk for (pk,) in cursor.fetchall()]
                lines = [
                    f"{pk}\t{row.copy_person}{_NULL if home is None else home}\n"
                    for pk, row, home in zip(ids, rows, households, strict=True)
                ]
                with cursor.copy(f"COPY people_person (id, {columns}) FROM STDIN") as copy:
                    copy.write("".join(lines))
                return ids
            cursor.executemany(
                f"INSERT INTO people_person ({columns}, created_at, updated_at) VALUES "
                f"({_marks(len(PERSON_COLUMNS))}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                [
                    (*copytext.person_values(row, self.created_by_id), home)
                    for row, home in zip(rows, households, strict=True)
                ],
            )
            return []

    def _update_persons(
        self, rows: list[Clean], households: list[int | None], known: dict[int, tuple]
    ) -> None:
        updates = []
        moves: list[tuple[int, int]] = []
        for index, (pk, phone_key, household, unit_id, relation, residence) in known.items():
            row = rows[index]
            new_household = households[index] if households[index] is not None else household
            new = (
                row.phone_key or phone_key, new_household, row.unit_id,
                row.relation or relation, row.residence or residence,
            )  # fmt: skip
            if new != (phone_key, household, unit_id, relation, residence):
                changed_phone = row.phone_key and row.phone_key != phone_key
                phone = row.phone_sealed if changed_phone else None
                updates.append((phone, *new, row.org_path, pk))
                if row.unit_id != unit_id:
                    moves.extend([(unit_id, -1), (row.unit_id, 1)])
        tallies.count(persons=moves)
        if not updates:
            return
        with _cursor() as cursor:
            cursor.executemany(
                "UPDATE people_person SET phone = COALESCE(%s, phone), phone_key = %s,"
                " household_id = %s, unit_id = %s, relation = %s, address = %s, org_path = %s,"
                " updated_at = CURRENT_TIMESTAMP WHERE id = %s",
                updates,
            )
            # A person who moved takes the journeys along into the new unit.
            cursor.executemany(
                "UPDATE people_travelrecord SET org_path = %s"
                " WHERE person_id = %s AND org_path <> %s",
                [(u[-2], u[-1], u[-2]) for u in updates],
            )
        self.counts["updated"] += len(updates)

    def _person_ids(self, rows: list[Clean], households: list[int | None]) -> list[int | None]:
        ids: list[int | None] = [None] * len(rows)
        by_key = {row.id_key: i for i, row in enumerate(rows) if row.id_key}
        by_home = {
            (households[i], row.full_name): i for i, row in enumerate(rows) if not row.id_key
        }
        with _cursor() as cursor:
            sql = "SELECT id_key, id FROM people_person WHERE {where}"
            for key, pk in _select_in(cursor, sql, "id_key", list(by_key)):
                ids[by_key[key]] = pk
            homes = sorted({h for h, _ in by_home if h is not None})
            sql = (
                "SELECT household_id, full_name, id FROM people_person WHERE {where}"
                " AND id_key IS NULL AND merged_into_id IS NULL"
            )
            for household, name, pk in _select_in(cursor, sql, "household_id", homes):
                index = by_home.get((household, name))
                if index is not None:
                    ids[index] = pk
        return ids

    # -- journeys --------------------------------------------------------------

    def _journeys(
        self, rows: list[Clean], person_ids: Sequence[int | None], *, fresh: bool = False
    ) -> None:
        """Record the rows' journeys, skipping those already recorded; ``fresh`` when every
        person was added by this batch, so that none can have one yet."""
        pairs = [
            (row, pk)
            for row, pk in zip(rows, person_ids, strict=True)
            if row.journey is not None and pk is not None
        ]
        if not pairs:
            return
        columns = ", ".join(TRAVEL_COLUMNS)
        conflict = "ON CONFLICT (person_id, origin_code, arrived_on, transport_no) DO NOTHING"
        with _cursor() as cursor:
            if self.vendor == "postgresql" and fresh:
                with cursor.copy(f"COPY people_travelrecord ({columns}) FROM STDIN") as copy:
                    copy.write("".join([f"{row.copy_journey}{pk}\n" for row, pk in pairs]))
                added = len(pairs)
            elif self.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS import_travel AS SELECT {columns}"
                    " FROM people_travelrecord WITH NO DATA"
                )
                with cursor.copy(f"COPY import_travel ({columns}) FROM STDIN") as copy:
                    copy.write("".join([f"{row.copy_journey}{pk}\n" for row, pk in pairs]))
                cursor.execute(
                    f"INSERT INTO people_travelrecord ({columns}, created_at) SELECT {columns},"
                    f" CURRENT_TIMESTAMP FROM import_travel {conflict}"
                )
                added = cursor.rowcount
                cursor.execute("TRUNCATE import_travel")
            else:
                before = connection.connection.total_changes
                cursor.executemany(
                    f"INSERT INTO people_travelrecord ({columns}, created_at) VALUES"
                    f" ({_marks(len(TRAVEL_COLUMNS))}, CURRENT_TIMESTAMP) {conflict}",
                    [(*copytext.journey_values(row, self.created_by_id), pk) for row, pk in pairs],
                )
                added = connection.connection.total_changes - before
        self.counts["travels"] += added

    # -- one batch -------------------------------------------------------------

    def load(self, rows: list[Clean]) -> None:
        if not rows:
            return
        if self.vendor == "postgresql":
            for row in rows:
                if not row.copy_person:  # not cleaned by a job's workers
                    copytext.prepare(row, self.created_by_id)
            # An import can be run again and adds nothing twice: losing the last commits
            # in a crash costs a re-run, not data. Waiting for each flush cost a third.
            with _cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        self._household_ids(rows)
        households = [
            self.households.get((r.unit_id, r.address_key)) if r.address_key else None for r in rows
        ]
        known = self._existing(rows, households)
        new = [i for i in range(len(rows)) if i not in known]
        added: list[int] = []
        if new:
            added = self._insert_persons([rows[i] for i in new], [households[i] for i in new])
            self.counts["created"] += len(new)
            tallies.count(persons=[(rows[i].unit_id, 1) for i in new])
        self._update_persons(rows, households, known)
        with_journeys = [i for i, r in enumerate(rows) if r.journey is not None]
        if not with_journeys:
            return
        if self.vendor == "postgresql":
            # New persons' journeys go straight in; known persons' may be there already.
            person_of = dict(zip(new, added, strict=True))
            fresh = [i for i in with_journeys if i in person_of]
            if fresh:
                ids = [person_of[i] for i in fresh]
                self._journeys([rows[i] for i in fresh], ids, fresh=True)
            again = [i for i in with_journeys if i in known]
            if again:
                ids = [known[i][0] for i in again]
                self._journeys([rows[i] for i in again], ids)
        else:
            subset = [rows[i] for i in with_journeys]
            self._journeys(subset, self._person_ids(subset, [households[i] for i in with_journeys]))
