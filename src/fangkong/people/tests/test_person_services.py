from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.people import services
from fangkong.people.merging import person_merge
from fangkong.people.models import Person, PersonMerge, RiskArea, RiskStatus, TravelRecord
from fangkong.people.testing import mobile, resident_id

pytestmark = pytest.mark.django_db


def _register(world: World, name: str = "张伟", number: str | None = None, **extra) -> Person:
    return services.person_create(
        actor=world.a.grid_worker_local,
        full_name=name,
        unit=world.a.grid,
        id_number=resident_id() if number is None else number,
        **extra,
    )


def test_a_resident_id_gives_birth_date_and_sex_and_is_stored_sealed(world: World):
    person = _register(world, number=resident_id(born=date(1990, 2, 1), seq=124).lower())
    assert person.birth_date == date(1990, 2, 1)
    assert person.sex == "F"
    assert person.id_number == resident_id(born=date(1990, 2, 1), seq=124)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()
    assert person.id_number not in stored[0]
    assert stored[0].startswith("k0:")


def test_the_same_id_number_cannot_be_registered_twice(world: World):
    first = _register(world)
    with pytest.raises(services.DuplicatePerson) as caught:
        _register(world, name="张 伟", number=" " + resident_id().replace("3", "３", 1))
    assert caught.value.existing == first
    assert "张伟" in caught.value.messages[0]


def test_a_duplicate_outside_the_actors_area_does_not_name_the_person(world: World):
    services.person_create(
        actor=world.b.grid_worker_local,
        full_name="李娜",
        unit=world.b.grid,
        id_number=resident_id(),
    )
    with pytest.raises(services.DuplicatePerson) as caught:
        _register(world)
    assert "李娜" not in caught.value.messages[0]
    assert world.b.grid.name not in caught.value.messages[0]


def test_a_bad_id_or_phone_is_refused_with_the_field_named(world: World):
    bad_check = resident_id()[:-1] + ("0" if resident_id()[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        _register(world, number=bad_check, phone="1234")
    assert set(caught.value.message_dict) == {"id_number", "phone"}
    assert not Person.objects.exists()


def test_a_grid_worker_cannot_register_in_another_grid(world: World):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=world.a.grid_worker_local, full_name="王芳", unit=world.a.grid2
        )


def test_creating_and_revealing_are_audited_without_the_numbers(world: World):
    person = _register(world, phone=mobile(1))
    assert services.person_reveal(actor=world.a.epidemiologist, person=person, field="phone") == (
        mobile(1)
    )
    entries = AuditEntry.objects.filter(target_id=str(person.pk)).order_by("id")
    assert [e.action for e in entries] == ["create", "reveal"]
    assert all(mobile(1) not in str(e.changes) for e in entries)
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=world.a.viewer, person=person, field="phone")


def test_an_update_audits_a_number_change_without_its_value(world: World):
    person = _register(world, phone=mobile(1))
    services.person_update(actor=world.a.grid_worker_local, person=person, phone=mobile(2))
    entry = AuditEntry.objects.filter(action="update", target_id=str(person.pk)).get()
    assert entry.changes == {"phone": ["***", "***"]}


def test_moving_a_person_moves_their_journeys_into_the_new_unit(world: World):
    person = _register(world)
    services.travel_add(
        actor=world.a.grid_worker_local,
        person=person,
        origin="湖北省武汉市",
        arrived_on=date(2020, 1, 24),
    )
    services.person_update(actor=world.a.community_officer, person=person, unit=world.a.grid2)
    assert set(TravelRecord.objects.values_list("org_path", flat=True)) == {world.a.grid2.path}


def test_recording_the_same_journey_twice_keeps_one(world: World):
    person = _register(world)
    args: dict[str, Any] = {
        "origin": "湖北武汉",
        "arrived_on": date(2020, 1, 24),
        "transport_no": "g 1234",
    }
    first, created = services.travel_add(actor=world.a.grid_worker_local, person=person, **args)
    again, created_again = services.travel_add(
        actor=world.a.grid_worker_local, person=person, **args
    )
    assert (created, created_again) == (True, False)
    assert first == again and first.origin_code == "420100" and first.transport_no == "G1234"


def test_a_journey_from_an_affected_area_sets_the_status_until_the_end_of_observation(
    world: World,
):
    today = timezone.localdate()
    RiskArea.objects.create(
        unit=world.a.district,
        org_path=world.a.district.path,
        division_code="420000",
        name="湖北省",
        level="high",
        valid_from=today - timedelta(days=30),
    )
    person = _register(world)
    services.travel_add(
        actor=world.a.grid_worker_local,
        person=person,
        origin="湖北省武汉市",
        arrived_on=today - timedelta(days=3),
    )
    person.refresh_from_db()
    assert person.risk_status == RiskStatus.HOME
    assert person.risk_until == today - timedelta(days=3) + timedelta(days=14)


def test_merging_keeps_both_histories_and_frees_the_id_for_the_kept_record(world: World):
    kept = _register(world, name="张伟", number="")
    merged = _register(world, name="张伟", phone=mobile(5), tags="湖北返乡")
    services.travel_add(
        actor=world.a.grid_worker_local,
        person=merged,
        origin="湖北省武汉市",
        arrived_on=date(2020, 1, 24),
    )
    person_merge(actor=world.a.grid_worker_local, kept=kept, merged=merged)
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert merged.merged_into == kept and merged.id_key is None
    assert kept.id_number == resident_id() and kept.phone == mobile(5)
    assert kept.tag_list == ["湖北返乡"]
    assert list(kept.travels.values_list("origin_code", flat=True)) == ["420100"]
    record = PersonMerge.objects.get()
    assert record.before["phone"] == "139****0005"
    assert services.find_by_id("resident", resident_id()) == kept
    assert list(Person.objects.current()) == [kept]


def test_two_records_with_different_id_numbers_are_not_merged(world: World):
    one = _register(world)
    other = _register(world, number=resident_id(seq=125))
    with pytest.raises(ValidationError):
        person_merge(actor=world.a.grid_worker_local, kept=one, merged=other)


def test_a_journey_both_records_share_stays_with_the_folded_record(world: World):
    kept = _register(world, number="")
    merged = _register(world)
    for person in (kept, merged):
        services.travel_add(
            actor=world.a.grid_worker_local,
            person=person,
            origin="420100",
            arrived_on=date(2020, 1, 24),
        )
    person_merge(actor=world.a.grid_worker_local, kept=kept, merged=merged)
    assert kept.travels.count() == 1 and merged.travels.count() == 1


def test_the_other_districts_worker_cannot_merge(world: World):
    one, other = _register(world, number=""), _register(world)
    with pytest.raises(PermissionDenied):
        person_merge(actor=world.b.grid_worker, kept=one, merged=other)
