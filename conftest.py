from __future__ import annotations

from collections.abc import Iterable

import pytest
from django.test import Client

from fangkong.core.testing import PASSWORD, World, build_world


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


@pytest.fixture
def login(client: Client):  # type: ignore[no-untyped-def]
    """``login(user)`` logs the test client in (and returns it)."""

    def _login(user) -> Client:  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Each test starts in the default language; a request in another one must not leak."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_reference_copies():  # type: ignore[no-untyped-def]
    """No copy kept in the process (core.stamps) outlives its test: a rolled-back test
    leaves the stamp as it found it, and SQLite gives the next test's rows the same ids."""
    from fangkong.core import stamps

    stamps.forget()
    yield
    stamps.forget()


# accounts/migrations/0003_audit_append_only.py
AUDIT_TRIGGER = "ALTER TABLE accounts_auditentry {} TRIGGER accounts_auditentry_append_only"


@pytest.fixture
def flush_past_the_audit_trigger():  # type: ignore[no-untyped-def]
    """After a transactional test pytest-django empties every table with one TRUNCATE,
    which the audit log's append-only trigger refuses. That one flush runs with the
    trigger off and back on inside the flush's own transaction; nothing else does."""
    yield
    from django.db import connection

    ops = connection.ops
    flush = ops.execute_sql_flush

    if connection.vendor == "postgresql":
        off, on = [AUDIT_TRIGGER.format("DISABLE")], [AUDIT_TRIGGER.format("ENABLE")]
    else:  # SQLite has no DISABLE TRIGGER: drop the triggers and create them again
        import importlib

        triggers = importlib.import_module("fangkong.accounts.migrations.0003_audit_append_only")
        off, on = triggers.SQLITE_REVERSE, triggers.SQLITE

    def once(sql_list: Iterable[str]) -> None:
        del ops.execute_sql_flush  # the backend's own method again
        flush([*off, *sql_list, *on])

    ops.execute_sql_flush = once  # type: ignore[method-assign]
