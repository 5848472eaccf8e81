"""The duty pages: what they show, the forms behind them, and who reaches what (the
permission matrix covers every URL for every role; these cover what is on the page)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.duty import services
from fangkong.duty.models import DutyAssignment, DutyPerson, Post, Shift
from fangkong.duty.tests.helpers import PHONE, at, on, person, post, shift

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_coverage_page_shows_each_posts_hours_and_its_gaps(world: World, login):
    day = timezone.localdate()
    gate = post(world, staffing="8-20:2")
    on(world, shift(world, gate, at(day, 8), 12), person(world))
    services.post_create(actor=world.b.commander, unit=world.b.community, name="乙区岗",
                         kind="desk", staffing=[1] * 24)  # fmt: skip
    page = login(world.a.community_officer).get(reverse("duty:index")).content.decode()
    assert gate.name in page and "乙区岗" not in page
    assert "12 person-hours short" in page
    assert "8–20 h, 1 person" in page
    cells = re.findall(r'<li class="([^"]*)" title="(\d+):00', page)
    # The current hour's cell is marked "now" as well, whatever the hour.
    assert [int(h) for c, h in cells if "gap" in c.split()] == list(range(8, 20))


def test_a_unit_below_is_opened_from_the_district(world: World, login):
    post(world, unit=world.a.grid, name="网格岗")
    client = login(world.a.commander)
    page = client.get(reverse("duty:index")).content.decode()
    assert reverse("duty:coverage", args=[world.a.street.pk]) in page
    page = client.get(reverse("duty:coverage", args=[world.a.grid.pk])).content.decode()
    assert "网格岗" in page


def test_a_post_is_added_with_its_staffing_typed_as_ranges(world: World, login):
    client = login(world.a.community_officer)
    response = client.post(reverse("duty:post_create"), {
        "name": "东门岗", "unit": world.a.community.code, "kind": "vanguard",
        "staffing": "0-8:2, 8-20:3, 20-24:2", "active": "on"})  # fmt: skip
    made = Post.objects.get(name="东门岗")
    assert response.url == reverse("duty:post", args=[made.pk])
    assert made.needed == [2] * 8 + [3] * 12 + [2] * 4
    edit = client.get(reverse("duty:post_edit", args=[made.pk])).content.decode()
    assert 'value="0-8:2, 8-20:3, 20-24:2"' in edit
    refused = client.post(reverse("duty:post_create"), {
        "name": "西门岗", "unit": world.a.community.code, "kind": "vanguard",
        "staffing": "8-20"})  # fmt: skip
    assert refused.status_code == 200 and "is not a range" in refused.content.decode()


def test_a_night_shift_typed_on_the_form_ends_the_next_morning(world: World, login):
    gate = post(world)
    client = login(world.a.community_officer)
    response = client.post(reverse("duty:shift_create", args=[gate.pk]), {
        "day": "2026-02-01", "starts": "20:00", "ends": "08:00", "repeat_days": "3"})  # fmt: skip
    assert response.status_code == 302
    made = list(Shift.objects.order_by("starts_at"))
    assert len(made) == 3
    assert [timezone.localtime(s.ends_at).isoformat()[:16] for s in made] == [
        "2026-02-02T08:00", "2026-02-03T08:00", "2026-02-04T08:00"]  # fmt: skip


def test_a_double_booking_on_the_shift_page_is_refused_then_kept_when_ticked(world: World, login):
    day = timezone.localdate() + timedelta(days=1)
    gate = post(world)
    desk = post(world, unit=world.a.district, name="指挥部值班", kind="desk")
    who = person(world)
    on(world, shift(world, desk, at(day, 8), 12), who)
    later = shift(world, gate, at(day, 10), 8)
    client = login(world.a.commander)
    url = reverse("duty:shift", args=[later.pk])
    refused = client.post(url, {"action": "assign", "person": who.pk})
    html = refused.content.decode()
    assert refused.status_code == 200 and "Double booking" in html and "指挥部值班" in html
    assert 'name="overlap_ok"' in html
    assert not later.assignments.exists()
    kept = client.post(url, {"action": "assign", "person": who.pk, "overlap_ok": "on"})
    assert kept.status_code == 302
    assert later.assignments.get().overlap_ok
    assert "Double booking" in client.get(url).content.decode()


def test_the_person_checks_in_from_their_own_page_and_no_one_elses(world: World, login):
    gate = post(world)
    mine = person(world, user="a_viewer")
    theirs = person(world, name="别人")
    running = shift(world, gate, timezone.now() - timedelta(minutes=5), 8)
    own, other = on(world, running, mine), on(world, running, theirs)
    client = login(world.a.viewer)  # no duty permission at all
    page = client.get(reverse("duty:mine")).content.decode()
    assert gate.name in page and reverse("duty:check", args=[own.pk, "in"]) in page
    response = client.post(reverse("duty:check", args=[own.pk, "in"]),
                           {"next": reverse("duty:mine")})  # fmt: skip
    assert response.url == reverse("duty:mine")
    own.refresh_from_db()
    assert own.checked_in_by == world.a.viewer
    assert client.post(reverse("duty:check", args=[other.pk, "in"])).status_code == 404
    # Off-site "next" is not followed.
    response = client.post(reverse("duty:check", args=[own.pk, "out"]),
                           {"next": "https://example.com/"})  # fmt: skip
    assert response.url == reverse("duty:mine")


def test_check_in_is_offered_only_while_it_is_open(world: World, login):
    gate = post(world)
    now = timezone.now()
    later = on(world, shift(world, gate, now + timedelta(hours=5), 4), person(world))
    running = on(world, shift(world, gate, now - timedelta(hours=1), 4), person(world, "乙"))
    page = login(world.a.community_officer).get(reverse("duty:post", args=[gate.pk])).content
    html = page.decode()
    assert reverse("duty:check", args=[running.pk, "in"]) in html
    assert reverse("duty:check", args=[later.pk, "in"]) not in html


def test_the_phone_is_masked_on_the_pages_and_revealed_with_an_audit_entry(world: World, login):
    who = person(world)
    client = login(world.a.community_officer)
    for url in (reverse("duty:people"), reverse("duty:person", args=[who.pk]),
                reverse("duty:person_edit", args=[who.pk])):  # fmt: skip
        html = client.get(url).content.decode()
        assert PHONE not in html and "139****5678" in html, url
    shown = client.post(reverse("duty:person_phone", args=[who.pk]), HTTP_HX_REQUEST="true")
    assert PHONE in shown.content.decode()
    assert AuditEntry.objects.filter(action="reveal", target_id=str(who.pk)).count() == 1
    # Saving the form with the phone left empty keeps it.
    kept = {"name": "张志愿", "kind": "party_member", "phone": "", "active": "on"}
    client.post(reverse("duty:person_edit", args=[who.pk]), kept)
    who.refresh_from_db()
    assert (who.kind, who.phone) == ("party_member", PHONE)


def test_the_roster_lists_a_night_shift_once_and_who_stands_each(world: World, login):
    day = timezone.localdate()
    gate = post(world, staffing="0-24:1")
    on(world, shift(world, gate, at(day, 20), 12), person(world, "夜班甲"))
    on(world, shift(world, gate, at(day, 8), 12), person(world, "白班乙"))
    client = login(world.a.community_officer)
    week = client.get(reverse("duty:roster"), {"day": day.isoformat(), "days": "7"})
    html = week.content.decode()
    assert html.count("夜班甲") == 1 and "白班乙" in html
    assert "duty/duty.css" in html and "data-print" in html
    assert "0–8 h, 1 person" in html  # the first morning, before anyone
    one = client.get(reverse("duty:roster_unit", args=[world.a.grid.pk])).content.decode()
    assert "夜班甲" not in one  # the grid has no post


def test_the_sections_menu_links_only_to_pages_the_user_may_open(world: World, client):
    for user in world.a.users.values():
        client.force_login(user)
        page = client.get(reverse("duty:index"))
        if page.status_code != 200:
            continue
        menu = re.search(r'class="nav nav-pills[^"]*subnav[^"]*"(.*?)</nav>', page.content.decode(),
                         re.S)  # fmt: skip
        assert menu is not None
        for href in re.findall(r'href="([^"]+)"', menu.group(1)):
            assert client.get(href).status_code == 200, (user.username, href)


def test_the_duty_section_is_in_the_menu_of_those_who_may_open_it(world: World, client):
    cases = [(world.a.commander, True), (world.a.checkpoint, True),
             (world.a.grid_worker_local, True), (world.a.epidemiologist, False),
             (world.a.logistics, False)]  # fmt: skip
    for user, shown in cases:
        client.force_login(user)
        home = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("duty:index")}"' in home) is shown, user.username


def test_the_lists_take_a_few_queries_however_many_rows(
    world: World, login, django_assert_max_num_queries
):
    day = timezone.localdate()
    for n in range(6):
        gate = post(world, name=f"岗{n}")
        for h in (0, 8, 16):
            made = shift(world, gate, at(day, h), 8)
            on(world, made, person(world, name=f"人{n}-{h}"))
    assert DutyAssignment.objects.count() == 18 and DutyPerson.objects.count() == 18
    client = login(world.a.commander)
    for name in ("duty:index", "duty:alerts", "duty:people", "duty:roster"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("duty:roster"), {"days": "7"}).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("duty:post", args=[gate.pk])).status_code == 200


def test_someone_is_taken_off_a_shift_and_an_empty_shift_deleted(world: World, login):
    day = timezone.localdate() + timedelta(days=2)
    gate = post(world)
    later = shift(world, gate, at(day, 8), 8)
    made = on(world, later, person(world))
    client = login(world.a.community_officer)
    url = reverse("duty:shift", args=[later.pk])
    assert client.post(url, {"action": "unassign", "assignment": "x"}).status_code == 404
    assert client.post(url, {"action": "unassign", "assignment": made.pk}).status_code == 302
    assert not DutyAssignment.objects.filter(pk=made.pk).exists()
    response = client.post(url, {"action": "delete"})
    assert response.url == f"{reverse('duty:post', args=[gate.pk])}?day={day}"
    assert not Shift.objects.filter(pk=later.pk).exists()
    # A grid worker records duty but does not plan it.
    other = shift(world, gate, at(day, 16), 8)
    worker = login(world.a.grid_worker)
    assert (
        worker.post(reverse("duty:shift", args=[other.pk]), {"action": "delete"}).status_code == 403
    )
