"""Uploads written together (core.groupcommit): each keeps its own answer, actor and
address; a client id or a traveller sent by two requests at once is stored once; a group
that cannot be written is written again, request by request."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from django.db import IntegrityError, connection
from django.utils import translation

from fangkong.accounts.models import AuditEntry
from fangkong.checkpoints import registration, storing
from fangkong.checkpoints.models import Handoff, Passage, Traveller
from fangkong.checkpoints.tests.helpers import checkpoint, traveller
from fangkong.core.groupcommit import Group
from fangkong.core.middleware import current_ip
from fangkong.core.testing import World, at_once, build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
]


def item(world: World, client_id: str, phone: str) -> registration.PassageIn:
    return registration.PassageIn(
        checkpoint=checkpoint(world), origin="湖北省武汉市", plate="鄂A12345",
        destination=world.a.grid, client_id=client_id,
        travellers=[traveller(full_name="张伟", phone=phone)],
    )  # fmt: skip


def prepared(world: World, actor, ip: str, items):  # type: ignore[no-untyped-def]
    """What a request hands to the group: its items checked, from its own address."""
    token = current_ip.set(ip)
    try:
        ctx = registration.Context()
        return registration._prepare(actor, items, ctx)
    finally:
        current_ip.reset(token)


def test_two_requests_written_together_keep_their_answers_actors_and_addresses():
    world = build_world()
    officer, commander = world.a.users["checkpoint"], world.a.commander
    first = prepared(world, officer, "10.0.0.1", [item(world, "c1", "13900000001")])
    second = prepared(
        world, commander, "10.0.0.2",
        [item(world, "c1", "13900000001"), item(world, "c2", "13900000001")],
    )  # fmt: skip
    registration._write([[e for _i, e in first[1]], [e for _i, e in second[1]]])

    one = registration._outcomes(*first)
    two = registration._outcomes(*second)
    assert [o.status for o in one] == ["created"]
    assert [o.status for o in two] == ["duplicate", "created"]
    assert two[0].passage is not None and one[0].passage is not None
    assert two[0].passage.pk == one[0].passage.pk  # the repeat answers with the first
    assert Passage.objects.count() == 2
    # the same traveller in both requests: one hand-off, both passages on it
    assert Handoff.objects.count() == 1
    assert Traveller.objects.filter(handoff=Handoff.objects.get()).count() == 2
    entries = AuditEntry.objects.filter(target_type="checkpoints.passage")
    assert {(e.target_id, e.actor_id, e.ip) for e in entries} == {
        (str(one[0].passage.pk), officer.pk, "10.0.0.1"),
        (str(two[1].passage.pk), commander.pk, "10.0.0.2"),  # type: ignore[union-attr]
    }


def test_outside_a_transaction_an_upload_goes_through_the_group():
    world = build_world()
    before = registration._group.written
    (outcome,) = registration.register(
        actor=world.a.commander, items=[item(world, "g1", "13900000002")]
    )
    assert outcome.status == "created"
    assert registration._group.written == before + 1
    assert Passage.objects.filter(client_id="g1").count() == 1


def test_a_group_that_fails_is_written_again_alone_and_stores_once(monkeypatch):
    world = build_world()
    store = storing.store
    calls: list[int] = []

    def store_once_broken(ready: list[storing.Ready], known: storing.Known) -> None:
        calls.append(len(ready))
        if len(calls) == 1:  # as if another request had stored a hand-off meanwhile
            store(ready, known)
            raise IntegrityError("duplicate key value violates unique constraint")
        store(ready, known)

    monkeypatch.setattr(storing, "store", store_once_broken)
    (outcome,) = registration.register(
        actor=world.a.commander, items=[item(world, "f1", "13900000003")]
    )
    assert outcome.status == "created"
    assert len(calls) == 2  # the group's write, then the request's own
    assert Passage.objects.filter(client_id="f1").count() == 1
    assert Handoff.objects.count() == 1
    assert AuditEntry.objects.filter(target_type="checkpoints.passage").count() == 1


THREADS = 6  # the pool holds 8 connections; the test itself has one


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time: requests at once need PostgreSQL",
)
def test_requests_at_once_are_grouped_and_every_passage_and_hand_off_is_stored_once(
    monkeypatch,
):
    """Each of 6 requests sends its own client id and its neighbour's, at the same moment:
    6 passages, 6 repeats, a hand-off per traveller, each audit entry from its request."""
    world = build_world()
    checkpoint(world)  # before the threads, which look it up
    write = registration._write

    def slow_first(jobs: Sequence[list[storing.Ready]]) -> None:
        if not slow.is_set():  # the first group waits until others queue behind it
            slow.set()
            deadline = time.monotonic() + 10
            while len(group._waiting) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        write(jobs)

    slow = threading.Event()
    group: Group[list[storing.Ready]] = Group(slow_first)
    monkeypatch.setattr(registration, "_group", group)
    barrier = threading.Barrier(THREADS)
    answers: dict[int, list[str]] = {}

    def run(n: int) -> None:
        token = current_ip.set(f"10.0.1.{n}")
        try:
            with translation.override("en"):
                items = [item(world, f"t{k}", f"1390000{k:04d}") for k in (n, (n + 1) % THREADS)]
                barrier.wait(timeout=30)
                try:
                    found = registration.register(actor=world.a.commander, items=items)
                    answers[n] = [o.status for o in found]
                except Exception as error:  # reported in the assertion below
                    answers[n] = [f"{type(error).__name__}: {error}"]
        finally:
            current_ip.reset(token)
            connection.close()

    at_once(run, [(n,) for n in range(THREADS)])
    statuses = sorted(s for found in answers.values() for s in found)
    assert statuses == ["created"] * THREADS + ["duplicate"] * THREADS, answers
    assert max(group.sizes) > 1
    assert Passage.objects.count() == THREADS
    assert Handoff.objects.count() == THREADS  # a traveller per client id
    entries = AuditEntry.objects.filter(target_type="checkpoints.passage")
    assert entries.count() == THREADS
    by_pk = {str(p.pk): p.client_id for p in Passage.objects.all()}
    for entry in entries:
        n = int(entry.ip.rsplit(".", 1)[1])
        assert by_pk[entry.target_id] in {f"t{n}", f"t{(n + 1) % THREADS}"}
