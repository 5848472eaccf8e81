"""What a batch looks up before it is written: stored client ids, open hand-offs,
registered persons, the reference stamp and (PostgreSQL) the keys for its rows.

On PostgreSQL the look-ups are one function whose plan is made once a connection
(migration 0006): a plan made on empty tables must still take the key indexes once
the tables have grown."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from fangkong.accounts.models import AuditEntry
from fangkong.checkpoints import registration, storing
from fangkong.checkpoints.models import Alert, Handoff, HandoffState, Passage, Traveller
from fangkong.checkpoints.tests.helpers import checkpoint, created, passage, traveller
from fangkong.core import bulk, stamps
from fangkong.core.testing import World, build_world
from fangkong.people.services import id_key, person_create
from fangkong.people.testing import unique_resident_id

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the look-up function is PostgreSQL's"
)


def _ready(world: World, client_id: str, *people: registration.TravellerIn) -> storing.Ready:
    item = registration.PassageIn(
        checkpoint=checkpoint(world), origin="湖北省武汉市", travellers=list(people),
        plate="鄂A12345", destination=world.a.grid, client_id=client_id,
    )  # fmt: skip
    outcomes, ready = registration._prepare(world.a.commander, [item], registration.Context())
    assert ready, outcomes[0].errors
    return ready[0][1]


def _look(*ready: storing.Ready) -> storing.Known:
    with transaction.atomic():
        return storing.look(list(ready))


def test_a_batch_finds_its_stored_ids_open_hand_offs_and_persons_and_nothing_else():
    world = build_world()
    stored = created(passage(world, client_id="dev-1", travellers=[traveller(phone="13900000001")]))
    closed = created(passage(world, client_id="dev-2", travellers=[traveller(phone="13900000002")]))
    Handoff.objects.filter(travellers__passage=closed).update(state=HandoffState.LEFT)
    number = unique_resident_id()
    person = person_create(
        actor=world.a.commander, full_name="王芳", unit=world.a.grid, id_type="resident",
        id_number=number,
    )  # fmt: skip
    entry = _ready(
        world, "dev-1",
        traveller(phone="13900000001"), traveller(phone="13900000002"),
        traveller(full_name="王芳", phone="", id_number=number),
    )  # fmt: skip
    known = _look(entry, _ready(world, "dev-9", traveller(phone="13900000009")))
    assert known.stored == {(stored.checkpoint_id, "dev-1"): stored.pk}
    (open_,) = Handoff.objects.filter(travellers__passage=stored)
    # the closed hand-off of the second traveller is not one to join
    assert known.open_ == {(world.a.grid.pk, entry.keys[0]): [open_.pk, False]}
    assert known.persons == {id_key("resident", number): person.pk}
    assert known.stamp == stamps.read()


@ON_POSTGRESQL
def test_the_keys_drawn_are_each_tables_own_and_new():
    world = build_world()
    entry = _ready(world, "k-1", traveller(phone="13900000001"), traveller(phone="13900000002"))
    known = _look(entry)
    counts = {Passage: 1, Handoff: 2, Traveller: 2, Alert: 6, AuditEntry: 1}
    for model, n in counts.items():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value FROM {bulk.sequence(model)}")
            (last,) = cursor.fetchone()  # type: ignore[misc]
        assert known.keys[model] == list(range(last - n + 1, last + 1)), model.__name__


def _scans(tables: list[str]) -> dict[str, int]:
    """Scans in this transaction: sequential ones by table, index ones by index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_stat_get_xact_numscans(c.oid) FROM pg_class c "
            "WHERE c.oid = ANY(%s::regclass[]) UNION ALL "
            "SELECT i.indexrelid::regclass::text, pg_stat_get_xact_numscans(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[])",
            [tables, tables],
        )
        return dict(cursor.fetchall())


def _copies(table: str, template_id: int, n: int, **replaced: str) -> None:
    """``n`` copies of a row, some columns replaced by expressions of ``g`` (1..n)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_name <> 'id'",
            [table],
        )
        columns = [c for (c,) in cursor.fetchall()]
        values = [replaced.get(c, c) for c in columns]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM {table}, generate_series(1, %s) AS g WHERE id = %s",
            [n, template_id],
        )


@ON_POSTGRESQL
def test_look_ups_planned_on_empty_tables_take_the_key_indexes_as_they_grow():
    world = build_world()
    with connection.cursor() as cursor:
        cursor.execute("DISCARD PLANS")  # this connection's plans are made next, here
    assert not Passage.objects.exists() and not Handoff.objects.exists()
    first = _look(_ready(world, "g-0", traveller(phone="13900000000")))
    assert first.stored == {} and first.open_ == {}
    # A template row a table, then thousands like it: the plans are not made again.
    template = created(passage(world, client_id="g-t", travellers=[traveller(phone="13900000001")]))
    handoff = Handoff.objects.get(travellers__passage=template)
    number = unique_resident_id()
    person = person_create(
        actor=world.a.commander, full_name="王芳", unit=world.a.grid, id_type="resident",
        id_number=number,
    )  # fmt: skip
    _copies("checkpoints_passage", template.pk, 4000, client_id="'g-' || g")
    every_other_left = f"CASE WHEN mod(g, 2) = 0 THEN 'open' ELSE '{HandoffState.LEFT}' END"
    _copies("checkpoints_handoff", handoff.pk, 4000, key="'k-' || g", state=every_other_left)
    _copies("people_person", person.pk, 4000, id_key="'p-' || g")
    wanted = _ready(
        world, "g-17",
        traveller(full_name="王芳", phone="", id_number=number), traveller(phone="13900000002"),
    )  # fmt: skip
    wanted.keys = ["k-42", "k-43"]  # one open, one left
    wanted.travellers[1].id_key = "p-7"
    tables = ["checkpoints_passage", "checkpoints_handoff", "people_person"]
    with transaction.atomic():
        before = _scans(tables)
        known = storing.look([wanted])
        after = _scans(tables)
    stored = Passage.objects.get(client_id="g-17")
    assert known.stored == {(stored.checkpoint_id, "g-17"): stored.pk}
    assert list(known.open_) == [(world.a.grid.pk, "k-42")]
    assert set(known.persons) == {"p-7", id_key("resident", number)}
    # No table read whole, and no index but the keys' (a scan an array element: 1, 2, 2)
    scanned = {name for name in after if after[name] > before[name]}
    assert scanned == {"passage_client_id_once", "handoff_key", "person_unique_id_key"}
