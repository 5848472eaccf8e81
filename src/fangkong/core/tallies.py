"""Counts kept current on write, for figures that would otherwise count a district.

A tally table holds one row per key (a unit, or a campaign and a unit) with integer
columns. Writers add signed amounts through :func:`add`, in the transaction of the
change they count; readers sum the rows of a subtree (a district has ~1,000 grids,
not 350,000 households). Each tally has a ``recount`` that rebuilds it from the rows
it counts, and the tests compare the two after every kind of write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import connection, models


def add(
    model: type[models.Model],
    keys: Sequence[str],
    amounts: Mapping[tuple[int, ...], Sequence[int]],
    columns: Sequence[str],
) -> None:
    """Add ``amounts[key][i]`` to ``columns[i]`` of the row at ``key``, creating it at 0.

    Keys are taken in order, so that two writers lock the same rows in the same order.
    """
    rows = [(*key, *values) for key, values in sorted(amounts.items()) if any(values)]
    _upsert(model, keys, columns, rows, "{table}.{c} + excluded.{c}")


def replace(
    model: type[models.Model],
    keys: Sequence[str],
    counts: Iterable[tuple[int, ...]],
    columns: Sequence[str],
) -> None:
    """Write ``counts`` (key values then column values) over what the rows held."""
    _upsert(model, keys, columns, list(counts), "excluded.{c}")


def _upsert(
    model: type[models.Model],
    keys: Sequence[str],
    columns: Sequence[str],
    rows: list[tuple[int, ...]],
    new_value: str,
) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = [*keys, *columns]
    marks = ", ".join(["%s"] * len(names))
    sets = ", ".join(f"{c} = {new_value.format(table=table, c=c)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}",
            rows,
        )
