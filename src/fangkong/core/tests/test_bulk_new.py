"""core.bulk.new makes the model that ``Model(**values)`` makes, faster, or refuses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.db.models.signals import post_init
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.accounts.models import AuditEntry
from fangkong.checkpoints.models import Handoff, Passage, Traveller
from fangkong.checkpoints.tests.helpers import checkpoint
from fangkong.core import bulk
from fangkong.core.testing import World

pytestmark = pytest.mark.django_db


def _same(made: models.Model, expected: models.Model) -> None:
    mine = {k: v for k, v in made.__dict__.items() if k != "_state"}
    theirs = {k: v for k, v in expected.__dict__.items() if k != "_state"}
    assert mine == theirs
    assert made._state.adding and made._state.db is None
    assert made._state.fields_cache == expected._state.fields_cache


texts = st.text(max_size=20)


def test_new_sets_every_field_as_the_constructor_does(world: World):
    at = checkpoint(world)

    @settings(max_examples=40, deadline=None)
    @given(
        name=texts, plate=texts, client_id=texts,
        temperature=st.none() | st.decimals(30, 45, places=1),
    )  # fmt: skip
    def check(name: str, plate: str, client_id: str, temperature: Decimal | None) -> None:
        now = timezone.now()
        passage_values: dict[str, Any] = {
            "checkpoint": at, "org_path": at.org_path, "plate": plate, "client_id": client_id,
            "recorded_by": world.a.checkpoint, "passed_at": now, "destination": None,
        }  # fmt: skip
        passage = bulk.new(Passage, **passage_values)
        _same(passage, Passage(**passage_values))
        assert passage.checkpoint is at  # cached: no query to reach it
        traveller_values = {"full_name": name, "temperature": temperature, "passage": passage}
        traveller = bulk.new(Traveller, **traveller_values)
        _same(traveller, Traveller(**traveller_values))
        assert traveller.symptoms == [] and traveller.symptoms is not Traveller().symptoms
        by_key = {"unit_id": world.a.grid.pk, "checkpoint_id": at.pk, "full_name": name,
                  "arrived_at": now, "due_at": now + timedelta(hours=12)}  # fmt: skip
        _same(bulk.new(Handoff, **by_key), Handoff(**by_key))
        entry = {"actor": None, "action": AuditEntry.Action.CREATE, "changes": {"n": name}}
        _same(bulk.new(AuditEntry, **entry), AuditEntry(**entry))

    check()


def test_new_refuses_what_the_constructor_refuses(world: World):
    with pytest.raises(TypeError, match="nickname"):
        bulk.new(Passage, nickname="x")
    with pytest.raises(ValueError, match="checkpoint"):
        bulk.new(Passage, checkpoint=world.a.grid)


def test_a_model_someone_listens_to_is_made_by_its_constructor(world: World):
    seen: list[models.Model] = []

    def made(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        seen.append(instance)

    post_init.connect(made, sender=Passage)
    try:
        passage = bulk.new(Passage, client_id="c1")
    finally:
        post_init.disconnect(made, sender=Passage)
    assert seen == [passage]


class _Upper:
    """A field descriptor of its own: it changes what is set."""

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        return self if obj is None else obj.__dict__.get("plate", "")

    def __set__(self, obj: Any, value: str) -> None:
        obj.__dict__["plate"] = value.upper()


def test_a_model_with_a_field_descriptor_of_its_own_is_made_by_its_constructor(monkeypatch):
    monkeypatch.setattr(Passage, "plate", _Upper(), raising=False)
    bulk._blank.cache_clear()
    try:
        assert bulk.new(Passage, plate="鄂a12345").plate == "鄂A12345"
    finally:
        monkeypatch.undo()
        bulk._blank.cache_clear()
    assert bulk.new(Passage, plate="鄂a12345").plate == "鄂a12345"


def test_link_sets_a_relation_as_the_descriptor_does(world: World):
    at = checkpoint(world)
    passage = bulk.new(Passage, checkpoint=at, org_path=at.org_path)
    for value in (world.a.grid, None, world.a.community):
        expected = Passage(checkpoint=at, org_path=at.org_path)
        expected.destination = value
        bulk.link(passage, "destination", value)
        assert passage.destination_id == expected.destination_id
        assert passage._state.fields_cache == expected._state.fields_cache
    unsaved = bulk.new(Passage, checkpoint=at)  # no key yet: the writer takes it later
    traveller = bulk.new(Traveller, full_name="张三")
    bulk.link(traveller, "passage", unsaved)
    assert traveller.passage_id is None and traveller.passage is unsaved
    with pytest.raises(ValueError, match="destination"):
        bulk.link(passage, "destination", at)
