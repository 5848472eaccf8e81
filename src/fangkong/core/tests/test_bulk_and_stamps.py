"""core.bulk writes what the ORM would; core.stamps keeps copies only while they hold."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from fangkong.checkpoints.models import Passage, Traveller
from fangkong.checkpoints.tests.helpers import checkpoint
from fangkong.core import bulk, stamps
from fangkong.core.testing import World

pytestmark = pytest.mark.django_db


def _passage(world: World, client_id: str = "") -> Passage:
    at = checkpoint(world)
    return Passage(
        checkpoint=at, org_path=at.org_path, origin_name="湖北省武汉市", client_id=client_id,
        passed_at=timezone.now() - timedelta(minutes=5), destination=world.a.grid,
    )  # fmt: skip


def _traveller(passage: Passage, n: int) -> Traveller:
    return Traveller(
        passage=passage, org_path=passage.org_path, full_name=f"旅客{n}",
        id_number="420102198503071234", phone=f"139{n:08d}", temperature=Decimal("37.4"),
        symptoms=["cough"],
    )  # fmt: skip


def test_rows_are_written_as_the_orm_would_and_sealed(world: World, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_PARAMS", 50)  # a few rows a statement: chunks are joined
    passages = [_passage(world, f"c{n}") for n in range(3)]
    bulk.insert(passages)
    assert [p.pk for p in passages] == sorted(p.pk for p in passages)
    travellers = [_traveller(passages[n % 3], n) for n in range(7)]  # keys taken from objects
    bulk.insert(travellers)
    for made in travellers:
        saved = Traveller.objects.get(pk=made.pk)
        assert (saved.passage_id, saved.full_name, saved.phone) == (
            made.passage.pk, made.full_name, made.phone)  # fmt: skip
        assert saved.temperature == Decimal("37.4") and saved.symptoms == ["cough"]
        assert saved.id_number == "420102198503071234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM checkpoints_traveller")
        for sealed in (v for row in cursor.fetchall() for v in row):
            assert "4201021985" not in sealed and not sealed.startswith("139")
    stored = Passage.objects.get(pk=passages[0].pk)
    assert stored.created_at is not None  # left to the database default


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pipelined writer")
def test_the_pipelined_writer_draws_keys_and_reports_a_clash_as_django_does(world: World):
    counts: dict[type[Model], int] = {Passage: 2}
    with transaction.atomic():
        writer = bulk.Writer()
        ((row,),) = writer.select([bulk.draw_query(counts)])
        keys = bulk.drawn(counts, row)[Passage]
        passages = [_passage(world, "same"), _passage(world, "other")]
        for made, key in zip(passages, keys, strict=True):
            made.pk = key
        writer.add(passages)
        writer.flush()
    assert set(Passage.objects.values_list("pk", flat=True)) == set(keys)
    clash = _passage(world, "same")
    clash.pk = keys[0] + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        writer = bulk.Writer()
        writer.add([clash])
        writer.flush()
    for n in range(3):  # the prepared insert serves again on the same connection
        with transaction.atomic():
            later = _passage(world, f"later{n}")
            later.pk = keys[0] + 2000 + n
            writer = bulk.Writer()
            writer.add([later])
            writer.flush()
    assert Passage.objects.filter(client_id__startswith="later").count() == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"
)
def test_the_insert_is_prepared_on_djangos_connection_and_runs_on_its_generic_plan(world):
    """Django turns psycopg's prepared statements off, and psycopg then ignores a request
    to prepare: the settings must let core.bulk's through, and only those."""
    counts: dict[type[Model], int] = {Passage: 1}
    for n in range(8):
        with transaction.atomic():
            writer = bulk.Writer()
            ((row,),) = writer.select([bulk.draw_query(counts)])
            made = _passage(world, f"prepared{n}")
            made.pk = bulk.drawn(counts, row)[Passage][0]
            writer.add([made])
            writer.flush()
        Passage.objects.filter(client_id=f"prepared{n}").count()  # the ORM's, as often
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    (insert,) = [row for row in prepared if 'INTO "checkpoints_passage"' in row[0]]
    assert insert[1] >= 1  # after five plans for the values, the one plan for any rows
    assert len(prepared) == 1  # nothing of the ORM's, nor the look-ups'


TRICKY = ['引号"与\\反斜杠', "换行\n制表\t", "{花括号,逗号}", "NULL", "", "😷 emoji", "'单引号'"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pipelined writer")
def test_the_pipelined_writer_stores_every_kind_of_value_as_the_orm_reads_it(world: World):
    """Text that quoting could break, decimals, lists, sealed text, dates, JSON, addresses
    and empty values come back from the database as they went in."""
    from fangkong.accounts.models import AuditEntry

    passage = _passage(world, "kinds")
    passage.save()
    travellers = []
    for n, text in enumerate(TRICKY):
        made = _traveller(passage, n)
        made.full_name = text
        made.symptoms = [] if n % 2 else ["cough", "fever"]
        made.temperature = None if n == 3 else Decimal("36.5") + n
        travellers.append(made)
    entry = AuditEntry(
        actor=world.a.commander, actor_name="指挥长", action=AuditEntry.Action.CREATE,
        target_type="checkpoints.passage", target_id=str(passage.pk), target_repr=TRICKY[0],
        changes={"名字": TRICKY, "n": 3, "nested": {"ok": True, "none": None}},
        note=TRICKY[1], org_path=passage.org_path, ip="2001:db8::1",
    )  # fmt: skip
    counts: dict[type[Model], int] = {Traveller: len(travellers), AuditEntry: 1}
    with transaction.atomic():
        writer = bulk.Writer()
        ((row,),) = writer.select([bulk.draw_query(counts)])
        keys = bulk.drawn(counts, row)
        for made, key in zip(travellers, keys[Traveller], strict=True):
            made.pk = key
        entry.pk = keys[AuditEntry][0]
        writer.add(travellers)
        writer.add([entry])
        writer.flush()
    for made in travellers:
        saved = Traveller.objects.get(pk=made.pk)
        assert (saved.full_name, saved.symptoms, saved.temperature, saved.phone) == (
            made.full_name, made.symptoms, made.temperature, made.phone)  # fmt: skip
        assert saved.id_number == made.id_number and saved.passage_id == passage.pk
    saved_entry = AuditEntry.objects.get(pk=entry.pk)
    assert saved_entry.changes == entry.changes and saved_entry.note == entry.note
    assert saved_entry.ip == "2001:db8::1" and saved_entry.target_repr == TRICKY[0]
    assert saved_entry.at is not None  # the database default applied


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pipelined writer")
def test_rows_given_as_columns_must_have_exactly_the_tables_columns(world: World):
    from fangkong.checkpoints.models import Alert

    row = {"id": 1, "org_path": "0001", "kind": "risk", "unit_id": world.a.grid.pk,
           "traveller_id": 1, "seen_at": None, "seen_by_id": None}  # fmt: skip
    writer = bulk.Writer()
    for wrong in ({k: v for k, v in row.items() if k != "seen_at"}, {**row, "note": ""}):
        with pytest.raises(ValueError, match="exactly the columns"):
            writer.add_rows(Alert, [wrong])
    writer.add_rows(Alert, [row])
    assert len(writer.pending) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement look-ups")
def test_look_ups_by_a_text_array_find_every_kind_of_text_and_nothing_else(world: World):
    """Client ids are typed on devices: quotes, backslashes, commas and braces in them
    neither break the array literal nor match another id."""
    stored = [_passage(world, text) for text in TRICKY if text]
    bulk.insert(stored)
    wanted = [*TRICKY, "引号", "NULL2", '"']
    sql = "SELECT client_id, id FROM checkpoints_passage WHERE client_id = ANY(%s::text[])"
    with transaction.atomic():
        found, empty = bulk.Writer().select(
            [(sql, [bulk.text_array(wanted)]), (sql, [bulk.text_array([])])]
        )
    assert sorted(found) == sorted((p.client_id, p.pk) for p in stored)
    assert empty == []


def test_a_copy_is_kept_while_the_stamp_stands_and_misses_are_not_kept(monkeypatch):
    stamps.forget()
    loads: list[str] = []

    def load(value: str | None):  # type: ignore[no-untyped-def]
        loads.append("x")
        return lambda: value

    assert stamps.memo(1, "k", load("a")) == "a"
    assert stamps.memo(1, "k", load("b")) == "a"
    assert stamps.memo(2, "k", load("c")) == "c"  # the stamp moved
    assert stamps.memo(2, "none", load(None), keep_none=False) is None
    assert stamps.memo(2, "none", load("d"), keep_none=False) == "d"
    clock = [1000.0]
    monkeypatch.setattr(stamps.time, "monotonic", lambda: clock[0])
    stamps.forget()
    assert stamps.memo(3, "k", load("e")) == "e"
    clock[0] += stamps.MAX_AGE + 1
    assert stamps.memo(3, "k", load("f")) == "f"  # too old, whatever the stamp says


def test_an_assumed_stamp_is_the_copies_own_and_never_starts_copies_of_its_own(monkeypatch):
    stamps.forget()
    assert stamps.assumed() is None  # no copies: read the stamp
    clock = [1000.0]
    monkeypatch.setattr(stamps.time, "monotonic", lambda: clock[0])
    assert stamps.memo(7, "k", lambda: "a") == "a"
    assert stamps.assumed() == 7
    assert stamps.memo(7, "k", lambda: "b", assumed=True) == "a"
    assert stamps.memo(7, "new", lambda: "c", assumed=True) == "c"  # loaded, kept under 7
    with pytest.raises(stamps.Stale):  # the copies moved on to 8 meanwhile
        stamps.memo(8, "k", lambda: "d")
        stamps.memo(7, "k", lambda: "e", assumed=True)
    assert stamps.memo(8, "k", lambda: "f", assumed=True) == "d"  # 8's copies left alone
    clock[0] += stamps.MAX_AGE + 1
    assert stamps.assumed() is None  # too old to assume: read the stamp
    with pytest.raises(stamps.Stale):
        stamps.memo(8, "k", lambda: "g", assumed=True)


def test_confirming_a_stamp_reads_it(world: World):
    now = stamps.read()
    stamps.confirm(now)
    with pytest.raises(stamps.Stale):
        stamps.confirm(now + 1)
