"""Hints to PostgreSQL's planner where its choice is measured to be wrong.

A walk down an index that stops at a ``LIMIT`` (the first 50 units that have not
reported, in the tree's order) is planned in parallel on a large table: each worker then
runs ahead of the limit and both do the whole work. At a city the list of the missing took
25 ms that way and 2.6 ms in one process (docs/performance.md, the city benchmark).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection


@contextmanager
def serial() -> Iterator[None]:
    """Queries inside run without parallel workers (PostgreSQL; elsewhere nothing)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET max_parallel_workers_per_gather")
        except DatabaseError:
            # A query inside failed and left the transaction aborted: its rollback undoes
            # the SET as well. Outside a transaction nothing is left aborted.
            if not connection.in_atomic_block:
                raise
