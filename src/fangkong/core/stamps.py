"""Per-process copies of reference data, dropped as soon as that data changes.

The hot paths (checkpoint uploads above all) read the same few rows on every request:
the caller's key and grants, the checkpoint, the destination units, the policy versions
and the affected areas. :func:`memo` keeps them in the process, keyed by the value of
one :class:`~fangkong.core.models.Stamp` row that every change to such data sets to a
new random value in the same transaction (:func:`watch` connects the models; bulk
writes call :func:`bump` themselves). A request reads the stamp once (one indexed row)
and loads again only what changed. Random values, not a counter: a rolled-back change
must not leave a value that a later, different change could take again.

A request that writes can skip that read: it works on the copies as they are
(:func:`assumed`) and reads the stamp in the statement that writes, inside the write's
transaction. If the stamp moved, nothing is written and the request raises
:class:`Stale`: its caller checks it again on a stamp it reads. A request whose answer
writes nothing confirms the stamp before it answers (:func:`confirm`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.signals import post_delete, post_save

from fangkong.core.models import Stamp

REFERENCE = "reference"
MAX_AGE = 60.0  # seconds: a copy is dropped after this whatever the stamp says
T = TypeVar("T")


class Stale(Exception):
    """The reference data changed since the copies a request was checked against."""


_lock = threading.Lock()
_state: dict[str, Any] = {"value": None, "at": 0.0, "data": {}}


def bump(name: str = REFERENCE) -> None:
    """Mark the reference data as changed (inside the writer's transaction)."""
    value = secrets.randbits(62)
    if not Stamp.objects.filter(name=name).update(value=value):
        Stamp.objects.update_or_create(name=name, defaults={"value": value})


def read(name: str = REFERENCE) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM core_stamp WHERE name = %s", [name])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def assumed() -> int | None:
    """The stamp this process's copies were kept under, without reading it; None when
    there are none or they are older than MAX_AGE (read the stamp then). Whoever uses
    it must confirm it before an answer stands: in the statement that writes, or with
    :func:`confirm`."""
    state = _state
    if state["value"] is None or time.monotonic() - state["at"] > MAX_AGE:
        return None
    return state["value"]  # type: ignore[no-any-return]


def confirm(stamp: int) -> None:
    """Raise :class:`Stale` unless the stamp is still ``stamp``."""
    if read() != stamp:
        raise Stale


def memo(
    stamp: int, key: Any, load: Callable[[], T], *, keep_none: bool = True, assumed: bool = False
) -> T:
    """``load()``, or the copy kept from an earlier call while the stamp is ``stamp``.
    With ``keep_none=False`` a None is not kept (a key that matched nothing: keeping
    those would let anyone fill the memory by asking). With ``assumed=True``, ``stamp``
    came from :func:`assumed`: if the copies have moved on since, or aged out, raise
    :class:`Stale` rather than start copies under a stamp that is already old."""
    global _state
    state = _state
    if state["value"] != stamp or time.monotonic() - state["at"] > MAX_AGE:
        if assumed:
            raise Stale
        with _lock:
            if _state is state:
                _state = {"value": stamp, "at": time.monotonic(), "data": {}}
            state = _state
    data: dict[Any, Any] = state["data"]
    try:
        return data[key]  # type: ignore[no-any-return]
    except KeyError:
        value = load()
        if value is not None or keep_none:
            data[key] = value
        return value


def forget() -> None:
    """Drop every copy (tests, and after a restore)."""
    global _state
    with _lock:
        _state = {"value": None, "at": 0.0, "data": {}}


def _changed(sender: type[models.Model], **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= {"last_login", "last_used_at"}:
        return  # bookkeeping that no copy holds
    bump()


def watch(*senders: type[models.Model]) -> None:
    """Bump the stamp whenever a row of one of ``senders`` is saved or deleted."""
    for sender in senders:
        post_save.connect(_changed, sender=sender, dispatch_uid=f"stamp-save-{sender.__name__}")
        post_delete.connect(_changed, sender=sender, dispatch_uid=f"stamp-del-{sender.__name__}")
