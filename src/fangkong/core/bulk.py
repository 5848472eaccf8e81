"""Many rows of a few models, written without the ORM's per-value compiling.

``bulk_create`` spends ~5 µs on every value it prepares and ~1 ms compiling each
statement; on the checkpoint upload path that was most of a request. Here plain values
(text, numbers, booleans, keys) go as they are, and only fields that transform their
value (sealed text, JSON, dates, decimals) are asked to prepare it. Columns with a
database default are left to the database. A foreign key whose object was saved after
it was assigned takes that object's key, as ``save()`` does.

- :func:`new`: an unsaved model as ``Model(**values)`` makes it, without the walk over
  every field that costs ~10 µs a model (a checkpoint upload makes a dozen).
- :func:`insert`: one multi-row ``INSERT … RETURNING id`` per chunk, any database.
- :class:`Writer` (PostgreSQL): keys drawn from the sequences beforehand, then every
  table's rows as one JSON document, all tables in one statement (``WITH … INSERT``): a
  batch costs two statements whatever it holds, the look-ups with the keys drawn and the
  rows. One statement, not a pipeline of several: psycopg spends ~70 µs of the client's
  CPU on a pipeline and ~25 µs on a statement (measured). The insert is prepared: its
  text is one of a few, its plan the same whatever the rows, and PostgreSQL then skips
  parsing and planning it (~180 µs of its CPU a batch, measured). The look-ups are not:
  their plans depend on the keys, and a generic plan for them was measured slower.
  JSON, not one array a column: psycopg dumps a list element by element in Python, which
  was a fifth of a checkpoint upload's time; orjson writes and reads it, ten times as
  fast as ``json`` on these rows. Look-ups go by :func:`text_array` literals for the same
  reason, and come back as JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from inspect import getattr_static
from ipaddress import IPv4Address, IPv6Address
from typing import Any, TypeVar
from uuid import UUID

import orjson
import psycopg
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    models,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from psycopg.types.json import Json, Jsonb

# Field classes (exactly these, not subclasses: a sealed text field is a subclass) whose
# Python value is already what the database takes.
_PLAIN = frozenset({
    models.CharField, models.TextField, models.BooleanField, models.IntegerField,
    models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
    models.PositiveSmallIntegerField, models.ForeignKey,
})  # fmt: skip
M = TypeVar("M", bound=models.Model)
MAX_PARAMS = 30_000  # below SQLite's 32,766 and PostgreSQL's 65,535


@dataclass(frozen=True)
class _Column:
    name: str
    attname: str
    field: models.Field  # type: ignore[type-arg]
    plain: bool
    relation: bool  # a foreign key: take the key of an object saved since
    # In a JSON document (Writer) the value goes as it is: it is plain, or JSON itself, or a
    # date and time (written with its offset; a naive one is prepared as the ORM would).
    raw_in_json: bool = False


@cache
def _columns(model: type[models.Model]) -> tuple[_Column, ...]:
    columns = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.has_db_default():  # type: ignore[attr-defined]
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            # Refused outright: a silently empty date would be worse. Use db_default.
            raise TypeError(f"{f}: core.bulk leaves auto_now fields to db_default")
        plain = _plain(f)
        raw = plain or type(f) in {models.JSONField, models.DateTimeField}
        columns.append(
            _Column(f.column, f.attname, f, plain, isinstance(f, models.ForeignKey), raw)
        )
    return tuple(columns)


def _plain(field: models.Field) -> bool:  # type: ignore[type-arg]
    if type(field) is models.ForeignKey:
        return type(field.target_field) in {models.AutoField, models.BigAutoField}  # type: ignore[attr-defined]
    return type(field) in _PLAIN


def _raw(obj: models.Model, column: _Column) -> Any:
    value = getattr(obj, column.attname)
    if column.relation and value is None and column.field.is_cached(obj):  # type: ignore[attr-defined]
        related = column.field.get_cached_value(obj)  # type: ignore[attr-defined]
        if related is not None and related.pk is not None:
            value = related.pk
            setattr(obj, column.attname, value)
    return value


def _value(obj: models.Model, column: _Column) -> Any:
    value = _raw(obj, column)
    return value if column.plain else column.field.get_db_prep_save(value, connection)


def _json_value(obj: models.Model, column: _Column, db: BaseDatabaseWrapper) -> Any:
    value = _raw(obj, column)
    if column.raw_in_json and not (isinstance(value, datetime) and value.tzinfo is None):
        return value
    return column.field.get_db_prep_save(value, db)


@dataclass(frozen=True)
class _Blank:
    """What ``Model()`` sets: the constant defaults by attname, the callable ones, and the
    relations by name (field, attname of the key it takes from the related object)."""

    defaults: dict[str, Any]
    makers: tuple[tuple[str, Any], ...]
    relations: dict[str, tuple[models.ForeignKey, str, str]]  # type: ignore[type-arg]
    attnames: frozenset[str]


@cache
def _blank(model: type[models.Model]) -> _Blank | None:
    """None where a field sets its value through a descriptor of its own: ``new`` would
    skip it, so such a model is made by ``Model(**values)``."""
    defaults: dict[str, Any] = {}
    makers = []
    relations = {}
    for f in model._meta.concrete_fields:
        if f.generated:  # type: ignore[attr-defined]
            continue
        if isinstance(f, models.ForeignKey):
            target = f.target_field.attname  # type: ignore[attr-defined]
            relations[f.name] = (f, f.attname, target)
        elif hasattr(getattr_static(model, f.attname, None), "__set__"):
            return None
        if f.has_default() and callable(f.default):
            makers.append((f.attname, f.default))
        else:
            defaults[f.attname] = f.get_default()
    names = {f.attname for f in model._meta.concrete_fields}
    return _Blank(defaults, tuple(makers), relations, frozenset(names))


def new(model: type[M], **values: Any) -> M:
    """``model(**values)``: fields by attname (a key as ``<name>_id``), relations by name
    (the object, cached as the ORM caches it). Anything else is refused."""
    blank = _blank(model)
    if blank is None or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**values)
    obj = model.__new__(model)
    obj._state = ModelState()
    d = obj.__dict__
    d.update(blank.defaults)
    for attname, make in blank.makers:
        d[attname] = make()
    for name, value in values.items():
        relation = blank.relations.get(name)
        if relation is not None:
            _relate(obj, name, relation, value)
        elif name in blank.attnames:
            d[name] = value
        else:
            raise TypeError(f"{model.__name__}() got an unexpected keyword argument {name!r}")
    return obj


def link(obj: models.Model, name: str, value: models.Model | None) -> None:
    """``obj.<name> = value`` for a foreign key, as the ORM's descriptor sets it (the key
    and the cached object), without its checks of the instances' databases: for objects
    made by :func:`new`, many at a time."""
    blank = _blank(type(obj))
    if blank is None or name not in blank.relations:
        setattr(obj, name, value)
        return
    _relate(obj, name, blank.relations[name], value)


def _relate(obj: models.Model, name: str, relation: tuple[Any, str, str], value: Any) -> None:
    field, attname, target = relation
    if value is not None and not isinstance(value, field.remote_field.model):
        raise ValueError(f"{type(obj).__name__}.{name} must be a {field.remote_field.model}")
    obj.__dict__[attname] = None if value is None else getattr(value, target)
    obj._state.fields_cache[name] = value


def _saved(obj: models.Model, key: Any, alias: str | None = None) -> None:
    obj.pk = key
    obj._state.adding = False
    obj._state.db = alias or connection.alias


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
def _json_insert(model: type[models.Model]) -> str:
    """``INSERT … SELECT`` the columns of the rows in one JSON document, the key given;
    columns with a database default are left out, so that it applies."""
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    names = ", ".join(quote(n) for n in [pk.column, *(c.name for c in _columns(model))])
    table = quote(model._meta.db_table)
    return (
        f"INSERT INTO {table} ({names}) "
        f"SELECT {names} FROM json_populate_recordset(NULL::{table}, %s::json)"
    )


def _json_default(value: Any) -> Any:
    """What orjson cannot write itself, as PostgreSQL reads it into the column."""
    if isinstance(value, Decimal | UUID | IPv4Address | IPv6Address):
        return str(value)
    if isinstance(value, Json | Jsonb):  # a JSON field's prepared value
        return value.obj
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    raise TypeError(f"core.bulk cannot write {type(value).__name__} values")


def rows_json(rows: list[dict[str, Any]]) -> str:
    """The rows as one JSON document. Dates and times as ISO 8601, with their offset."""
    return orjson.dumps(rows, default=_json_default, option=orjson.OPT_NON_STR_KEYS).decode()


def text_array(values: Sequence[str]) -> str:
    """A PostgreSQL array literal of ``values``, for a ``%s::text[]`` parameter: the
    planner sees the values (the plan is for them), and psycopg dumps one text, not a
    list element by element."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


@cache
def sequence(model: type[models.Model]) -> str:
    """The name of the sequence that draws ``model``'s keys."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, pk.column])
        return str(cursor.fetchone()[0])  # type: ignore[index]


def draw_query(counts: dict[type[models.Model], int]) -> tuple[str, list[Any]]:
    """One query that draws ``n`` keys per model; read its row with :func:`drawn`."""
    sql = "SELECT " + ", ".join(
        f"ARRAY(SELECT nextval(%s) FROM generate_series(1, %s)) AS k{n}"
        for n, _model in enumerate(counts)
    )
    return sql, [x for m, n in counts.items() for x in (sequence(m), n)]


def drawn(
    counts: dict[type[models.Model], int], row: Sequence[Any]
) -> dict[type[models.Model], list[int]]:
    return {m: list(keys) for m, keys in zip(counts, row, strict=True)}


def select_statement(queries: Sequence[tuple[str, Sequence[Any]]]) -> tuple[str, list[Any]]:
    """One statement that answers every query: a row of one JSON text a query (read it
    with :func:`selected`). For keys, texts, numbers and flags: JSON keeps no dates."""
    parts = ", ".join(
        f"(SELECT coalesce(json_agg(row_to_json(r)), '[]')::text FROM ({sql}) AS r)"
        for sql, _params in queries
    )
    return f"SELECT {parts}", [p for _sql, params in queries for p in params]


def selected(row: Sequence[str]) -> list[list[tuple[Any, ...]]]:
    return [[tuple(r.values()) for r in orjson.loads(text)] for text in row]


def insert_statement(pending: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """The inserts (:func:`_json_insert`, each with its document) as one statement, in
    their order (a foreign key between them is checked at commit, as Django declares)."""
    *first, last = [sql for sql, _document in pending]
    with_ = ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(first))
    return (f"WITH {with_} {last}" if with_ else last), [doc for _sql, doc in pending]


class Writer:
    """PostgreSQL: look-ups in one statement, writes to several tables in another.

    Draw keys with :func:`draw_query` (among the :meth:`select` queries), assign them,
    then ``add(objs)`` per table in the order of their foreign keys and :meth:`flush`.
    Must run inside a transaction.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self.conn: psycopg.Connection[Any] = connection.connection  # type: ignore[assignment]
        self.pending: list[tuple[str, str]] = []

    def add(self, objs: Sequence[models.Model]) -> None:
        """Queue ``objs`` (new objects of one model, keys set) for :meth:`flush`."""
        if not objs:
            return
        model = type(objs[0])
        columns = _columns(model)
        pk = model._meta.pk
        assert pk is not None
        db = connections[DEFAULT_DB_ALIAS]  # once: the ``connection`` proxy costs each time
        plain = [(c.name, c.attname) for c in columns if c.plain and not c.relation]
        other = [c for c in columns if not c.plain or c.relation]
        rows = []
        for obj in objs:
            values = obj.__dict__  # built in memory: it holds every column's value
            row = {name: values[attname] for name, attname in plain}
            for column in other:
                row[column.name] = _json_value(obj, column, db)
            row[pk.column] = obj.pk
            rows.append(row)
            _saved(obj, obj.pk, db.alias)
        self.pending.append((_json_insert(model), rows_json(rows)))

    def add_rows(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        """Queue rows of ``model`` given as columns (every column :meth:`add` would
        write, and the key), values as JSON writes them; for rows made many at a time,
        where building a model for each would cost more than the rest."""
        if not rows:
            return
        pk = model._meta.pk
        assert pk is not None
        expected = {pk.column, *(c.name for c in _columns(model))}
        if set(rows[0]) != expected:
            raise ValueError(f"{model.__name__} rows need exactly the columns {sorted(expected)}")
        self.pending.append((_json_insert(model), rows_json(rows)))

    def select(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
        """Each query's rows, as JSON gives them back; all in one statement."""
        with _errors():
            row = psycopg.Cursor(self.conn).execute(*select_statement(queries)).fetchone()
        assert row is not None
        return selected(row)

    def row(self, sql: str, params: Sequence[Any]) -> tuple[Any, ...]:
        """The one row of ``sql`` (a function's answer, say)."""
        with _errors():
            row = psycopg.Cursor(self.conn).execute(sql, params).fetchone()
        assert row is not None
        return row

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        with _errors():  # prepared: the same few texts again and again (see the module)
            psycopg.Cursor(self.conn).execute(*insert_statement(pending), prepare=True)


@contextmanager
def _errors() -> Iterator[None]:
    """psycopg's errors as Django's, as the ORM raises them (a retry catches IntegrityError)."""
    try:
        yield
    except psycopg.IntegrityError as error:
        raise IntegrityError(*error.args) from error
    except psycopg.DatabaseError as error:
        raise DatabaseError(*error.args) from error
