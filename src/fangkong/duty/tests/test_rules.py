"""The duty rules, each at its service: staffing as ranges, posts and people within one's
area, a phone sealed and revealed only into the audit log, shifts across midnight,
double bookings refused unless meant, and check-in by the person or the post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.duty import selectors, services
from fangkong.duty.models import DutyAssignment, DutyPerson, Shift
from fangkong.duty.tests.helpers import PHONE, at, on, person, post, shift

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


# --- staffing --------------------------------------------------------------------------


def test_staffing_is_typed_as_ranges_and_hours_not_named_need_nobody():
    hours = services.parse_staffing("0-8:2, 8-20:3, 20-24:2")
    assert hours == [2] * 8 + [3] * 12 + [2] * 4
    assert services.parse_staffing("7-21:2") == [0] * 7 + [2] * 14 + [0] * 3
    assert services.parse_staffing("８－２０：３；") == [0] * 8 + [3] * 12 + [0] * 4  # full width
    assert services.parse_staffing(",".join(["1"] * 24)) == [1] * 24


@pytest.mark.parametrize("text", ["", "8-20", "20-8:2", "0-25:1", "1,2,3", "0-24:51", "早上:2"])
def test_staffing_that_is_not_ranges_or_24_numbers_is_refused(text):
    with pytest.raises(ValidationError):
        services.parse_staffing(text)


@given(st.lists(st.integers(0, 50), min_size=24, max_size=24))
def test_staffing_written_as_ranges_reads_back_the_same(hours):
    text = services.format_staffing(hours)
    assert (services.parse_staffing(text) if text else [0] * 24) == hours


# --- posts and people ------------------------------------------------------------------


def test_a_post_is_made_only_where_one_manages_duty(world: World):
    made = post(world)
    assert made.org_path == world.a.community.path
    assert made.needed == [2] * 24
    with pytest.raises(PermissionDenied):
        services.post_create(actor=world.a.grid_worker_local, unit=world.a.grid, name="网格岗",
                             kind="vanguard", staffing=[1] * 24)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.post_create(actor=world.b.commander, unit=world.a.grid, name="网格岗",
                             kind="vanguard", staffing=[1] * 24)  # fmt: skip
    with pytest.raises(ValidationError) as twice:
        post(world)
    assert "name" in twice.value.message_dict


def test_a_checkpoint_post_links_a_checkpoint_of_its_own_unit_only(world: World):
    from fangkong.checkpoints import services as checkpoint_services

    here = checkpoint_services.checkpoint_create(
        actor=world.a.commander, unit=world.a.community, name="东门卡口", kind="gate"
    )
    elsewhere = checkpoint_services.checkpoint_create(
        actor=world.a.commander, unit=world.a.street2, name="西城卡口", kind="gate"
    )
    made = post(world, name="东门卡口值守", kind="checkpoint", checkpoint=here)
    assert made.checkpoint == here
    with pytest.raises(ValidationError) as refused:
        post(world, name="西城卡口值守", kind="checkpoint", checkpoint=elsewhere)
    assert "checkpoint" in refused.value.message_dict


def test_the_phone_is_sealed_masked_and_revealed_only_into_the_audit_log(world: World):
    who = person(world, phone="139 1234 5678")
    assert who.phone == PHONE and who.masked_phone == "139****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM duty_dutyperson WHERE id = %s", [who.pk])
        (stored,) = cursor.fetchone()
    assert PHONE not in stored
    with pytest.raises(PermissionDenied):
        services.person_reveal_phone(actor=world.a.viewer, person=who)
    before = AuditEntry.objects.filter(action="reveal").count()
    assert services.person_reveal_phone(actor=world.a.grid_worker, person=who) == PHONE
    entry = AuditEntry.objects.filter(action="reveal").latest("id")
    assert AuditEntry.objects.filter(action="reveal").count() == before + 1
    assert (entry.actor, entry.target_id, entry.changes) == (
        world.a.grid_worker, str(who.pk), {"field": "phone"})  # fmt: skip


def test_a_changed_phone_is_audited_without_the_number(world: World):
    who = person(world)
    services.person_update(actor=world.a.commander, person=who, phone="13800001111")
    entry = AuditEntry.objects.filter(
        target_type="duty.dutyperson", target_id=str(who.pk), action="update"
    ).latest("id")
    assert entry.changes == {"phone": "changed"}
    assert "13800001111" not in str(entry.changes)


def test_a_user_account_is_linked_once_and_only_from_ones_area(world: World):
    who = person(world, user="a_grid_worker_local")
    assert who.user == world.a.grid_worker_local
    with pytest.raises(ValidationError) as twice:
        person(world, name="另一人", user="a_grid_worker_local")
    assert "user" in twice.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:
        services.person_create(actor=world.a.community_officer, unit=world.a.community,
                               name="丙", kind="volunteer", user="b_grid_worker")  # fmt: skip
    assert "user" in elsewhere.value.message_dict


# --- shifts ----------------------------------------------------------------------------


def test_a_night_shift_crosses_midnight_and_counts_on_both_days(world: World):
    gate = post(world, staffing="0-24:1")
    day = timezone.localdate()
    night = shift(world, gate, at(day, 20), 12)
    assert night.ends_at == at(day + timedelta(days=1), 8)
    on(world, night, person(world))
    (today,) = selectors.coverage([gate], day)
    (tomorrow,) = selectors.coverage([gate], day + timedelta(days=1))
    assert [c.staffed for c in today.cells] == [0] * 20 + [1] * 4
    assert [c.staffed for c in tomorrow.cells] == [1] * 8 + [0] * 16
    assert today.missing == 20 and tomorrow.missing == 16


def test_a_shift_repeats_on_the_following_days_at_the_same_hours(world: World):
    gate = post(world)
    day = timezone.localdate()
    made = services.shift_create(actor=world.a.commander, post=gate, starts_at=at(day, 22),
                                 ends_at=at(day, 30), repeat_days=7)  # fmt: skip
    assert [timezone.localtime(s.starts_at).hour for s in made] == [22] * 7
    assert [s.starts_at.date() for s in made] != []
    assert made[-1].starts_at - made[0].starts_at == timedelta(days=6)


@pytest.mark.parametrize("hours", [0, -1, 25])
def test_a_shift_that_ends_before_it_starts_or_lasts_over_a_day_is_refused(world: World, hours):
    with pytest.raises(ValidationError):
        shift(world, post(world), at(timezone.localdate(), 8), hours)
    assert not Shift.objects.exists()


# --- double bookings -------------------------------------------------------------------


def test_a_double_booking_is_refused_naming_the_other_shift(world: World):
    day = timezone.localdate()
    gate = post(world)
    desk = post(world, unit=world.a.district, name="指挥部值班", kind="desk")
    who = person(world)
    on(world, shift(world, gate, at(day, 8), 8), who)
    overlapping = shift(world, desk, at(day, 15), 8)
    with pytest.raises(ValidationError) as refused:
        on(world, overlapping, who)
    assert services.is_double_booking(refused.value)
    message = refused.value.message_dict["person"][0]
    assert "张志愿" in message and gate.name in message
    assert not overlapping.assignments.exists()
    # Touching ends are a hand-over, not a double booking.
    on(world, shift(world, desk, at(day, 16), 8), who)


def test_a_double_booking_kept_on_purpose_is_flagged_everywhere(world: World):
    day = timezone.localdate()
    gate = post(world)
    desk = post(world, unit=world.a.district, name="指挥部值班", kind="desk")
    who = person(world)
    first = on(world, shift(world, gate, at(day + timedelta(days=1), 8), 8), who)
    second = on(world, shift(world, desk, at(day + timedelta(days=1), 12), 8), who,
                overlap_ok=True)  # fmt: skip
    assert second.overlap_ok and not first.overlap_ok
    clashing = set(DutyAssignment.objects.filter(selectors.clash_q()).values_list("pk", flat=True))
    assert clashing == {first.pk, second.pk}
    (cover,) = selectors.coverage([gate], day + timedelta(days=1))
    # The hours of the shift that holds a double-booked person are marked.
    assert [c.hour for c in cover.cells if c.clash] == list(range(8, 16))
    assert selectors.alert_counts(world.a.district)["double_bookings"] == 1
    # The community sees it too: its post is one of the two.
    assert selectors.alert_counts(world.a.community)["double_bookings"] == 1
    assert selectors.alert_counts(world.a.street2)["double_bookings"] == 0
    entry = AuditEntry.objects.get(
        target_type="duty.dutyassignment", target_id=str(second.pk), action="create"
    )
    assert entry.changes["double_booking"] is True


def test_the_other_post_of_a_double_booking_is_not_named_to_someone_who_cannot_see_it(
    world: World,
):
    day = timezone.localdate()
    desk = post(world, unit=world.a.district, name="指挥部值班", kind="desk")
    gate = post(world, unit=world.a.community)
    who = person(world)
    on(world, shift(world, desk, at(day, 8), 8), who)
    later = shift(world, gate, at(day, 9), 8)
    with pytest.raises(ValidationError) as refused:
        services.assign(actor=world.a.community_officer, shift=later, person=who)
    message = refused.value.message_dict["person"][0]
    assert "指挥部值班" not in message and "another post" in message


def test_a_person_is_put_on_a_shift_only_from_ones_own_register_and_once(world: World):
    day = timezone.localdate()
    gate = post(world, unit=world.a.grid)
    theirs = services.person_create(actor=world.b.commander, unit=world.b.community,
                                    name="乙区人", kind="volunteer")  # fmt: skip
    morning = shift(world, gate, at(day, 8), 4)
    with pytest.raises(ValidationError):
        on(world, morning, theirs)
    who = person(world)
    on(world, morning, who)
    with pytest.raises(ValidationError):
        on(world, morning, who)
    services.person_update(actor=world.a.commander, person=who, active=False)
    with pytest.raises(ValidationError):
        on(world, shift(world, gate, at(day, 14), 4), who)
    with pytest.raises(PermissionDenied):
        services.assign(actor=world.a.grid_worker_local, shift=morning, person=person(world, "丁"))


# --- check-in --------------------------------------------------------------------------


def _on_now(world: World, **values):  # type: ignore[no-untyped-def]
    now = timezone.now()
    gate = post(world, name=f"岗{Shift.objects.count()}")
    who = person(world, **values)
    return on(world, shift(world, gate, now - timedelta(hours=1), 8), who)


def test_a_person_checks_in_themself_without_any_duty_permission(world: World):
    mine = _on_now(world, user="a_viewer")
    done = services.check_in(actor=world.a.viewer, assignment=mine)
    assert done.checked_in_at is not None and done.checked_in_by == world.a.viewer
    services.check_out(actor=world.a.viewer, assignment=mine)


def test_check_in_needs_record_duty_at_the_post_or_being_the_person(world: World):
    mine = _on_now(world)
    for outsider in (world.a.viewer, world.a.street2_officer, world.b.grid_worker):
        with pytest.raises(PermissionDenied):
            services.check_in(actor=outsider, assignment=mine)
    services.check_in(actor=world.a.community_officer, assignment=mine)


def test_late_and_no_show_are_read_from_the_times(world: World):
    mine = _on_now(world)
    start = mine.starts_at
    assert mine.state_at(start) == "upcoming"
    assert mine.state_at(start + timedelta(minutes=20)) == "late"
    assert mine.state_at(start + timedelta(minutes=30)) == "no_show"
    late = services.check_in(actor=world.a.commander, assignment=mine,
                             now=start + timedelta(minutes=16))  # fmt: skip
    assert late.state_at(start + timedelta(hours=2)) == "late_in"
    on_time = _on_now(world, name="准时")
    services.check_in(
        actor=world.a.commander, assignment=on_time, now=start + timedelta(minutes=15)
    )
    on_time.refresh_from_db()
    assert on_time.state_at(timezone.now()) == "in"


def test_check_in_is_refused_too_early_after_the_end_and_twice(world: World):
    mine = _on_now(world)
    with pytest.raises(ValidationError):
        services.check_in(actor=world.a.commander, assignment=mine,
                          now=mine.starts_at - timedelta(hours=2, minutes=1))  # fmt: skip
    with pytest.raises(ValidationError):
        services.check_in(actor=world.a.commander, assignment=mine, now=mine.ends_at)
    with pytest.raises(ValidationError):
        services.check_out(actor=world.a.commander, assignment=mine)
    services.check_in(actor=world.a.commander, assignment=mine)
    with pytest.raises(ValidationError):
        services.check_in(actor=world.a.commander, assignment=mine)


def test_a_shift_or_assignment_with_a_check_in_is_kept(world: World):
    mine = _on_now(world)
    services.check_in(actor=world.a.commander, assignment=mine)
    with pytest.raises(ValidationError):
        services.unassign(actor=world.a.commander, assignment=mine)
    with pytest.raises(ValidationError):
        services.shift_delete(actor=world.a.commander, shift=mine.shift)
    assert DutyAssignment.objects.filter(pk=mine.pk).exists()
    other = on(world, shift(world, mine.post, mine.ends_at, 4), person(world, "乙"))
    services.shift_delete(actor=world.a.commander, shift=other.shift)
    assert not DutyAssignment.objects.filter(pk=other.pk).exists()


def test_the_register_is_scoped(world: World):
    person(world, unit=world.a.grid)
    person(world, name="社区人")
    services.person_create(actor=world.b.commander, unit=world.b.community, name="乙区人",
                           kind="volunteer")  # fmt: skip
    names = lambda user: sorted(selectors.people(actor=user).values_list("name", flat=True))  # noqa: E731
    assert names(world.a.commander) == ["张志愿", "社区人"]
    assert names(world.a.grid_worker_local) == ["张志愿"]
    assert names(world.a.viewer) == []
    assert DutyPerson.objects.count() == 3
