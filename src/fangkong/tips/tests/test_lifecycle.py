"""A tip's life: received, triaged, worked on, resolved or rejected; every step and every
refusal, who may take it, overdue at its minute, and what is kept of the reporter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.tips import selectors, services
from fangkong.tips.models import TRANSITIONS, Tip, TipLog
from fangkong.tips.tests.helpers import NAME, NOTE, PHONE, in_state, public_tip, report, triaged

STATES = ("new", "triaged", "in_progress", "resolved", "rejected")
# Each action and the state it leads to.
ACTIONS = {"triage": "triaged", "reject": "rejected", "start": "in_progress",
           "resolve": "resolved"}  # fmt: skip


def _do(world: World, tip: Tip, action: str) -> Tip:
    if action == "triage":
        unit = world.a.grid2 if tip.unit_id == world.a.grid.pk else world.a.grid
        return services.tip_triage(actor=world.a.commander, tip=tip, unit=unit, note="请核查")
    if action == "reject":
        return services.tip_reject(actor=world.a.commander, tip=tip, reason="广告")
    if action == "start":
        return services.tip_start(actor=world.a.commander, tip=tip, note="已出发")
    return services.tip_resolve(
        actor=world.a.commander, tip=tip, outcome="not_confirmed", note="现场未发现"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_each_step_is_taken_from_the_states_that_allow_it_and_refused_from_the_others(
    world: World, state: str
):
    tip = in_state(world, state)
    steps = tip.log.count()
    for action, to in ACTIONS.items():
        with transaction.atomic():
            if to in TRANSITIONS[state]:
                done = _do(world, tip, action)
                assert done.state == to, action
                last = done.log.order_by("-id").first()
                assert last is not None and (last.before, last.after) == (state, to)
                assert last.by == world.a.commander and last.at is not None
                assert tip.log.count() == steps + 1
            else:
                with pytest.raises(ValidationError):
                    _do(world, tip, action)
                tip.refresh_from_db()
                assert tip.state == state and tip.log.count() == steps, action
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_triage_gives_the_categorys_due_time_or_the_one_asked_and_passing_on_keeps_it(
    world: World,
):
    now = timezone.now()
    arrival = services.tip_triage(actor=world.a.commander, tip=public_tip(world, now=now,
                                  category="arrival"), unit=world.a.street, now=now)  # fmt: skip
    assert arrival.due_at == now + timedelta(hours=2)
    rumour = services.tip_triage(actor=world.a.commander, tip=public_tip(world, now=now,
                                 category="rumour"), unit=world.a.street, now=now)  # fmt: skip
    assert rumour.due_at == now + timedelta(hours=24)
    asked = services.tip_triage(actor=world.a.commander, tip=public_tip(world), due_hours=5,
                                unit=world.a.street, now=now)  # fmt: skip
    assert asked.due_at == now + timedelta(hours=5)
    later = now + timedelta(minutes=30)
    passed = services.tip_triage(
        actor=world.a.street_officer, tip=arrival, unit=world.a.grid, now=later
    )
    assert (passed.unit, passed.org_path) == (world.a.grid, world.a.grid.path)
    assert (passed.due_at, passed.triaged_at) == (now + timedelta(hours=2), now)
    entry = (
        AuditEntry.objects.filter(target_id=str(arrival.pk), action="update").order_by("id").last()
    )
    assert entry is not None and entry.changes["unit"] == [str(world.a.street), str(world.a.grid)]


@pytest.mark.django_db
def test_a_tip_is_overdue_from_the_minute_it_falls_due_until_it_is_resolved(world: World):
    now = timezone.now().replace(second=0, microsecond=0)
    tip = triaged(world, now=now, category="arrival")
    due = now + timedelta(hours=2)
    before, at = due - timedelta(minutes=1), due
    assert not tip.overdue_at(before) and tip.overdue_at(at)
    assert selectors.alert_counts(world.a.district, now=before) == {"new": 0, "overdue": 0}
    assert selectors.alert_counts(world.a.district, now=at) == {"new": 0, "overdue": 1}
    assert list(selectors.triage_queue(actor=world.a.commander, tab="overdue", now=at)) == [tip]
    assert not selectors.triage_queue(actor=world.a.commander, tab="overdue", now=before)
    done = services.tip_resolve(actor=world.a.grid_worker_local, tip=tip, outcome="confirmed",
                                note=NOTE, now=at + timedelta(hours=1))  # fmt: skip
    assert not done.overdue_at(at + timedelta(days=1))
    assert selectors.alert_counts(world.a.district, now=at)["overdue"] == 0


@pytest.mark.django_db
def test_the_dashboard_counts_new_and_overdue_tips_in_the_units_subtree_only(world: World):
    public_tip(world)
    triaged(world, now=timezone.now() - timedelta(days=2))
    assert selectors.alert_counts(world.a.district) == {"new": 1, "overdue": 1}
    assert selectors.alert_counts(world.a.grid) == {"new": 0, "overdue": 1}
    assert selectors.alert_counts(world.a.street2) == {"new": 0, "overdue": 0}
    assert selectors.alert_counts(world.b.district) == {"new": 0, "overdue": 0}


@pytest.mark.django_db
def test_the_other_districts_officer_can_neither_see_nor_act_on_a_tip_here(world: World):
    tip = triaged(world)
    fresh = public_tip(world)
    assert not selectors.tip_list(actor=world.b.officer).filter(pk__in=[tip.pk, fresh.pk])
    assert not selectors.triage_queue(actor=world.b.commander)
    for act in (
        lambda: services.tip_triage(actor=world.b.officer, tip=fresh, unit=world.b.street),
        lambda: services.tip_reject(actor=world.b.officer, tip=fresh, reason="x"),
        lambda: services.tip_start(actor=world.b.officer, tip=tip),
        lambda: services.tip_resolve(
            actor=world.b.grid_worker, tip=tip, outcome="duplicate", note="x"
        ),
        lambda: services.tip_reveal(actor=world.b.officer, tip=tip, field="contact_phone"),
    ):
        with pytest.raises(PermissionDenied):
            act()


@pytest.mark.django_db
def test_a_grid_worker_works_on_its_grids_tips_but_does_not_triage(world: World):
    worker = world.a.grid_worker_local
    tip = triaged(world)
    services.tip_start(actor=worker, tip=tip)
    with pytest.raises(PermissionDenied):
        services.tip_triage(actor=worker, tip=tip, unit=world.a.grid2)
    elsewhere = triaged(world, unit=world.a.grid2)
    assert not selectors.tip_list(actor=worker).filter(pk=elsewhere.pk).exists()
    with pytest.raises(PermissionDenied):
        services.tip_start(actor=worker, tip=elsewhere)


@pytest.mark.django_db
def test_a_street_assigns_only_inside_its_area_and_cannot_reach_the_districts_queue(
    world: World,
):
    officer = world.a.street_officer
    new = public_tip(world)
    with pytest.raises(PermissionDenied):  # waiting at the district, above the street
        services.tip_triage(actor=officer, tip=new, unit=world.a.grid)
    tip = triaged(world, unit=world.a.street)
    with pytest.raises(ValidationError) as caught:
        services.tip_triage(actor=officer, tip=tip, unit=world.a.street2)
    assert "unit" in caught.value.message_dict
    assert services.tip_triage(actor=officer, tip=tip, unit=world.a.community).unit == (
        world.a.community
    )


@pytest.mark.django_db
def test_resolving_needs_an_outcome_and_a_note_and_rejecting_a_reason(world: World):
    tip = triaged(world)
    with pytest.raises(ValidationError) as caught:
        services.tip_resolve(actor=world.a.commander, tip=tip, outcome="", note=" ")
    assert {"outcome", "note"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        services.tip_reject(actor=world.a.commander, tip=public_tip(world), reason="")
    assert "reason" in caught.value.message_dict


@pytest.mark.django_db
def test_an_anonymous_tip_keeps_no_contact_whatever_was_typed(world: World):
    tip = public_tip(world, anonymous=True)
    assert (tip.contact_name, tip.contact_phone, tip.phone_key) == ("", "", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name, contact_phone FROM tips_tip WHERE id = %s", [tip.pk])
        assert cursor.fetchone() == ("", "")
    assert public_tip(world, contact_name="", contact_phone="").anonymous
    with pytest.raises(IntegrityError), transaction.atomic():
        Tip.objects.filter(pk=tip.pk).update(phone_key="x" * 64)


@pytest.mark.django_db
def test_a_contact_is_sealed_at_rest_shown_masked_and_revealed_with_an_audit_entry(
    world: World,
):
    tip = public_tip(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name, contact_phone FROM tips_tip WHERE id = %s", [tip.pk])
        stored = " ".join(cursor.fetchone())
    assert NAME not in stored and PHONE not in stored
    assert (tip.masked_name, tip.masked_phone) == ("举****", "139****5678")
    assert services.tip_reveal(actor=world.a.commander, tip=tip, field="contact_phone") == PHONE
    assert AuditEntry.objects.filter(action="reveal", target_id=str(tip.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.tip_reveal(actor=world.a.viewer, tip=tip, field="contact_phone")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [("139 1234 5678", "13912345678"), ("+86 139-1234-5678", "13912345678"),
     ("0531-88880000", "053188880000"), ("8888 0000", "88880000")],
)  # fmt: skip
def test_a_mobile_or_a_landline_is_taken_and_anything_else_refused(world, typed, stored):
    assert public_tip(world, contact_phone=typed).contact_phone == stored
    with pytest.raises(ValidationError) as caught:
        public_tip(world, contact_phone="12345")
    assert "contact_phone" in caught.value.message_dict


@pytest.mark.django_db
def test_a_hotline_call_is_received_at_the_operators_unit_and_can_be_assigned_at_once(world):
    worker = world.a.grid_worker_local
    waiting = services.tip_record(actor=worker, desk=world.a.grid, report=report())
    assert (waiting.channel, waiting.state, waiting.org_path) == ("hotline", "new",
                                                                  world.a.grid.path)  # fmt: skip
    assert selectors.triage_queue(actor=world.a.community_officer).filter(pk=waiting.pk)
    at_once = services.tip_record(actor=world.a.community_officer, desk=world.a.community,
                                  report=report(), assign_to=world.a.grid2)  # fmt: skip
    assert (at_once.state, at_once.unit) == ("triaged", world.a.grid2)
    assert list(at_once.log.values_list("after", flat=True)) == ["new", "triaged"]
    with pytest.raises(PermissionDenied):
        services.tip_record(actor=worker, desk=world.a.community, report=report())


@pytest.mark.django_db
def test_receipt_codes_are_unique_and_a_code_drawn_twice_is_drawn_again(world, monkeypatch):
    first = public_tip(world)
    draws = iter([first.code, "ABCDEFGH"])
    monkeypatch.setattr(services, "new_code", lambda: next(draws))
    assert public_tip(world).code == "ABCDEFGH"
    assert TipLog.objects.filter(tip__code="ABCDEFGH").count() == 1


def test_new_codes_are_eight_characters_of_a_thirty_letter_alphabet_and_do_not_repeat():
    codes = {services.new_code() for _ in range(2000)}
    assert len(codes) == 2000 and len(set(services.ALPHABET)) == 30
    assert not set(services.ALPHABET) & set("0O1I")
    assert all(len(code) == 8 and set(code) <= set(services.ALPHABET) for code in codes)


SHAPES = [lambda c: c, lambda c: f" {c} ", lambda c: f"{c[:4]}-{c[4:]}",
          lambda c: f"{c[:4]} {c[4:]}", lambda c: c.lower()]  # fmt: skip


@given(st.text(alphabet=services.ALPHABET, min_size=8, max_size=8), st.sampled_from(SHAPES))
def test_a_code_typed_in_lower_case_or_split_in_two_is_found(code: str, shape) -> None:  # type: ignore[no-untyped-def]
    assert services.normalize_code(shape(code)) == code
    assert services.normalize_code(services.format_code(code)) == code


@given(st.text(max_size=12))
def test_anything_else_normalizes_to_a_code_or_to_nothing(text: str):
    code = services.normalize_code(text)
    assert code == "" or (len(code) == 8 and set(code) <= set(services.ALPHABET))
