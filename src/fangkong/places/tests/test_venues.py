"""Venues: control orders (closed, restricted, reopened) that supersede and are never
edited, inspections and their follow-ups, the closed venue found open, and the contact
masked and revealed only on request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.places import selectors, services
from fangkong.places.models import NEXT_ORDERS, ControlOrder, Inspection, VenueState
from fangkong.places.tests.helpers import BASIS, CONTACT, PHONE, venue

pytestmark = pytest.mark.django_db

ORDERS = ("closed", "restricted", "reopened")


def _issue(world: World, v, kind: str, at=None, now=None):  # type: ignore[no-untyped-def]
    return services.order_issue(
        actor=world.a.commander,
        venue=v,
        kind=kind,
        basis=BASIS,
        effective_at=at,
        conditions="限流50%，扫码测温" if kind == "restricted" else "",
        now=now,
    )


def _in_state(world: World, state: str, name: str = "好运来KTV"):  # type: ignore[no-untyped-def]
    v = venue(world, name=name)
    start = timezone.now() - timedelta(days=3)
    if state == "closed":
        _issue(world, v, "closed", start)
    elif state == "restricted":
        _issue(world, v, "restricted", start)
    elif state == "reopened":
        _issue(world, v, "closed", start)
        _issue(world, v, "reopened", start + timedelta(days=1))
    return v


@pytest.mark.parametrize("state", [s.value for s in VenueState])
def test_each_order_follows_only_the_states_that_allow_it(world: World, state: str):
    v = _in_state(world, state)
    for kind in ORDERS:
        with transaction.atomic():
            if kind in NEXT_ORDERS[state]:
                order = _issue(world, v, kind)
                assert v.state_at(timezone.now()) == kind
                assert order.issued_by == world.a.commander
            else:
                with pytest.raises(ValidationError) as caught:
                    _issue(world, v, kind)
                assert "kind" in caught.value.message_dict
                assert v.state_at(timezone.now()) == state
            transaction.set_rollback(True)


def test_a_venue_closed_restricted_and_reopened_keeps_every_order(world: World):
    v = venue(world)
    now = timezone.now()
    closed = _issue(world, v, "closed", now - timedelta(days=10))
    restricted = _issue(world, v, "restricted", now - timedelta(days=4))
    reopened = _issue(world, v, "reopened", now - timedelta(hours=1))
    assert list(v.orders.all()) == [reopened, restricted, closed]
    assert v.state_at(now - timedelta(days=5)) == "closed"
    assert v.state_at(now - timedelta(days=3)) == "restricted"
    assert v.state_at(now) == "reopened"
    assert v.order_at(now - timedelta(days=11)) is None
    assert AuditEntry.objects.filter(target_type="places.controlorder").count() == 3


def test_an_order_announced_for_tomorrow_is_not_in_effect_today(world: World):
    v = _in_state(world, "closed")
    tomorrow = timezone.now() + timedelta(days=1)
    _issue(world, v, "reopened", tomorrow)
    now = timezone.now()
    assert v.state_at(now) == "closed" and v.state_at(tomorrow) == "reopened"
    assert selectors.alert_counts(world.a.district, now)["closed_venues"] == 1
    assert selectors.alert_counts(world.a.district, tomorrow)["closed_venues"] == 0
    # The next order follows the announced one: reopened, then closed again, not before it.
    with pytest.raises(ValidationError) as caught:
        _issue(world, v, "closed", now + timedelta(hours=1))
    assert "effective_at" in caught.value.message_dict


def test_an_order_cannot_take_effect_before_the_last_one(world: World):
    v = _in_state(world, "closed")
    last = v.orders.get().effective_at
    with pytest.raises(ValidationError) as caught:
        _issue(world, v, "reopened", last - timedelta(minutes=1))
    assert "effective_at" in caught.value.message_dict
    assert _issue(world, v, "reopened", last).kind == "reopened"  # the same minute is fine


def test_a_restriction_says_its_conditions_and_every_order_its_basis(world: World):
    v = venue(world)
    with pytest.raises(ValidationError) as caught:
        services.order_issue(actor=world.a.commander, venue=v, kind="restricted", basis="  ")
    assert set(caught.value.message_dict) == {"basis", "conditions"}
    order = services.order_issue(
        actor=world.a.commander, venue=v, kind="closed", basis=BASIS, conditions="ignored"
    )
    assert order.conditions == ""


def test_orders_are_never_edited_there_is_no_way_to(world: World):
    assert not hasattr(services, "order_update") and not hasattr(services, "order_delete")


def test_only_who_manages_places_there_issues_orders(world: World):
    v = venue(world)
    for user in (
        world.a.grid_worker_local,
        world.a.epidemiologist,
        world.a.logistics,
        world.a.street2_officer,
        world.b.commander,
    ):
        with pytest.raises(PermissionDenied):
            services.order_issue(actor=user, venue=v, kind="closed", basis=BASIS)
    assert services.order_issue(
        actor=world.a.community_officer, venue=v, kind="closed", basis=BASIS
    )


def test_a_closed_venue_found_open_is_a_problem_whatever_was_ticked(world: World):
    v = _in_state(world, "closed")
    found = services.inspection_record(
        actor=world.a.grid_worker_local,
        venue=v,
        result="compliant",
        found_open=True,
        findings="后门营业，十余人唱歌",
    )
    assert (found.result, found.found_open) == ("problems", True)
    other = _in_state(world, "restricted", name="星空网吧")
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            actor=world.a.grid_worker_local,
            venue=other,
            result="problems",
            found_open=True,
            findings="营业中",
        )
    assert "found_open" in caught.value.message_dict


def test_problems_are_described_and_a_compliant_venue_needs_no_follow_up(world: World):
    v = venue(world)
    worker = world.a.grid_worker_local
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(actor=worker, venue=v, result="problems")
    assert "findings" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            actor=worker, venue=v, result="compliant", followup_due=timezone.localdate()
        )
    assert "followup_due" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.inspection_record(
            actor=worker,
            venue=v,
            result="problems",
            findings="x",
            followup_due=timezone.localdate() - timedelta(days=1),
        )


def test_a_follow_up_is_late_from_the_day_after_its_due_date_until_closed(world: World):
    v = venue(world)
    today = timezone.localdate()
    due_today = services.inspection_record(
        actor=world.a.grid_worker_local,
        venue=v,
        result="problems",
        findings="未测温",
        followup_due=today,
    )
    assert not due_today.followup_overdue_on(today)
    assert due_today.followup_overdue_on(today + timedelta(days=1))
    later = timezone.now() + timedelta(days=1)
    assert selectors.alert_counts(world.a.district, timezone.now())["overdue_followups"] == 0
    assert selectors.alert_counts(world.a.district, later)["overdue_followups"] == 1
    assert [i.pk for i in selectors.followups(actor=world.a.commander, show="late", now=later)] == [
        due_today.pk
    ]
    with pytest.raises(ValidationError):
        services.followup_close(actor=world.a.grid_worker_local, inspection=due_today, note=" ")
    services.followup_close(
        actor=world.a.grid_worker_local, inspection=due_today, note="复查已整改"
    )
    assert selectors.alert_counts(world.a.district, later)["overdue_followups"] == 0
    with pytest.raises(ValidationError):
        services.followup_close(actor=world.a.grid_worker_local, inspection=due_today, note="再")


def test_the_venue_page_flags_a_closed_venue_found_open(world: World, login):
    v = _in_state(world, "closed")
    services.inspection_record(
        actor=world.a.grid_worker_local,
        venue=v,
        result="problems",
        found_open=True,
        findings="后门营业",
    )
    client = login(world.a.epidemiologist)
    client.cookies["fangkong_language"] = "en"
    page = client.get(reverse("places:venue", args=[v.pk])).content.decode()
    assert "found-open" in page and "Found open while closed" in page
    assert 'value="order"' not in page and 'value="inspect"' not in page  # reads only
    listed = client.get(reverse("places:venues") + "?state=found_open").content.decode()
    assert v.name in listed


def test_the_contact_is_sealed_masked_and_revealed_only_on_request(world: World, login):
    from django.db import connection

    v = venue(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone, contact_name FROM places_venue WHERE id = %s", [v.pk])
        stored = cursor.fetchone()
    assert PHONE not in stored[0] and CONTACT not in stored[1]
    client = login(world.a.community_officer)
    page = client.get(reverse("places:venue", args=[v.pk])).content.decode()
    assert PHONE not in page and CONTACT not in page and v.masked_phone in page
    shown = client.post(reverse("places:venue_reveal", args=[v.pk, "contact_phone"]))
    assert PHONE in shown.content.decode()
    assert (
        AuditEntry.objects.filter(
            action="reveal", target_id=str(v.pk), target_type="places.venue"
        ).count()
        == 1
    )
    assert (
        client.get(reverse("places:venue_reveal", args=[v.pk, "contact_phone"])).status_code == 405
    )
    other = login(world.b.officer).post(
        reverse("places:venue_reveal", args=[v.pk, "contact_phone"])
    )
    assert other.status_code == 404
    viewer = login(world.a.epidemiologist).get(reverse("places:venue", args=[v.pk]))
    assert PHONE not in viewer.content.decode()


def test_orders_and_inspections_from_the_venue_page(world: World, login):
    v = venue(world)
    url = reverse("places:venue", args=[v.pk])
    officer = login(world.a.community_officer)
    empty = officer.post(url, {"action": "order", "order-kind": "restricted", "order-basis": BASIS})
    assert empty.status_code == 200 and not ControlOrder.objects.exists()
    officer.post(url, {"action": "order", "order-kind": "closed", "order-basis": BASIS})
    assert v.state_at(timezone.now()) == "closed"
    worker = login(world.a.grid_worker_local)
    assert (
        worker.post(
            url, {"action": "order", "order-kind": "reopened", "order-basis": BASIS}
        ).status_code
        == 403
    )
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    worker.post(
        url,
        {
            "action": "inspect",
            "inspect-result": "problems",
            "inspect-found_open": "on",
            "inspect-findings": "后门营业",
            "inspect-followup_due": due,
        },
    )
    inspection = Inspection.objects.get()
    assert inspection.found_open and inspection.inspector == world.a.grid_worker_local
    worker.post(
        url, {"action": "followup", "followup-inspection": inspection.pk, "followup-note": "已停业"}
    )
    inspection.refresh_from_db()
    assert inspection.followup_closed_at is not None and inspection.followup_note == "已停业"
