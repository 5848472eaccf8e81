"""The command dashboard: its figures against the line lists and the reports app, the
change from the day before, scope, and a query count that does not grow with the tree."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.test_pages import assert_local_only

from fangkong.checkpoints.models import Handoff, HandoffState
from fangkong.core.context_processors import navigation
from fangkong.core.testing import make_unit
from fangkong.dashboard import selectors
from fangkong.dashboard.live import BEFORE
from fangkong.dashboard.tests import scenario
from fangkong.observation import selectors as observation_selectors
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.reports import prefill
from fangkong.reports import selectors as report_selectors
from fangkong.reports import services as report_services

pytestmark = pytest.mark.django_db

TODAY = {
    "arrivals": 2, "home_observation": 1, "centralized_observation": 1,
    "observations_started": 1, "observations_released": 1, "fever_referrals": 1,
    "suspected": 0, "confirmed": 1, "asymptomatic": 1, "contacts_traced": 2,
    "letters_sent": 1, "overdue_handoffs": 1,
}  # fmt: skip
YESTERDAY = {
    "arrivals": 1, "home_observation": 1, "centralized_observation": 1,
    "observations_started": 2, "observations_released": 0, "fever_referrals": 0,
    "suspected": 1, "confirmed": 0, "asymptomatic": 0, "contacts_traced": 1,
    "letters_sent": 0, "overdue_handoffs": 1,
}  # fmt: skip


@pytest.fixture
def epidemic(world):  # type: ignore[no-untyped-def]
    return scenario.build(world)


def _units(world):  # type: ignore[no-untyped-def]
    a = world.a
    return [a.district, a.street, a.street2, a.community, a.grid, a.grid2]


def test_the_live_figures_are_what_the_daily_report_counts_from_the_line_lists(world, epidemic):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    total = selectors.live_counts(world.a.district, today).total
    assert {s: total.get(s, 0) for s in TODAY} == TODAY
    assert {s: total.get(s + BEFORE, 0) for s in YESTERDAY} == YESTERDAY
    for unit in _units(world):
        live = selectors.live_counts(unit, today)
        got = live.total
        for source in selectors.COUNTED:
            assert got.get(source + BEFORE, 0) == prefill.compute(source, unit.path, yesterday), (
                unit.name, source, "yesterday",
            )  # fmt: skip
            if source == "overdue_handoffs":
                # Today's stand now, not at midnight still to come.
                expected = (
                    Handoff.objects.in_subtree(unit.path)
                    .filter(state=HandoffState.OPEN, due_at__lt=live.moments.now)
                    .count()
                )
            else:
                expected = prefill.compute(source, unit.path, today)
            assert got.get(source, 0) == expected, (unit.name, source, "today")


def test_each_unit_below_has_the_figures_of_its_own_subtree(world, epidemic):
    today = timezone.localdate()
    for unit in (world.a.district, world.a.street, world.a.community):
        live = selectors.live_counts(unit, today)
        for child in OrgUnit.objects.filter(parent=unit):
            assert dict(live.counts.get(child.path, {})) == {
                k: v for k, v in selectors.live_counts(child, today).total.items() if v
            }, child.name


def test_what_is_overdue_now_matches_the_apps_own_figures(world, epidemic):
    from fangkong.cases.models import AssistanceLetter
    from fangkong.cases.services_letters import overdue_q

    district, today = world.a.district, timezone.localdate()
    late = selectors.overdue(district, today)
    total, _rows = observation_selectors.figures(district)
    assert late.followups == total.overdue_followups > 0
    assert late.referrals == total.open_referrals == 1
    assert late.handoffs == 1
    assert late.letters == AssistanceLetter.objects.filter(overdue_q(timezone.now())).count() == 1


def test_the_key_figures_show_the_change_from_the_day_before(world, epidemic):
    figures = {f.code: f for f in selectors.figures(world.a.district, timezone.localdate())}
    assert (figures["arrivals"].today, figures["arrivals"].change) == (2, 1)
    assert (figures["contacts_traced"].today, figures["contacts_traced"].change) == (2, 1)
    assert (figures["observations_started"].today, figures["observations_started"].change) == (
        1, -1,
    )  # fmt: skip
    assert (figures["suspected"].today, figures["suspected"].change) == (0, -1)
    observed = figures[selectors.UNDER_OBSERVATION]
    assert (observed.today, observed.yesterday, observed.change) == (2, 2, 0)
    assert dict(observed.parts).values() and sum(dict(observed.parts).values()) == 2
    so_far = figures[selectors.CONFIRMED_TOTAL]
    assert (so_far.today, so_far.change, so_far.reported) == (1, 1, None)
    # Typed figures have no line list behind them: only what was reported.
    assert figures["masks_distributed"].today is None


def test_the_district_b_case_is_not_counted_in_district_a(world, epidemic):
    today = timezone.localdate()
    a = selectors.live_counts(world.a.district, today).total
    b = selectors.live_counts(world.b.district, today).total
    assert (a.get("confirmed"), b.get("confirmed")) == (1, 1)
    assert b.get("arrivals", 0) == 0


def test_the_epidemic_curve_counts_cases_by_onset_and_by_report_date(world, epidemic):
    today = timezone.localdate()
    curve = selectors.epidemic_curve(world.a.district, today)
    assert len(curve.days) == selectors.CURVE_DAYS and curve.days[-1] == today
    assert curve.report["confirmed"][-1] == 1
    assert curve.report["suspected"][-2] == 1
    assert curve.report["asymptomatic"][-1] == 1
    assert curve.onset["confirmed"][-5] == 1  # onset four days ago (cases.tests.helpers)
    assert sum(curve.onset["asymptomatic"]) == 0 and curve.no_onset == 1
    assert "excluded" not in curve.report


def test_the_checkpoint_figures_count_travellers_and_fevers_per_day(world, epidemic):
    days = selectors.checkpoints(world.a.district, timezone.localdate())
    assert len(days) == selectors.CHECKPOINT_DAYS
    assert (days[-1].passages, days[-1].fevers) == (2, 1)
    assert days[-1].handoffs == 1 and days[-3].handoffs == 1  # one moved two days back
    assert sum(d.passages for d in selectors.checkpoints(world.b.district, days[-1].day)) == 0


def test_observations_by_state(world, epidemic):
    rows = {
        r.state: r for r in selectors.observation_states(world.a.district, timezone.localdate())
    }
    assert (rows["escalated"].home, rows["active"].centralized) == (1, 1)
    assert (rows["released"].total, rows["cancelled"].total, rows["transferred"].total) == (1, 1, 0)


def _at(hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, 30)))


@pytest.mark.parametrize("hour", [0, 23])
def test_reported_figures_and_completeness_are_the_reports_apps(world, epidemic, hour):
    yesterday = timezone.localdate() - timedelta(days=1)
    report_services.report_submit(
        actor=world.a.grid_worker_local, unit=world.a.grid, day=yesterday,
        values={"masks_distributed": 120, "volunteers_on_duty": 4, "places_disinfected": 2},
    )  # fmt: skip
    report_services.report_submit(
        actor=world.a.commander, unit=world.a.grid2, day=yesterday,
        values={"masks_distributed": 7, "volunteers_on_duty": 1, "places_disinfected": 0},
    )  # fmt: skip
    report_services.report_zero(actor=world.a.commander, unit=world.a.street2, day=yesterday)
    now = _at(hour)
    for unit in (world.a.district, world.a.street, world.a.community):
        got = selectors.reports(unit, timezone.localdate(), now)
        assert got.day == yesterday
        assert got.completeness.levels == report_selectors.completeness(unit, yesterday, now).levels
        expected = {r.unit.pk: r for r in report_selectors.by_child(unit, yesterday, now)}
        assert got.children == expected, unit.name
        rolled = report_selectors.rollup(unit, yesterday, line_lists=False)
        assert got.values == {r.indicator.code: r.reported for r in rolled if r.reports}
    figures = {f.code: f for f in selectors.figures(world.a.district, timezone.localdate())}
    assert figures["masks_distributed"].reported == 127
    assert figures["masks_distributed"].reported_before == 0


def test_a_unit_below_with_a_deadline_of_its_own_is_judged_by_the_reports_app(world, epidemic):
    from fangkong.people.models import Policy

    yesterday = timezone.localdate() - timedelta(days=1)
    Policy.objects.create(
        unit=world.a.street, org_path=world.a.street.path, effective_from=yesterday,
        report_by_grid=time(6, 0),
    )  # fmt: skip
    now = _at(23)
    got = selectors.reports(world.a.district, timezone.localdate(), now)
    assert got.completeness.levels == (
        report_selectors.completeness(world.a.district, yesterday, now).levels
    )
    assert got.children == {
        r.unit.pk: r for r in report_selectors.by_child(world.a.district, yesterday, now)
    }


def _links(page) -> set[int]:  # type: ignore[no-untyped-def]
    """The units the page links to, other than itself (the language form returns to it)."""
    found = {int(pk) for pk in re.findall(r"/dashboard/(\d+)/", page.content.decode())}
    return found - {page.context["unit"].pk}


def test_the_drill_down_links_only_to_units_in_scope(world, epidemic, client):
    a = world.a
    client.force_login(a.street_officer)
    page = client.get(reverse("dashboard:index"))
    assert page.context["unit"] == a.street
    assert _links(page) == {a.community.pk}
    page = client.get(reverse("dashboard:unit", args=[a.community.pk]))
    assert _links(page) == {a.street.pk, a.grid.pk, a.grid2.pk}
    client.force_login(a.commander)
    page = client.get(reverse("dashboard:unit", args=[a.community.pk]))
    assert _links(page) == {
        a.district.pk, a.street.pk, a.grid.pk, a.grid2.pk,
    }  # fmt: skip
    data = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', page.content.decode(),
                                re.S).group(1))  # type: ignore[union-attr]  # fmt: skip
    assert set(data["children"]["urls"]) == {
        reverse("dashboard:unit", args=[u.pk]) for u in (a.grid, a.grid2)
    }


def test_a_unit_outside_the_scope_is_not_found(world, client):
    client.force_login(world.a.street_officer)
    for unit in (world.b.district, world.a.street2, world.a.district):
        assert client.get(reverse("dashboard:unit", args=[unit.pk])).status_code == 404
    client.force_login(world.nobody)
    assert client.get(reverse("dashboard:index")).status_code == 403


def test_the_page_loads_only_local_assets_and_carries_its_charts_numbers(world, epidemic, client):
    client.force_login(world.a.commander)
    page = client.get(reverse("dashboard:index"))
    html = page.content.decode()
    assert_local_only(html)
    assert "vendor/echarts/echarts.min.js" in html and "dashboard/dashboard.js" in html
    assert 'id="dashboard-data" type="application/json"' in html
    assert "<script>" not in html  # no inline script: the numbers travel as JSON
    for key in ("onset", "report", "observations", "checkpoints", "children"):
        assert f'data-chart="{key}"' in html


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("", 0), ("nonsense", 0), ("2999-01-01", 0), ("-1", 1), ("-3", 3)],
)
def test_the_day_shown_is_today_unless_an_earlier_one_is_asked(world, client, asked, shown):
    day = timezone.localdate()
    if asked.startswith("-"):
        asked = (day - timedelta(days=int(asked[1:]))).isoformat()
    client.force_login(world.a.commander)
    page = client.get(reverse("dashboard:index"), {"day": asked})
    assert page.status_code == 200
    assert page.context["day"] == day - timedelta(days=shown)


BELOW: dict[str, str] = {Level.DISTRICT: Level.STREET, Level.STREET: Level.COMMUNITY,
                         Level.COMMUNITY: Level.GRID, Level.GRID: Level.BUILDING}  # fmt: skip


def _grow(world, parent: OrgUnit, tag: str) -> None:  # type: ignore[no-untyped-def]
    """Three more units below ``parent``, each with three below it, each with two below
    that; and a person under observation in the last of them."""
    from fangkong.observation.tests.helpers import observe, person

    last = parent
    for s in range(3):
        one = make_unit(parent, f"{tag}-{s}", f"新{s}", BELOW[parent.level])
        for c in range(3):
            two = make_unit(one, f"{tag}-{s}-{c}", f"新{s}{c}", BELOW[one.level])
            for g in range(2):
                last = make_unit(two, f"{tag}-{s}-{c}-{g}", f"新{s}{c}{g}", BELOW[two.level])
    observe(world, person(world, f"新来者{tag}", unit=last))


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # the session and the user's grants, once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# What one page costs: the session, the user and grants, the unit, its crumbs and children
# (5); the line lists (9 grouped queries), the curve (2) and the checkpoints (2); the reports
# (5); screening (4); the navigation's unread notices (1); the support modules' alerts
# (supplies, tips, duty and places: 8); looking for a copy of the counts kept (1).
MAX_QUERIES = 37


def test_the_number_of_queries_does_not_grow_with_the_tree(
    world, epidemic, client, django_assert_max_num_queries
):
    client.force_login(world.a.commander)
    for unit in (world.a.district, world.a.street):
        url = reverse("dashboard:unit", args=[unit.pk])
        before = _queries(client, url)
        with django_assert_max_num_queries(MAX_QUERIES):
            client.get(url)
        _grow(world, unit, unit.code)
        assert _queries(client, url) == before, unit.name


def test_panels_gather_everything_in_a_fixed_number_of_queries(world, epidemic):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as first:
        data = selectors.panels(world.a.district, today)
    _grow(world, world.a.district, "more")
    with CaptureQueriesContext(connection) as second:
        selectors.panels(world.a.district, today)
    assert len(first) == len(second) <= 24
    assert {"figures", "curve", "observations", "checkpoints", "screening", "overdue",
            "reporting", "children"} <= set(data)  # fmt: skip


def test_the_dashboard_leads_the_commands_tabs_but_not_a_grid_workers(world):
    def tabs(user):  # type: ignore[no-untyped-def]
        request = RequestFactory().get("/")
        request.user = user
        return [item["section"].key for item in navigation(request)["nav_tabs"]]

    for user in (world.a.commander, world.a.epidemiologist, world.a.street_officer):
        assert tabs(user)[0] == "dashboard", user.username
    for user in (world.a.grid_worker_local, world.a.checkpoint, world.a.clinician):
        assert "dashboard" not in tabs(user), user.username
    request = RequestFactory().get("/")
    request.user = world.a.grid_worker_local
    context = navigation(request)
    assert context["nav_more"][-1]["section"].key == "dashboard"


def test_figures_are_grouped_by_thousands_in_each_language(world, client):
    from fangkong.reports.models import ReportTotal

    yesterday = timezone.localdate() - timedelta(days=1)
    ReportTotal.objects.create(
        unit=world.a.district, day=yesterday, level=Level.GRID, reports=2,
        values={"masks_distributed": 123456},
    )  # fmt: skip
    client.force_login(world.a.commander)
    for language in ("en", "zh-hans"):
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        page = client.get(reverse("dashboard:index")).content.decode()
        assert f'lang="{language}"' in page
        assert "123,456" in page
        if language == "en":
            assert "Every figure of the daily report" in page


def test_a_long_list_of_units_below_shows_those_needing_attention_first(world, client):
    from fangkong.observation.tests.helpers import observe, person

    made = [
        make_unit(world.a.street2, f"long-{n}", f"长社区{n:02d}", Level.COMMUNITY)
        for n in range(22)
    ]
    observe(world, person(world, "末位居民", unit=made[-1]))
    client.force_login(world.a.commander)
    url = reverse("dashboard:unit", args=[world.a.street2.pk])
    page = client.get(url)
    shown = page.context["shown"]
    assert len(shown) == 20 and shown[0].unit == made[-1]
    assert "?all=1" in page.content.decode()
    everything = client.get(url, {"all": "1"}).context["shown"]
    assert [r.unit for r in everything] == made
