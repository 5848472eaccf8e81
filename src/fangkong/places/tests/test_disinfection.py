"""Disinfection logs: who may log where, what a log must say, the field form (quick on a
phone, several places in a row), places and plans, the figures per unit, and the counts
for the dashboard and the daily report."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.places import selectors, services
from fangkong.places.models import Disinfection, Place
from fangkong.places.tests.helpers import local, logged, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _today(hour: int, minute: int = 0):  # type: ignore[no-untyped-def]
    return local(timezone.localdate(), hour, minute)


def test_only_who_records_disinfection_there_logs_it(world: World):
    toilet = place(world)
    for user in (
        world.a.epidemiologist,
        world.a.viewer,
        world.a.checkpoint,
        world.a.clinician,
        world.a.street2_officer,
        world.b.grid_worker,
        world.b.commander,
    ):
        with pytest.raises(PermissionDenied):
            services.disinfection_log(actor=user, place=toilet, disinfectant="84消毒液")
    for user in (world.a.grid_worker_local, world.a.logistics, world.a.community_officer):
        services.disinfection_log(actor=user, place=toilet, disinfectant="84消毒液")
    assert Disinfection.objects.count() == 3
    assert AuditEntry.objects.filter(target_type="places.disinfection").count() == 3


def test_a_log_names_its_disinfectant_and_is_not_in_the_future_or_too_old(world: World):
    toilet = place(world)
    worker, now = world.a.grid_worker_local, timezone.now()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"disinfectant": " "}, "disinfectant"),
        ({"disinfectant": "84", "at": now + timedelta(minutes=6)}, "at"),
        (
            {"disinfectant": "84", "at": now - timedelta(days=services.LOG_BACK_DAYS, minutes=1)},
            "at",
        ),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.disinfection_log(actor=worker, place=toilet, now=now, **values)
        assert field in caught.value.message_dict
    # A phone's clock a few minutes ahead is no reason to refuse.
    services.disinfection_log(
        actor=worker, place=toilet, disinfectant="84", at=now + timedelta(minutes=4), now=now
    )
    services.place_update(actor=world.a.commander, place=toilet, active=False)
    with pytest.raises(ValidationError):
        services.disinfection_log(actor=worker, place=toilet, disinfectant="84")


def test_a_plan_needs_its_last_window_after_its_first(world: World):
    with pytest.raises(ValidationError) as caught:
        place(world, day_start=time(19), day_end=time(7))
    assert "day_end" in caught.value.message_dict
    with pytest.raises(ValidationError):
        place(world, times_per_day=0)
    with pytest.raises(PermissionDenied):
        services.place_create(
            actor=world.a.grid_worker_local,
            unit=world.a.grid,
            name="x",
            kind="toilet",
            times_per_day=2,
            day_start=time(7),
            day_end=time(19),
        )


def test_a_changed_plan_counts_todays_logs_again(world: World):
    now = _today(23, 30)
    toilet = place(world)  # 07–13, 13–19
    logged(world, toilet, _today(12, 0), now=now)
    toilet.refresh_from_db()
    assert selectors.state_of(toilet, now).missed == 1
    # Three windows of four hours: 12:00 now lies in the second, the first is missed too.
    toilet = services.place_update(actor=world.a.commander, place=toilet, times_per_day=3)
    assert toilet.done_slots == 0b10
    assert selectors.state_of(toilet, now).missed == 2
    assert services.recount() == []


def test_yesterdays_logs_do_not_count_today(world: World):
    toilet = place(world)
    yesterday = timezone.localdate() - timedelta(days=1)
    now = _today(13, 0)
    logged(world, toilet, local(yesterday, 8), now=now)
    logged(world, toilet, local(yesterday, 14), now=now)
    toilet.refresh_from_db()
    state = selectors.state_of(toilet, now)
    assert (state.done, state.missed, state.overdue) == (0, 1, True)


def test_the_figures_per_unit_and_the_dashboard_counts_agree(world: World):
    now = _today(13, 30)
    morning = place(world)  # grid: logged this morning
    skipped = place(world, name="垃圾收集点", kind="garbage")  # grid: nothing
    other = place(world, unit=world.a.grid2, name="二网格公厕")  # grid2: logged late
    place(world, unit=world.a.grid2, name="停用公厕", active=False)
    place(world, unit=world.b.grid, name="他区公厕")
    logged(world, morning, _today(9), now=now)
    logged(world, other, _today(13, 10), now=now)
    total, rows = selectors.unit_figures(world.a.community, now)
    assert (total.places, total.planned, total.done, total.missed, total.overdue) == (3, 6, 2, 2, 1)
    by_unit = {r.unit: r.tally for r in rows}
    assert (by_unit[world.a.grid].missed, by_unit[world.a.grid].overdue) == (1, 1)
    assert (by_unit[world.a.grid2].missed, by_unit[world.a.grid2].overdue) == (1, 0)
    counts = selectors.alert_counts(world.a.district, now)
    assert (counts["overdue_places"], counts["missed_today"]) == (1, 2)
    assert selectors.alert_counts(world.b.district, now)["missed_today"] == 1
    overdue = selectors.place_list(actor=world.a.commander, state="overdue", now=now)
    assert [s.place for s in overdue] == [skipped]


def test_the_dashboard_counts_take_a_fixed_number_of_queries(
    world: World, django_assert_num_queries
):
    now = _today(15)
    for n in range(12):
        logged(world, place(world, name=f"公厕{n}", times_per_day=1 + n % 4), _today(8), now=now)
    with django_assert_num_queries(3):
        selectors.alert_counts(world.a.district, now)


def test_disinfections_on_counts_the_logs_of_a_local_day_in_the_subtree(world: World):
    toilet = place(world)
    other = place(world, unit=world.a.grid2, name="二网格公厕")
    day = timezone.localdate() - timedelta(days=1)
    now = timezone.now()
    for at in (
        local(day, 0, 0),
        local(day, 8),
        local(day, 23, 59),
        local(day + timedelta(days=1), 0),
    ):
        logged(world, toilet, at, now=now)
    logged(world, other, local(day, 9), now=now)
    assert selectors.disinfections_on(world.a.grid.path, day) == 3
    assert selectors.disinfections_on(world.a.community.path, day) == 4
    assert selectors.disinfections_on(world.b.district.path, day) == 0


def test_the_field_form_remembers_the_disinfectant_and_comes_back_for_the_next_place(
    world: World, login
):
    first = place(world)
    second = place(world, name="垃圾收集点", kind="garbage")
    place(world, unit=world.a.grid2, name="别的网格公厕")
    client = login(world.a.grid_worker_local)
    page = client.get(reverse("places:log")).content.decode()
    assert first.name in page and second.name in page and "别的网格公厕" not in page
    sent = client.post(
        reverse("places:log"),
        {"place": first.pk, "disinfectant": "含氯消毒液", "concentration": "500mg/L", "q": ""},
    )
    assert sent.status_code == 302 and sent.url == reverse("places:log")
    log = Disinfection.objects.get()
    assert (log.place, log.by, log.concentration) == (first, world.a.grid_worker_local, "500mg/L")
    assert abs(log.at - timezone.now()) < timedelta(minutes=1)  # the time left empty: now
    again = client.get(sent.url).content.decode()
    assert 'value="含氯消毒液"' in again and 'value="500mg/L"' in again
    # The place just done comes after the one still to do, when a window is open.
    missing = client.post(reverse("places:log"), {"disinfectant": "84"})
    assert missing.status_code == 200 and "Pick the place" in missing.content.decode()


def test_the_field_form_refuses_a_place_out_of_reach(world: World, login):
    elsewhere = place(world, unit=world.a.grid2, name="别的网格公厕")
    client = login(world.a.grid_worker_local)
    assert (
        client.post(
            reverse("places:log"), {"place": elsewhere.pk, "disinfectant": "84"}
        ).status_code
        == 404
    )
    reader = login(world.a.epidemiologist)
    assert reader.get(reverse("places:log")).status_code == 403
    assert not Disinfection.objects.exists()


def test_the_field_form_finds_a_place_by_name(world: World, login):
    place(world)
    place(world, name="垃圾收集点", kind="garbage")
    page = login(world.a.grid_worker_local).get(reverse("places:log") + "?q=垃圾").content.decode()
    assert "垃圾收集点" in page and "翰林小区公厕" not in page


def test_a_places_page_shows_its_windows_and_logs(world: World, login):
    toilet = place(world)
    logged(world, toilet, timezone.now() - timedelta(minutes=5))
    page = login(world.a.epidemiologist).get(reverse("places:place", args=[toilet.pk]))
    body = page.content.decode()
    assert "07:00–13:00" in body and "13:00–19:00" in body and "含氯消毒液" in body
    assert reverse("places:log") not in body.split('id="today-h"')[0].split("</h1>")[1]
    assert login(world.b.officer).get(reverse("places:place", args=[toilet.pk])).status_code == 404


def test_the_overview_drills_down_and_stays_in_scope(world: World, login):
    place(world)
    client = login(world.a.commander)
    top = client.get(reverse("places:index")).content.decode()
    assert reverse("places:unit", args=[world.a.street.pk]) in top
    down = client.get(reverse("places:unit", args=[world.a.community.pk])).content.decode()
    assert reverse("places:unit", args=[world.a.grid.pk]) in down
    worker = login(world.a.grid_worker_local)
    assert worker.get(reverse("places:unit", args=[world.a.community.pk])).status_code == 404
    assert world.a.grid.name in worker.get(reverse("places:index")).content.decode()


def test_the_list_pages_read_in_a_bounded_number_of_queries(
    world: World, login, django_assert_max_num_queries
):
    for n in range(8):
        p = place(world, name=f"公厕{n}")
        logged(world, p, timezone.now() - timedelta(minutes=n + 1))
    client = login(world.a.commander)
    for name in (
        "places:index",
        "places:places",
        "places:log",
        "places:venues",
        "places:followups",
    ):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200, name


def test_places_are_added_and_edited_from_their_forms(world: World, login):
    client = login(world.a.community_officer)
    client.post(
        reverse("places:place_create"),
        {
            "name": "菜市场",
            "kind": "market",
            "unit": world.a.grid.code,
            "times_per_day": "3",
            "day_start": "06:00",
            "day_end": "18:00",
            "active": "on",
        },
    )
    made = Place.objects.get()
    assert (made.unit, made.org_path, made.times_per_day) == (world.a.grid, world.a.grid.path, 3)
    client.post(
        reverse("places:place_edit", args=[made.pk]),
        {
            "name": "菜市场",
            "kind": "market",
            "times_per_day": "2",
            "day_start": "06:00",
            "day_end": "18:00",
            "active": "on",
        },
    )
    made.refresh_from_db()
    assert made.times_per_day == 2
    assert (
        login(world.a.grid_worker_local)
        .get(reverse("places:place_edit", args=[made.pk]))
        .status_code
        == 403
    )


def test_the_field_form_offers_the_places_due_now_first(world: World):
    now = _today(10)
    done = place(world, name="甲公厕")
    due = place(world, name="乙公厕")
    late = place(world, name="丙电梯", kind="elevator", times_per_day=4)  # 07–10 ended: overdue
    logged(world, done, _today(9), now=now)
    choices, total = selectors.log_choices(actor=world.a.grid_worker_local, now=now)
    assert total == 3
    assert [s.place for s in choices] == [late, due, done]
    assert choices[0].overdue and choices[2].current_done


def test_a_grids_page_lists_its_places_rather_than_a_table_of_one(world: World, login):
    toilet = place(world)
    page = login(world.a.grid_worker_local).get(reverse("places:index")).content.decode()
    assert reverse("places:place", args=[toilet.pk]) in page and "<table" not in page
