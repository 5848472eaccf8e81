"""The counts the command dashboard shows (``alert_counts``) and the daily report's
volunteers on duty, each against a roster built for it; and the demo."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.roles import Role
from fangkong.core.testing import World, make_user
from fangkong.duty import selectors, services
from fangkong.duty.demo import load_duty
from fangkong.duty.models import DutyAssignment, Post
from fangkong.duty.tests.helpers import at, on, person, post, shift

pytestmark = pytest.mark.django_db


def _now():  # type: ignore[no-untyped-def]
    """Today at 10:10, local."""
    return at(timezone.localdate(), 10, 10)


def test_alert_counts_for_the_dashboard(world: World, django_assert_max_num_queries):
    now = _now()
    day = timezone.localdate()
    gate = post(world, staffing="0-24:2")  # community
    desk = post(world, unit=world.a.district, name="指挥部值班", kind="desk", staffing="8-20:1")
    people = [person(world, name=f"人{n}") for n in range(5)]
    # The gate: two from 8 to 16, then one from 16 to 24; nobody before 8 tomorrow.
    morning = shift(world, gate, at(day, 8), 8)
    on(world, morning, people[0])
    on(world, morning, people[1])
    on(world, shift(world, gate, at(day, 16), 8), people[2])
    # The desk: covered today from 8 to 20, one no-show (not checked in by 10:10).
    on(world, shift(world, desk, at(day, 8), 12), people[3])
    # Tomorrow at the desk, a double booking kept on purpose.
    tomorrow = at(day + timedelta(days=1), 8)
    on(world, shift(world, desk, tomorrow, 12), people[4])
    on(world, shift(world, gate, tomorrow, 4), people[4], overlap_ok=True)
    for a in DutyAssignment.objects.filter(post=gate, starts_at=at(day, 8)):
        services.check_in(actor=world.a.commander, assignment=a, now=at(day, 7, 55))
    # Next 24 hours from 10:00: the gate is short 0 until 16, 1 from 16 to 24, 2 from 0 to 8,
    # 0 from 8 to 10 tomorrow with person 4 (one of two: short 1); the desk needs 1 from 8
    # to 20, covered today and tomorrow 8-10.
    with django_assert_max_num_queries(3):
        counts = selectors.alert_counts(world.a.district, now=now)
    assert counts == {
        "gaps_now": 0,
        "gap_hours_next_24h": 8 * 1 + 8 * 2 + 2 * 1,
        "double_bookings": 1,
        "no_shows": 1,
    }
    # At 17:00 the gate is one short now.
    assert selectors.alert_counts(world.a.district, now=at(day, 17))["gaps_now"] == 1
    # The community sees its gate only: the desk's no-show is the district's.
    below = selectors.alert_counts(world.a.community, now=now)
    assert (below["no_shows"], below["double_bookings"]) == (0, 1)
    assert selectors.alert_counts(world.b.district, now=now) == dict.fromkeys(counts, 0)
    # A post out of service needs nobody.
    services.post_update(actor=world.a.commander, post=gate, active=False)
    assert selectors.alert_counts(world.a.community, now=now)["gap_hours_next_24h"] == 0


def test_the_alerts_page_lists_what_the_counts_count(world: World, login):
    day = timezone.localdate()
    gate = post(world, staffing="0-24:1")
    desk = post(world, unit=world.a.district, name="指挥部值班", kind="desk")
    who, other = person(world), person(world, name="李双岗")
    on(world, shift(world, gate, at(day, 8), 4), who)
    found = selectors.alerts(actor=world.a.commander, now=_now())
    assert [a.person for a in found.no_shows] == [who]
    assert [p for p, _needed, _have in found.short_now] == [desk]  # the gate has its one
    assert selectors.alerts(actor=world.b.commander, now=_now()).no_shows == []
    tomorrow = at(day + timedelta(days=1), 8)
    on(world, shift(world, gate, tomorrow, 4), other)
    on(world, shift(world, desk, tomorrow, 4), other, overlap_ok=True)
    page = login(world.a.commander).get("/duty/alerts/").content.decode()
    assert page.count("李双岗") == 2
    page = login(world.b.commander).get("/duty/alerts/").content.decode()
    assert "李双岗" not in page


def test_volunteers_on_duty_count_volunteers_and_party_members_checked_in_that_day(
    world: World,
):
    day = timezone.localdate() - timedelta(days=1)
    gate = post(world)
    grid_post = post(world, unit=world.a.grid, name="网格岗")
    kinds = {
        "志愿甲": "volunteer",
        "党员乙": "party_member",
        "干部丙": "staff",
        "志愿丁": "volunteer",
    }
    people = {name: person(world, name=name, kind=kind) for name, kind in kinds.items()}
    morning, evening = shift(world, gate, at(day, 8), 8), shift(world, gate, at(day, 16), 8)
    for name in ("志愿甲", "党员乙", "干部丙"):
        on(world, morning, people[name])
    on(world, evening, people["志愿甲"])  # the same person twice: counted once
    on(world, shift(world, grid_post, at(day, 8), 8), people["志愿丁"])  # never checked in
    for a in DutyAssignment.objects.select_related("person"):
        if a.person.name != "志愿丁":
            services.check_in(actor=world.a.commander, assignment=a, now=a.starts_at)
    assert selectors.volunteers_on_duty(world.a.district.path, day) == 2
    assert selectors.volunteers_on_duty(world.a.community.path, day) == 2
    assert selectors.volunteers_on_duty(world.a.grid.path, day) == 0
    assert selectors.volunteers_on_duty(world.a.district.path, day + timedelta(days=1)) == 0
    assert selectors.volunteers_on_duty(world.b.district.path, day) == 0


def test_the_demo_loads_a_week_with_gaps_one_double_booking_and_check_ins(world: World):
    a = world.a
    for name, role, unit in (("commander", Role.COMMANDER, a.district),
                             ("community", Role.UNIT_OFFICER, a.community),
                             ("grid", Role.GRID_WORKER, a.grid),
                             ("checkpoint", Role.CHECKPOINT, a.street2)):  # fmt: skip
        make_user(name, role, unit)
    made = load_duty(a.district)
    assert made == DutyAssignment.objects.count() > 100
    assert Post.objects.count() == 4  # one community only: one vanguard post
    counts = selectors.alert_counts(a.district)
    assert counts["double_bookings"] == 1
    assert counts["gap_hours_next_24h"] > 0
    today = timezone.localdate()
    for hour in range(24):  # a gap ahead at any hour the demo is looked at
        at_hour = timezone.make_aware(datetime.combine(today, time(hour, 30)))
        assert selectors.alert_counts(a.district, now=at_hour)["gap_hours_next_24h"] > 0, hour
    week = selectors.roster(a.district, timezone.localdate() - timedelta(days=3), 7)
    assert sum(d.cover.missing for r in week for d in r.days) > 0
    assert DutyAssignment.objects.filter(checked_in_at__isnull=False).exists()
    mine = selectors.my_assignments(user=User.objects.get(username="grid"))
    assert mine  # the grid worker stands the morning gate
    assert DutyAssignment.objects.filter(selectors.clash_q()).count() == 2


def test_without_the_demo_users_it_loads_nothing(world: World):
    assert load_duty(world.a.district) == 0
