"""The staff pages: the queue's order, one tip's page and its actions, the hotline form,
and response times per unit for a known set of tips."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.tips import selectors, services
from fangkong.tips.models import Tip
from fangkong.tips.tests.helpers import NAME, PHONE, public_tip, triaged

pytestmark = pytest.mark.django_db


def test_the_queue_shows_new_tips_first_then_the_oldest_and_only_in_scope(world, login):
    now = timezone.now()
    old = triaged(world, now=now - timedelta(hours=5))
    newer = public_tip(world, now=now - timedelta(hours=1))
    newest = public_tip(world, now=now)
    older_new = public_tip(world, now=now - timedelta(hours=3))
    services.tip_submit(district=world.b.district, report=services.Report("other", "b", "b"))
    rows = list(selectors.triage_queue(actor=world.a.commander))
    assert rows == [older_new, newer, newest, old]
    found = selectors.triage_queue(actor=world.a.commander, query=newest.code.lower())
    assert list(found) == [newest]
    body = login(world.a.commander).get(reverse("tips:queue")).content.decode()
    assert body.index(reverse("tips:detail", args=[older_new.pk])) < body.index(
        reverse("tips:detail", args=[old.pk])
    )


def test_the_list_pages_read_in_a_bounded_number_of_queries(
    world, login, django_assert_max_num_queries
):
    for n in range(6):
        triaged(world, place=f"地点{n}")
        public_tip(world)
    client = login(world.a.commander)
    for name in ("tips:queue", "tips:mine"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200


def test_a_tips_page_masks_the_contact_and_shows_it_in_full_only_on_request(world, login):
    tip = triaged(world)
    client = login(world.a.community_officer)
    page = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert PHONE not in page and NAME not in page and tip.masked_phone in page
    shown = client.post(reverse("tips:reveal", args=[tip.pk, "contact_phone"]))
    assert PHONE in shown.content.decode()
    assert AuditEntry.objects.filter(action="reveal", target_id=str(tip.pk)).count() == 1
    assert client.get(reverse("tips:reveal", args=[tip.pk, "contact_phone"])).status_code == 405
    other = login(world.b.officer).post(reverse("tips:reveal", args=[tip.pk, "contact_phone"]))
    assert other.status_code == 404


def test_a_tip_is_assigned_worked_on_and_resolved_from_its_page(world, login):
    tip = public_tip(world, category="arrival")
    url = reverse("tips:detail", args=[tip.pk])
    officer = login(world.a.officer)
    officer.post(url, {"action": "triage", "triage-unit": world.a.grid.code,
                       "triage-due_hours": "3", "triage-note": "请尽快核实"})  # fmt: skip
    tip.refresh_from_db()
    assert (tip.state, tip.unit) == ("triaged", world.a.grid)
    assert tip.due_at and tip.triaged_at and tip.due_at - tip.triaged_at == timedelta(hours=3)
    worker = login(world.a.grid_worker_local)
    page = worker.get(url).content.decode()
    assert 'value="triage"' not in page and 'value="start"' in page
    assert (
        worker.post(url, {"action": "triage", "triage-unit": world.a.grid2.code}).status_code == 403
    )
    worker.post(url, {"action": "start"})
    empty = worker.post(url, {"action": "resolve", "resolve-outcome": "confirmed"})
    assert empty.status_code == 200 and "resolve-note" in empty.content.decode()
    worker.post(url, {"action": "resolve", "resolve-outcome": "confirmed",
                      "resolve-note": "已上门登记，居家观察",
                      "resolve-public_reply": "已处理"})  # fmt: skip
    tip.refresh_from_db()
    assert (tip.state, tip.outcome, tip.public_reply) == ("resolved", "confirmed", "已处理")
    assert list(tip.log.values_list("after", flat=True)) == [
        "new", "triaged", "in_progress", "resolved"]  # fmt: skip


def test_the_hotline_form_records_a_call_and_can_assign_it_at_once(world, login):
    client = login(world.a.commander)
    form = {"category": "gouging", "place": "惠民药店", "text": "口罩一只卖二十元",
            "contact_phone": "0531-88880000", "assign_to": world.a.street.code}  # fmt: skip
    response = client.post(reverse("tips:record"), form, follow=True)
    tip = Tip.objects.get()
    assert (tip.channel, tip.state, tip.unit, tip.created_by) == (
        "hotline", "triaged", world.a.street, world.a.commander)  # fmt: skip
    assert services.format_code(tip.code) in response.content.decode()
    grid_form = login(world.a.grid_worker_local).get(reverse("tips:record")).content.decode()
    assert 'name="assign_to"' not in grid_form


def test_response_times_per_unit_for_a_known_set_of_tips(world, django_assert_max_num_queries):
    t0 = (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0)

    def tip(unit, triage_after: int, resolve_after: float | None, **values):  # type: ignore[no-untyped-def]
        made = services.tip_triage(actor=world.a.commander, tip=public_tip(world, now=t0, **values),
                                   unit=unit, now=t0 + timedelta(minutes=triage_after))  # fmt: skip
        if resolve_after is not None:
            services.tip_resolve(actor=world.a.commander, tip=made, outcome="confirmed",
                                 note="好", now=t0 + timedelta(hours=resolve_after))  # fmt: skip
        return made

    tip(world.a.grid, 10, 2)
    tip(world.a.grid2, 30, 4)
    tip(world.a.community, 50, None, category="arrival")  # due 2 h after triage: overdue now
    tip(world.a.street2, 20, 1)
    public_tip(world, now=t0)  # waiting at the district itself
    before = t0 - timedelta(days=60)
    long_ago = services.tip_triage(actor=world.a.commander, tip=public_tip(world, now=before),
                                   unit=world.a.street2, now=before)  # fmt: skip
    services.tip_resolve(actor=world.a.commander, tip=long_ago, outcome="duplicate", note="重复",
                         now=t0 - timedelta(days=59))  # fmt: skip

    with django_assert_max_num_queries(6):
        total, rows = selectors.response_times(world.a.district, days=30)
    by_unit = {(r.unit.pk, r.itself): r for r in rows}
    street = by_unit[(world.a.street.pk, False)]
    assert (street.received, street.resolved, street.open, street.overdue) == (3, 2, 1, 1)
    assert (street.to_triage, street.to_resolve) == (timedelta(minutes=30), timedelta(hours=3))
    street2 = by_unit[(world.a.street2.pk, False)]
    assert (street2.received, street2.resolved, street2.to_triage, street2.to_resolve) == (
        1, 1, timedelta(minutes=20), timedelta(hours=1))  # fmt: skip
    itself = by_unit[(world.a.district.pk, True)]
    assert (itself.received, itself.open, itself.to_triage) == (1, 1, None)
    assert rows[0].unit == world.a.street  # the most overdue first
    assert (total.received, total.resolved, total.open, total.overdue) == (5, 3, 2, 1)
    assert (total.to_triage, total.to_resolve) == (timedelta(minutes=25), timedelta(hours=2))
    community, _rest = selectors.response_times(world.a.community, days=30)
    assert (community.received, community.to_triage) == (3, timedelta(minutes=30))


def test_the_response_times_page_shows_a_unit_in_scope_and_hides_the_other_district(
    world: World, login
):
    triaged(world)
    client = login(world.a.street_officer)
    assert client.get(reverse("tips:times")).status_code == 200
    assert client.get(reverse("tips:times_unit", args=[world.a.community.pk]),
                      {"days": "7"}).status_code == 200  # fmt: skip
    assert login(world.b.commander).get(
        reverse("tips:times_unit", args=[world.a.district.pk])).status_code == 404  # fmt: skip
    assert login(world.a.grid_worker_local).get(reverse("tips:times")).status_code == 403


def test_the_demo_makes_a_dozen_tips_in_every_state(world: World):
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_user
    from fangkong.tips.demo import load_tips

    make_user("commander", Role.COMMANDER, world.a.district)
    make_user("community", Role.UNIT_OFFICER, world.a.community)
    make_user("grid", Role.GRID_WORKER, world.a.grid)
    assert load_tips(world.a.district) == 12
    states = set(Tip.objects.values_list("state", flat=True))
    assert states == {"new", "triaged", "in_progress", "resolved", "rejected"}
    assert selectors.alert_counts(world.a.district)["overdue"] >= 1
