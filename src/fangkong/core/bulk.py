"""Many rows of a few models, written without the ORM's per-value compiling.

``bulk_create`` spends ~5 µs on every value it prepares and ~1 ms compiling each
statement; on the checkpoint upload path that was most of a request. Here plain values
(text, numbers, booleans, keys) go as they are, and only fields that transform their
value (sealed text, JSON, dates, decimals) are asked to prepare it. Columns with a
database default are left to the database. A foreign key whose object was saved after
it was assigned takes that object's key, as ``save()`` does.

- :func:`insert`: one multi-row ``INSERT … RETURNING id`` per chunk, any database.
- :class:`Writer` (PostgreSQL): keys drawn from the sequences beforehand, then every
  table's rows as arrays into one fixed statement a table (prepared once per connection),
  all sent in one pipeline: a batch costs two round trips whatever it holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import psycopg
from django.db import DatabaseError, IntegrityError, connection, models

# Field classes (exactly these, not subclasses: a sealed text field is a subclass) whose
# Python value is already what the database takes.
_PLAIN = frozenset({
    models.CharField, models.TextField, models.BooleanField, models.IntegerField,
    models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
    models.PositiveSmallIntegerField, models.ForeignKey,
})  # fmt: skip
MAX_PARAMS = 30_000  # below SQLite's 32,766 and PostgreSQL's 65,535


@dataclass(frozen=True)
class _Column:
    name: str
    attname: str
    field: models.Field  # type: ignore[type-arg]
    plain: bool
    relation: bool  # a foreign key: take the key of an object saved since


@cache
def _columns(model: type[models.Model]) -> tuple[_Column, ...]:
    columns = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.has_db_default():  # type: ignore[attr-defined]
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            # Refused outright: a silently empty date would be worse. Use db_default.
            raise TypeError(f"{f}: core.bulk leaves auto_now fields to db_default")
        columns.append(_Column(f.column, f.attname, f, _plain(f), isinstance(f, models.ForeignKey)))
    return tuple(columns)


def _plain(field: models.Field) -> bool:  # type: ignore[type-arg]
    if type(field) is models.ForeignKey:
        return type(field.target_field) in {models.AutoField, models.BigAutoField}  # type: ignore[attr-defined]
    return type(field) in _PLAIN


def _value(obj: models.Model, column: _Column) -> Any:
    value = getattr(obj, column.attname)
    if column.relation and value is None and column.field.is_cached(obj):  # type: ignore[attr-defined]
        related = column.field.get_cached_value(obj)  # type: ignore[attr-defined]
        if related is not None and related.pk is not None:
            value = related.pk
            setattr(obj, column.attname, value)
    return value if column.plain else column.field.get_db_prep_save(value, connection)


def _saved(obj: models.Model, key: Any) -> None:
    obj.pk = key
    obj._state.adding = False
    obj._state.db = connection.alias


def insert(objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (all of one model) and set their primary keys, in order."""
    if not objs:
        return
    model = type(objs[0])
    columns = _columns(model)
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(c.name) for c in columns)
    )
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    pk = model._meta.pk
    assert pk is not None
    per_chunk = max(1, MAX_PARAMS // max(1, len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_chunk):
            chunk = objs[start : start + per_chunk]
            params = [_value(obj, c) for obj in chunk for c in columns]
            cursor.execute(
                head + ", ".join([row] * len(chunk)) + f" RETURNING {quote(pk.column)}", params
            )
            for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                _saved(obj, key)


@cache
def _array_insert(model: type[models.Model]) -> str:
    """``INSERT … SELECT * FROM unnest(<one array a column>)``, the key given."""
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    names = [pk.column, *(c.name for c in _columns(model))]
    types = [pk.rel_db_type(connection)] + [  # type: ignore[attr-defined]
        c.field.db_type(connection) for c in _columns(model)
    ]
    return "INSERT INTO {} ({}) SELECT * FROM unnest({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(n) for n in names),
        ", ".join(f"%s::{t}[]" for t in types),
    )


@cache
def _sequence(model: type[models.Model]) -> str:
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, pk.column])
        return str(cursor.fetchone()[0])  # type: ignore[index]


def draw_query(counts: dict[type[models.Model], int]) -> tuple[str, list[Any]]:
    """One statement that draws ``n`` keys per model; read its row with :func:`drawn`."""
    sql = "SELECT " + ", ".join(
        "ARRAY(SELECT nextval(%s) FROM generate_series(1, %s))" for _m in counts
    )
    return sql, [x for m, n in counts.items() for x in (_sequence(m), n)]


def drawn(
    counts: dict[type[models.Model], int], row: Sequence[Any]
) -> dict[type[models.Model], list[int]]:
    return {m: list(keys) for m, keys in zip(counts, row, strict=True)}


class Writer:
    """PostgreSQL: look-ups in one round trip, writes to several tables in another.

    Draw keys with :func:`draw_query` (among the :meth:`select` queries), assign them,
    then ``add(objs)`` per table in the order of their foreign keys and :meth:`flush`.
    Must run inside a transaction.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self.conn: psycopg.Connection[Any] = connection.connection  # type: ignore[assignment]
        self.pending: list[tuple[str, list[list[Any]]]] = []

    def add(self, objs: Sequence[models.Model]) -> None:
        """Queue ``objs`` (one model, keys set) for :meth:`flush`."""
        if not objs:
            return
        model = type(objs[0])
        columns = _columns(model)
        arrays: list[list[Any]] = [[obj.pk for obj in objs]]
        arrays += [[_value(obj, c) for obj in objs] for c in columns]
        for obj in objs:
            _saved(obj, obj.pk)
        self.pending.append((_array_insert(model), arrays))

    def select(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
        """Each query's rows; all sent at once."""
        with _errors(), self.conn.pipeline():
            cursors = [psycopg.Cursor(self.conn).execute(sql, params) for sql, params in queries]
            return [cursor.fetchall() for cursor in cursors]

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        cursor = psycopg.Cursor(self.conn)
        with _errors(), self.conn.pipeline():
            for sql, arrays in pending:
                cursor.execute(sql, arrays)


@contextmanager
def _errors() -> Iterator[None]:
    """psycopg's errors as Django's, as the ORM raises them (a retry catches IntegrityError)."""
    try:
        yield
    except psycopg.IntegrityError as error:
        raise IntegrityError(*error.args) from error
    except psycopg.DatabaseError as error:
        raise DatabaseError(*error.args) from error
