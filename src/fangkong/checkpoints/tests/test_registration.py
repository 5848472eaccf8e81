"""Registering passages: fever by policy, risk, hand-offs and their life, duplicates."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.checkpoints import registration, selectors, services
from fangkong.checkpoints.models import (
    Alert,
    AlertKind,
    Handoff,
    HandoffState,
    Passage,
    Referral,
    Traveller,
)
from fangkong.checkpoints.tests.helpers import (
    checkpoint,
    created,
    hubei_affected,
    passage,
    traveller,
)
from fangkong.core.testing import World
from fangkong.people.models import Person, Policy, TravelRecord
from fangkong.people.testing import resident_id

pytestmark = pytest.mark.django_db


def _policy(world: World, **values) -> Policy:  # type: ignore[no-untyped-def]
    return Policy.objects.create(
        unit=world.a.district, org_path=world.a.district.path,
        effective_from=timezone.localdate() - timedelta(days=30), **values,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("line", "temperature", "fever"),
    [(None, "37.2", False), (None, "37.3", True), ("37.5", "37.4", False), ("37.5", "37.5", True)],
)
def test_fever_is_judged_against_the_policy_in_force(world: World, line, temperature, fever):
    if line:
        _policy(world, fever_threshold=Decimal(line))
    saved = created(passage(world, travellers=[traveller(temperature=temperature)]))
    person = saved.travellers.get()
    assert person.fever is fever
    assert (person.referral == Referral.OPEN) is fever
    alerts = set(Alert.objects.filter(kind=AlertKind.FEVER).values_list("unit_id", flat=True))
    assert alerts == ({world.a.street.pk, world.a.grid.pk} if fever else set())


def test_the_policy_is_the_one_in_force_on_the_passages_local_day(world: World):
    """Half past midnight in the district is the evening before in UTC: the policy that
    came into force that local day judges the fever and sets the hand-off's due time."""
    day = timezone.localdate() - timedelta(days=1)
    Policy.objects.create(
        unit=world.a.district, org_path=world.a.district.path, effective_from=day,
        fever_threshold=Decimal("37.5"), handoff_hours=24,
    )  # fmt: skip
    at = timezone.make_aware(datetime.combine(day, time(0, 30)))
    assert at.astimezone(UTC).date() < day  # the case the rule is about
    saved = created(passage(world, passed_at=at, travellers=[traveller(temperature="37.4")]))
    assert not saved.travellers.get().fever  # 37.3, the default before that day, would be
    handoff = Handoff.objects.get()
    assert handoff.due_at - handoff.arrived_at == timedelta(hours=24)


def test_a_symptom_alone_sends_to_the_fever_clinic(world: World):
    saved = created(passage(world, travellers=[traveller(symptoms=["cough"])]))
    person = saved.travellers.get()
    assert not person.fever and person.referral == Referral.OPEN
    services.referral_close(actor=world.a.commander, traveller=person, outcome="home")
    person.refresh_from_db()
    assert person.referral == Referral.CLOSED and person.referral_outcome == "home"
    with pytest.raises(ValidationError):
        services.referral_close(actor=world.a.commander, traveller=person, outcome="home")


def test_an_arrival_from_an_affected_area_is_flagged_for_its_destination(world: World):
    hubei_affected(world)
    saved = created(passage(world, origin="湖北省武汉市"))
    person = saved.travellers.get()
    assert person.risk_status == "home" and "湖北" in person.risk_reason
    assert Alert.objects.get(kind=AlertKind.RISK).unit == world.a.grid
    li = traveller(full_name="李娜", phone="13912345679")
    other = created(passage(world, origin="山东省济南市", plate="鲁A12345", travellers=[li]))
    assert other.travellers.get().risk_status == "clear"


def test_the_hand_off_is_due_by_the_policy_and_turns_overdue(world: World):
    _policy(world, handoff_hours=6)
    passed = timezone.now() - timedelta(hours=7)
    created(passage(world, passed_at=passed))
    handoff = Handoff.objects.get()
    assert handoff.due_at == passed + timedelta(hours=6)
    assert handoff.overdue and handoff.unit == world.a.grid
    # Overdue is seen from the grid and from every level above it, not from elsewhere.
    for user in (world.a.grid_worker_local, world.a.street_officer, world.a.commander):
        assert list(selectors.handoff_list(actor=user, state="overdue")) == [handoff]
    assert not selectors.handoff_list(actor=world.a.street2_officer, state="overdue").exists()
    total, rows = selectors.handoff_figures(world.a.district, timezone.now() - timedelta(days=1))
    assert (total.issued, total.overdue) == (1, 1)
    assert rows[0].unit == world.a.street and rows[0].overdue == 1


def test_confirming_registers_the_person_once_with_the_journey(world: World):
    number = resident_id(seq=401)
    created(passage(world, travellers=[traveller(full_name="王芳", id_number=number)]))
    handoff = Handoff.objects.get()
    services.handoff_confirm(
        actor=world.a.grid_worker_local, handoff=handoff, unit=world.a.grid, address="翰林苑9号楼"
    )
    handoff.refresh_from_db()
    person = Person.objects.get(full_name="王芳")
    assert handoff.state == HandoffState.CONFIRMED and handoff.person == person
    assert person.id_number == number and person.source == "checkpoint"
    assert TravelRecord.objects.get(person=person).origin_code == "420100"
    assert Traveller.objects.get().person == person
    with pytest.raises(ValidationError):
        services.handoff_close(actor=world.a.grid_worker_local, handoff=handoff, state="left",
                               reason="走了")  # fmt: skip
    # Seen again next week: the record is found, not made twice.
    created(
        passage(world, plate="鄂A54321", travellers=[traveller(full_name="王芳", id_number=number)])
    )
    again = Handoff.objects.get(state=HandoffState.OPEN)
    assert again.person == person
    services.handoff_confirm(actor=world.a.grid_worker_local, handoff=again, unit=world.a.grid,
                             address="翰林苑9号楼")  # fmt: skip
    assert Person.objects.filter(full_name="王芳").count() == 1


def test_a_traveller_seen_at_two_checkpoints_gets_one_hand_off(world: World):
    number = resident_id(seq=403)
    station = checkpoint(world, "济南西站", unit=world.a.street2)
    created(passage(world, travellers=[traveller(id_number=number)]))
    created(passage(world, at=station, plate="", vehicle="on_foot",
                    travellers=[traveller(id_number=number, temperature="38.0")]))  # fmt: skip
    handoff = Handoff.objects.get()
    assert handoff.travellers.count() == 2 and handoff.fever
    # Without a document, the name and phone tell the same person apart from another.
    created(
        passage(
            world, plate="鄂B11111", travellers=[traveller(full_name="赵六", phone="13700000001")]
        )
    )
    created(
        passage(
            world, plate="鄂B11112", travellers=[traveller(full_name="赵六", phone="13700000001")]
        )
    )
    created(
        passage(
            world, plate="鄂B11113", travellers=[traveller(full_name="赵六", phone="13700000002")]
        )
    )
    assert Handoff.objects.filter(full_name="赵六").count() == 2


def test_not_found_needs_a_reason_and_closes(world: World):
    created(passage(world))
    handoff = Handoff.objects.get()
    with pytest.raises(ValidationError):
        services.handoff_close(actor=world.a.grid_worker_local, handoff=handoff,
                               state="not_found", reason=" ")  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied for another district's worker
        services.handoff_close(actor=world.b.grid_worker_local, handoff=handoff,
                               state="not_found", reason="无人")  # fmt: skip
    services.handoff_close(actor=world.a.grid_worker_local, handoff=handoff, state="not_found",
                           reason="地址无此人")  # fmt: skip
    handoff.refresh_from_db()
    assert handoff.state == "not_found" and not handoff.overdue


def test_a_destination_typed_as_an_address_is_matched_to_its_unit(world: World):
    saved = created(passage(world, destination=None,
                            destination_text=f"{world.a.community.name}3号楼2单元101"))  # fmt: skip
    assert saved.destination == world.a.community
    assert Handoff.objects.get().unit == world.a.community


def test_a_destination_outside_the_district_is_listed_for_the_command(world: World):
    saved = created(passage(world, destination=None, destination_text="北京市朝阳区望京"))
    assert saved.destination is None and not Handoff.objects.exists()
    assert list(selectors.outside_list(actor=world.a.commander)) == [saved]
    services.passage_notified(actor=world.a.commander, passage=saved)
    saved.refresh_from_db()
    assert saved.notified_at is not None


def test_every_bad_field_is_named(world: World):
    outbound = checkpoint(world, "出城卡口", unit=world.a.street)
    outbound = services.checkpoint_update(
        actor=world.a.commander, checkpoint=outbound, directions="out"
    )
    item = registration.PassageIn(
        checkpoint=outbound, origin="", plate="鄂I12", direction="in",
        passed_at=timezone.now() + timedelta(hours=2), destination=world.a.street,
        travellers=[traveller(id_number="420102198001011234", temperature="39.9x"),
                    traveller(full_name="", phone="", temperature="")],
    )  # fmt: skip
    (outcome,) = registration.register(actor=world.a.commander, items=[item])
    fields = {f for f, _m in outcome.errors}
    assert outcome.status == "invalid" and not Passage.objects.exists()
    assert fields == {
        "direction", "passed_at", "plate", "origin", "destination",
        "travellers[0].id_number", "travellers[0].temperature",
        "travellers[1].full_name", "travellers[1].id_number", "travellers[1].temperature",
    }  # fmt: skip


def test_staff_register_only_at_their_own_checkpoints(world: World):
    outcome = passage(world, actor=world.b.checkpoint)
    assert outcome.status == "invalid" and outcome.errors[0][0] == "checkpoint"
    staff = passage(world, actor=world.a.checkpoint)
    assert staff.status == "created"


def test_a_client_id_is_stored_once(world: World):
    first = created(passage(world, client_id="dev1-0001"))
    again = passage(world, client_id="dev1-0001")
    assert again.status == "duplicate" and again.passage == first
    assert Passage.objects.count() == 1 and Traveller.objects.count() == 1


def test_the_lead_must_receive_the_checkpoints_alerts(world: World):
    at = checkpoint(world)
    with pytest.raises(ValidationError):
        services.checkpoint_update(actor=world.a.commander, checkpoint=at, lead="b_checkpoint")
    with pytest.raises(ValidationError):
        services.checkpoint_update(actor=world.a.commander, checkpoint=at, lead="nobody-here")
    at = services.checkpoint_update(actor=world.a.commander, checkpoint=at, lead="a_checkpoint")
    assert at.lead == world.a.checkpoint
    created(passage(world, travellers=[traveller(temperature="38.0")]))
    assert selectors.alerts_for(actor=at.lead).filter(unit=world.a.street).exists()
    at = services.checkpoint_update(actor=world.a.commander, checkpoint=at, lead="")
    assert at.lead is None


def test_a_device_time_without_a_zone_is_read_in_the_servers(world: World):
    from datetime import datetime

    naive = datetime.now().replace(microsecond=0) - timedelta(hours=1)
    saved = created(passage(world, passed_at=naive))
    assert timezone.is_aware(saved.passed_at)
    assert timezone.localtime(saved.passed_at).replace(tzinfo=None) == naive


def test_a_person_registered_elsewhere_is_not_moved_by_the_confirming_worker(world: World):
    from fangkong.people import services as people

    number = resident_id(seq=405)
    people.person_create(actor=world.b.commander, full_name="周九", unit=world.b.grid,
                         id_type="resident", id_number=number)  # fmt: skip
    created(passage(world, travellers=[traveller(full_name="周九", id_number=number)]))
    handoff = Handoff.objects.get()
    with pytest.raises(ValidationError, match=r"another unit|其他单位"):
        services.handoff_confirm(actor=world.a.grid_worker_local, handoff=handoff,
                                 unit=world.a.grid, address="翰林苑9号楼")  # fmt: skip
    handoff.refresh_from_db()
    assert handoff.state == "open"
