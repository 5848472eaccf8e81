"""planner.serial: no parallel workers inside, the setting as it was after, on errors too."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from fangkong.core import planner

pytestmark = pytest.mark.django_db


def _workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return str(cursor.fetchone()[0])


def test_serial_turns_parallel_workers_off_inside_only():
    if connection.vendor != "postgresql":
        with planner.serial():  # nothing to turn off, and nothing sent
            assert connection.vendor == "sqlite"
        return
    before = _workers()
    assert before != "0"
    with planner.serial():
        assert _workers() == "0"
    assert _workers() == before
    with pytest.raises(RuntimeError), planner.serial():
        raise RuntimeError("a failing step")
    assert _workers() == before


def test_a_failing_query_inside_a_transaction_leaves_the_setting_to_its_rollback():
    if connection.vendor != "postgresql":
        return  # SQLite has no such setting (above)
    before = _workers()
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        planner.serial(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT 1 / 0")
    assert _workers() == before
