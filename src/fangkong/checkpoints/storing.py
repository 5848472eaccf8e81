"""Writing a checked batch of passages: look, decide, write.

:func:`look` reads what was stored before (client ids, open hand-offs, registered
persons) and the reference stamp; :func:`store` decides in Python, the same on every
database, which hand-off each traveller joins and who is alerted, then writes the rows.
On PostgreSQL the look-ups go in one function call and the rows in one statement, keys
drawn with the look-ups (:class:`fangkong.core.bulk.Writer`); elsewhere one multi-row
statement a table (:func:`fangkong.core.bulk.insert`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any

import orjson
from django.db import connection
from django.db.models import Model

from fangkong.accounts.models import AuditEntry
from fangkong.checkpoints.models import (
    Alert,
    AlertKind,
    Direction,
    Handoff,
    HandoffState,
    Passage,
    Referral,
    Traveller,
)
from fangkong.core import bulk, stamps
from fangkong.people.models import RiskStatus


@dataclass(eq=False)
class Ready:
    """A passage that passed every check, with its travellers and their hand-off keys; the
    hours a new hand-off is due in, by the policy at its destination; its audit entry,
    built by the request that sent it (its actor, address and language) and given the
    passage's key when written; the reference stamp it was checked under if that was
    not read but assumed (core.stamps), to be confirmed by the look-ups. Written, it is
    ``created`` or a ``duplicate`` of ``passage``."""

    passage: Passage
    travellers: list[Traveller]
    keys: list[str]
    hours: int
    audit: AuditEntry
    stamp: int | None = None
    status: str = ""


@dataclass
class Known:
    """What the database held before the batch."""

    # (checkpoint, client id): passage; (unit, key): [open hand-off, fever]; id key: person
    stored: dict[tuple[int, str], int] = field(default_factory=dict)
    open_: dict[tuple[int, str], list[Any]] = field(default_factory=dict)
    persons: dict[str, int] = field(default_factory=dict)
    stamp: int = 0  # the reference stamp (core.stamps), read with the look-ups
    # PostgreSQL: keys drawn with the look-ups, as many as the batch could need.
    keys: dict[type[Model], list[int]] = field(default_factory=dict)


# Each look-up goes by the keys alone (the unique indexes lead with them: no planner can
# misjudge them, as one did a plan by checkpoint or unit that scanned all their rows).
_LOOKUPS = (
    "SELECT checkpoint_id, client_id, id FROM checkpoints_passage WHERE client_id {}",
    f"SELECT unit_id, key, id, fever FROM checkpoints_handoff "
    f"WHERE state = '{HandoffState.OPEN.value}' AND key {{}}",
    "SELECT id_key, id FROM people_person WHERE id_key {}",
)
# PostgreSQL: the same look-ups, the reference stamp (core.stamps) and the keys for the
# new rows, in one function whose plan is made once a connection (migration 0006 says
# why that plan cannot go wrong). Planned at every upload, the look-ups cost PostgreSQL
# twice what running them does.
_FUNCTION = (
    "SELECT passages, handoffs, persons, stamp, drawn FROM checkpoints_passage_lookups("
    "%s::text[], %s::text[], %s::text[], %s, %s::text[], %s::integer[])"
)
# The tables that the function draws keys for, in the order of its arrays.
DRAWN: tuple[type[Model], ...] = (Passage, Handoff, Traveller, Alert, AuditEntry)


@cache
def _sequences() -> str:
    """The function's array of sequence names: the same for every call."""
    return bulk.text_array([bulk.sequence(model) for model in DRAWN])


def look(ready: list[Ready]) -> Known:
    wanted = [
        sorted({r.passage.client_id for r in ready if r.passage.client_id}),
        sorted({k for r in ready if _bound_inside(r.passage) for k in r.keys}),
        sorted({t.id_key for r in ready for t in r.travellers if t.id_key}),
    ]
    drawn: dict[type[Model], list[int]] = {}
    if connection.vendor == "postgresql":
        travellers = sum(len(r.travellers) for r in ready)
        # As DRAWN: passages, hand-offs, travellers, alerts (at most 3 a traveller), audit
        counts = (len(ready), travellers, travellers, 3 * travellers, len(ready))
        *found_json, stamp, drawn_json = bulk.Writer().row(_FUNCTION, [
            *(bulk.text_array(keys) for keys in wanted), stamps.REFERENCE, _sequences(),
            "{" + ",".join(str(n) for n in counts) + "}",
        ])  # fmt: skip
        found = [[tuple(r) for r in orjson.loads(text)] for text in found_json]
        drawn = dict(zip(DRAWN, orjson.loads(drawn_json), strict=True))
    else:
        found = [_select(sql, keys) for sql, keys in zip(_LOOKUPS, wanted, strict=True)]
        stamp = stamps.read()
    passages, handoffs, persons = found
    return Known(
        stored={(c, k): pk for c, k, pk in passages},
        open_={(u, k): [pk, fever] for u, k, pk, fever in handoffs},
        persons=dict(persons),  # type: ignore[arg-type]
        stamp=int(stamp or 0),  # no stamp row yet: 0, as core.stamps.read says
        keys=drawn,
    )


def _select(sql: str, keys: list[str]) -> list[tuple[Any, ...]]:
    if not keys:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql.format("IN (" + ", ".join(["%s"] * len(keys)) + ")"), keys)
        return cursor.fetchall()


def _bound_inside(passage: Passage) -> bool:
    return passage.direction == Direction.IN and passage.destination is not None


def drop_duplicates(ready: list[Ready], known: Known) -> list[Ready]:
    """The entries to store. Each repeat (of one stored before, or earlier in the same
    batch) is marked a ``duplicate`` and takes the passage that answers for it."""
    kept: list[Ready] = []
    first: dict[tuple[int, str], Ready] = {}
    for entry in ready:
        key = (entry.passage.checkpoint_id, entry.passage.client_id)
        if entry.passage.client_id and key in known.stored:
            entry.status = "duplicate"
            entry.passage = Passage(pk=known.stored[key], checkpoint_id=key[0], client_id=key[1])
        elif entry.passage.client_id and key in first:
            entry.status = "duplicate"
            entry.passage = first[key].passage  # stored below, with its key set
        else:
            first[key] = entry
            kept.append(entry)
    return kept


def store(ready: list[Ready], known: Known) -> None:
    passages = [r.passage for r in ready]
    travellers = []
    for entry in ready:
        for traveller in entry.travellers:
            bulk.link(traveller, "passage", entry.passage)
            traveller.person_id = known.persons.get(traveller.id_key or "")
            travellers.append(traveller)
    handoffs, joined, feverish = _handoffs(ready, known)
    if connection.vendor == "postgresql":
        writer = bulk.Writer()
        keys = known.keys
        for row, key in zip(handoffs, keys[Handoff], strict=False):  # drawn for the worst case
            row["id"] = key
        for traveller, row in joined:
            traveller.handoff_id = row["id"]
        for model, objs in ((Passage, passages), (Traveller, travellers)):
            for obj, key in zip(objs, keys[model], strict=False):
                obj.pk = key
        alerts = _alerts(ready)  # now that the travellers have their keys
        for row, key in zip(alerts, keys[Alert], strict=False):
            row["id"] = key
        entries = _audit(ready)  # and the passages theirs
        for audited, key in zip(entries, keys[AuditEntry], strict=False):
            audited.pk = key
        writer.add(passages)
        writer.add_rows(Handoff, handoffs)
        writer.add(travellers)
        writer.add_rows(Alert, alerts)
        writer.add(entries)
        writer.flush()
    else:
        bulk.insert(passages)
        made = [Handoff(**row) for row in handoffs]
        bulk.insert(made)
        for row, handoff in zip(handoffs, made, strict=True):
            row["id"] = handoff.pk
        for traveller, row in joined:
            traveller.handoff_id = row["id"]
        bulk.insert(travellers)
        bulk.insert([Alert(**row) for row in _alerts(ready)])
        bulk.insert(_audit(ready))
    if feverish:
        Handoff.objects.filter(pk__in=feverish).update(fever=True)
    for entry in ready:
        entry.status = "created"


def _audit(ready: list[Ready]) -> list[AuditEntry]:
    for entry in ready:
        entry.audit.target_id = str(entry.passage.pk)
    return [entry.audit for entry in ready]


def _alerts(ready: Iterable[Ready]) -> list[dict[str, Any]]:
    """A fever to the checkpoint's unit and the destination; a risk to the destination.
    As rows (a column each, the travellers' keys set), not models: many a batch."""
    alerts = []
    for entry in ready:
        passage = entry.passage
        destination = passage.destination
        for traveller in entry.travellers:
            audience: list[tuple[str, Any, str]] = []
            if traveller.referral == Referral.OPEN:
                audience.append((AlertKind.FEVER, passage.checkpoint.unit_id, passage.org_path))
                if destination is not None:
                    audience.append((AlertKind.FEVER, destination.pk, destination.path))
            if traveller.risk_status != RiskStatus.CLEAR and destination is not None:
                audience.append((AlertKind.RISK, destination.pk, destination.path))
            alerts += [
                {"org_path": path, "kind": kind, "unit_id": unit_id,
                 "traveller_id": traveller.pk, "seen_at": None, "seen_by_id": None}
                for kind, unit_id, path in audience
            ]  # fmt: skip
    return alerts


def _handoffs(
    ready: list[Ready], known: Known
) -> tuple[list[dict[str, Any]], list[tuple[Traveller, dict[str, Any]]], set[int]]:
    """A new hand-off per inbound traveller bound inside, unless one is open for them (then
    they join it), as rows (a column each); the travellers that join a new one, with its
    row (they take its key once it has one); the open ones that a feverish traveller now
    marks."""
    new: dict[tuple[int, str], dict[str, Any]] = {}
    joined: list[tuple[Traveller, dict[str, Any]]] = []
    feverish: set[int] = set()
    for entry in ready:
        passage, destination = entry.passage, entry.passage.destination
        if not _bound_inside(passage):
            continue
        assert destination is not None
        for traveller, key in zip(entry.travellers, entry.keys, strict=True):
            found = known.open_.get((destination.pk, key))
            if found is not None:
                traveller.handoff_id = found[0]
                if traveller.fever and not found[1]:
                    feverish.add(found[0])
                continue
            row = new.get((destination.pk, key))
            if row is None:
                due = passage.passed_at + timedelta(hours=entry.hours)
                row = new[(destination.pk, key)] = {
                    "org_path": destination.path, "unit_id": destination.pk, "key": key,
                    "checkpoint_id": passage.checkpoint_id, "full_name": traveller.full_name,
                    "origin_name": passage.origin_name, "address": passage.destination_text,
                    "arrived_at": passage.passed_at, "due_at": due, "state": HandoffState.OPEN,
                    "fever": traveller.fever, "risk_status": traveller.risk_status,
                    "person_id": traveller.person_id, "reason": "", "closed_at": None,
                    "closed_by_id": None,
                }  # fmt: skip
            elif traveller.fever:
                row["fever"] = True
            joined.append((traveller, row))
    return list(new.values()), joined, feverish
