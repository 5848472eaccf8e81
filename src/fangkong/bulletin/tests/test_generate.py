"""The bulletin of a known day: its figures from the reports and the cases, its words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.bulletin import figures, services
from fangkong.bulletin.models import Bulletin, State
from fangkong.bulletin.tests.helpers import EXPECTED, days_ago, known_district
from fangkong.cases import services as case_services
from fangkong.cases.models import Case
from fangkong.core.testing import World
from fangkong.observation.tests.helpers import person

pytestmark = pytest.mark.django_db


def test_the_figures_of_a_known_day_come_from_the_reports_and_the_cases(world: World):
    known = known_district(world)
    assert figures.compute(world.a.district, known.day) == EXPECTED


def test_the_day_before_counts_only_what_had_happened_by_then(world: World):
    known = known_district(world)
    before = figures.compute(world.a.district, known.before)
    assert before["new_confirmed"] == before["confirmed_total"] == 2
    # Both admitted that day, neither out yet.
    assert before["in_hospital"] == 2
    assert before["discharged_total"] == before["deaths_total"] == 0
    assert before["contacts_total"] == 3
    assert before["under_observation"] == before["home_observation"] == 3


def test_a_street_counts_only_its_subtree_and_the_other_district_none(world: World):
    known = known_district(world)
    assert figures.compute(world.a.street2, known.day)["confirmed_total"] == 0
    assert figures.compute(world.b.district, known.day)["confirmed_total"] == 1


def test_a_death_never_admitted_counts_on_the_day_it_was_reported(world: World):
    day = days_ago(1)
    case = case_services.case_report(
        actor=world.a.epidemiologist, person=person(world, "居家死亡"),
        classification="confirmed", diagnosed_at=timezone.now() - timedelta(days=1, hours=1),
        reported_at=timezone.now() - timedelta(days=1), reporting_institution="区疾控中心",
        onset_date=day - timedelta(days=2),
    )  # fmt: skip
    case_services.case_treatment(actor=world.a.epidemiologist, case=case, outcome="died")
    reported_day = timezone.localdate(Case.objects.get(pk=case.pk).reported_at)
    counted = figures.line_list_figures(world.a.district, reported_day)
    assert counted["new_deaths"] == counted["deaths_total"] == 1
    assert counted["in_hospital"] == 0


def test_the_text_is_the_official_chinese_form_with_the_numbers(world: World, chinese):
    known = known_district(world)
    bulletin = services.bulletin_generate(
        actor=world.a.commander, unit=world.a.district, day=known.day, language="zh-hans"
    )
    d = known.day
    assert bulletin.title == f"历下区疫情通报（{d.year}年{d.month}月{d.day}日）"
    first, second, reminder = bulletin.text.split("\n\n")
    assert first == (
        f"{d.year}年{d.month}月{d.day}日0—24时，我区新增确诊病例1例，新增疑似病例2例，"
        "新增无症状感染者0例，新增治愈出院1例，新增死亡1例。"
    )
    assert second == (
        f"截至{d.month}月{d.day}日24时，我区累计报告确诊病例3例，累计治愈出院1例，累计死亡1例，"
        "现有住院病例1例。累计追踪到密切接触者5人，已解除医学观察1人，尚有3人正在接受医学观察"
        "（其中居家医学观察3人，集中医学观察0人）。"
    )
    assert "12320" in reminder
    assert bulletin.language == "zh-hans"
    assert bulletin.figures == EXPECTED


def test_the_text_is_kept_in_the_language_it_was_generated_in(world: World):
    known = known_district(world)
    bulletin = services.bulletin_generate(
        actor=world.a.commander, unit=world.a.district, day=known.day, language="en"
    )
    day = f"{known.day.day} {known.day:%B} {known.day.year}"
    assert bulletin.language == "en"
    assert bulletin.title == f"历下区 epidemic bulletin, {day}"
    assert bulletin.text.split("\n\n")[0] == (
        f"From 0:00 to 24:00 on {day}, our district reported new confirmed cases: 1; new "
        "suspected cases: 2; new asymptomatic infections: 0; newly cured and discharged: 1; "
        "new deaths: 1."
    )
    assert Bulletin.objects.get(pk=bulletin.pk).text == bulletin.text


def test_generating_again_refreshes_the_draft_and_drops_its_edits(world: World):
    known = known_district(world)
    draft = services.bulletin_generate(
        actor=world.a.commander, unit=world.a.district, day=known.day, language="en"
    )
    services.bulletin_edit(actor=world.a.admin, bulletin=draft, title="Edited", text="Edited.")
    again = services.bulletin_generate(
        actor=world.a.admin, unit=world.a.district, day=known.day, language="en"
    )
    assert again.pk == draft.pk
    assert again.title != "Edited" and again.edited_at is None and again.edited_by is None
    assert again.generated_by == world.a.admin
    assert Bulletin.objects.count() == 1


def test_a_day_that_has_not_begun_has_no_bulletin(world: World):
    with pytest.raises(ValidationError):
        services.bulletin_generate(
            actor=world.a.commander, unit=world.a.district, day=days_ago(-1), language="en"
        )


def test_only_publish_bulletin_at_a_district_may_generate(world: World):
    day = days_ago(1)
    for user in (world.a.epidemiologist, world.a.viewer, world.a.officer, world.b.commander):
        with pytest.raises(PermissionDenied):
            services.bulletin_generate(actor=user, unit=world.a.district, day=day)
    # The street's administrator holds the permission, but a street has no bulletin.
    with pytest.raises(PermissionDenied):
        services.bulletin_generate(actor=world.a.street_admin, unit=world.a.street, day=day)
    made = services.bulletin_generate(actor=world.superuser, unit=world.a.district, day=day)
    assert made.state == State.DRAFT


def test_the_demo_publishes_a_bulletin_for_each_reported_day(world: World):
    from fangkong.bulletin.demo import load_bulletins

    known = known_district(world)
    assert load_bulletins(world.a.district, actor=world.a.commander) == 1
    states = dict(Bulletin.objects.values_list("day", "state"))
    assert states == {known.before: State.PUBLISHED, known.day: State.DRAFT}
    assert load_bulletins(world.a.district) == 0  # no demo commander in the test world
