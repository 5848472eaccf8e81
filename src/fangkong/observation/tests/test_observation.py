"""Starting, following up, escalating, releasing: the services and the pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import formats, timezone

from fangkong.accounts.models import AuditEntry
from fangkong.observation import selectors, services, services_sites
from fangkong.observation.models import FollowUp, Observation, State, SupportState
from fangkong.observation.tests.helpers import observe, person, room, site
from fangkong.people.models import Policy

pytestmark = pytest.mark.django_db


def _slot_now(o: Observation) -> FollowUp:
    """The slot open now; in the small hours, before the day's first slot opens, that slot
    is opened now (so that the tests do not depend on the hour they run at)."""
    now = timezone.now()
    found = o.followups.filter(opens_at__lte=now + services.EARLY).order_by("-opens_at").first()
    if found is None:
        found = o.followups.order_by("opens_at")[0]
        FollowUp.objects.filter(pk=found.pk).update(
            opens_at=now - timedelta(minutes=1),
            closes_at=max(found.closes_at, now + timedelta(hours=2)),
        )
        found.refresh_from_db()
    return found


def test_an_exposure_in_the_future_or_a_period_already_over_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        observe(world, exposure_days_ago=-1)
    assert "last_exposure" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        observe(world, exposure_days_ago=15)
    ended = formats.date_format(timezone.localdate() - timedelta(days=1), "SHORT_DATE_FORMAT")
    assert ended in caught.value.message_dict["last_exposure"][0]


def test_the_team_needs_exactly_one_lead(world):
    with pytest.raises(ValidationError) as caught:
        observe(world, team=[services.Member("cadre", "甲"), services.Member("police", "乙")])
    assert "team" in caught.value.message_dict


def test_a_person_is_under_one_observation_at_a_time(world):
    p = person(world)
    observe(world, p)
    with pytest.raises(ValidationError):
        observe(world, p)


def test_the_other_districts_officer_cannot_start_one_here(world):
    with pytest.raises(PermissionDenied):
        observe(world, actor=world.b.officer)


def test_starting_from_a_confirmed_handoff_is_one_action_without_retyping(world, login):
    from fangkong.checkpoints import services as checkpoint_services
    from fangkong.checkpoints.models import Handoff
    from fangkong.checkpoints.tests.helpers import created, passage

    created(passage(world))
    handoff = Handoff.objects.get(unit=world.a.grid)
    checkpoint_services.handoff_confirm(
        actor=world.a.grid_worker_local, handoff=handoff, unit=world.a.grid, address="1号楼101"
    )
    handoff.refresh_from_db()
    client = login(world.a.community_officer)
    url = reverse("observation:start", args=[handoff.person_id]) + f"?handoff={handoff.pk}"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["reason"] == "arrival"
    assert form.initial["last_exposure"] == timezone.localtime(handoff.arrived_at).date()
    response = client.post(url, {
        "kind": "home", "reason": "arrival", "last_exposure": form.initial["last_exposure"],
        "role_0": "grid_worker", "name_0": "李网格", "phone_0": "13900000001",
        "role_1": "cadre", "name_1": "", "role_2": "police", "name_2": "",
        "role_3": "doctor", "name_3": "", "role_4": "family", "name_4": "",
        "handoff": handoff.pk,
    })  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    o = Observation.objects.get(person=handoff.person)
    assert o.handoff_id == handoff.pk and o.reason == "arrival"
    assert o.team.get().lead and o.team.get().phone == "13900000001"
    assert AuditEntry.objects.filter(
        action="create", target_type="observation.observation"
    ).exists()


def test_a_fever_at_the_threshold_opens_a_referral_at_once(world):
    Policy.objects.create(unit=world.a.district, org_path=world.a.district.path,
                          effective_from=timezone.localdate() - timedelta(days=30),
                          fever_threshold=Decimal("37.2"))  # fmt: skip
    o = observe(world)
    done = services.followup_record(
        actor=world.a.grid_worker_local, followup=_slot_now(o), temperature=Decimal("37.2")
    )
    assert done.followup.fever and done.referral is not None
    o.refresh_from_db()
    assert o.state == State.ESCALATED
    assert list(selectors.referrals_open(actor=world.a.clinician)) == [done.referral]


def test_below_the_threshold_and_no_symptom_nothing_escalates(world):
    o = observe(world)
    done = services.followup_record(
        actor=world.a.grid_worker_local, followup=_slot_now(o), temperature=Decimal("37.2")
    )
    assert not done.followup.fever and done.referral is None
    with pytest.raises(ValidationError):
        services.followup_record(
            actor=world.a.grid_worker_local, followup=_slot_now(o), temperature=Decimal("36.5")
        )


def test_a_symptom_alone_escalates(world):
    o = observe(world)
    done = services.followup_record(
        actor=world.a.grid_worker_local, followup=_slot_now(o), temperature=Decimal("36.5"),
        symptoms=["cough"],
    )  # fmt: skip
    assert done.followup.fever and done.referral is not None
    assert done.referral.observation.state == State.ESCALATED


def test_a_later_slot_cannot_be_filled_in_early(world):
    o = observe(world)
    later = o.followups.filter(opens_at__gt=timezone.now() + timedelta(hours=2))[0]
    with pytest.raises(ValidationError):
        services.followup_record(
            actor=world.a.grid_worker_local, followup=later, temperature=Decimal("36.5")
        )


def test_a_missed_slot_is_overdue_for_the_unit_above(world, login):
    o = observe(world)
    missed = o.followups.all()[0]
    past = timezone.now() - timedelta(hours=1)
    FollowUp.objects.filter(pk=missed.pk).update(opens_at=past - timedelta(hours=6), closes_at=past)
    total, rows = selectors.figures(world.a.street)
    assert total.overdue_followups == 1 and total.home == 1
    assert [r.overdue_followups for r in rows if r.unit == world.a.community] == [1]
    page = login(world.a.street_officer).get(reverse("observation:figures_unit",
                                                     args=[world.a.street.pk]))  # fmt: skip
    assert page.context["total"].overdue_followups == 1
    assert (
        login(world.b.commander)
        .get(reverse("observation:figures_unit", args=[world.a.street.pk]))
        .status_code
        == 404
    )


def test_the_worker_enters_a_followup_in_place(world, login, django_assert_max_num_queries):
    for i in range(3):
        made = observe(world, person(world, f"观察{i}"))
    # Whatever the hour the suite runs at, the first slot is open now.
    now = timezone.now()
    FollowUp.objects.filter(pk=made.followups.order_by("opens_at")[0].pk).update(
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1)
    )
    client = login(world.a.grid_worker_local)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("observation:followups"))
    assert len(page.context["todo"]) >= 3
    f = next(f for f, _form in page.context["todo"] if f.opens_at <= now)
    response = client.post(
        reverse("observation:followup", args=[f.pk]),
        {f"f{f.pk}-temperature": "36.6", f"f{f.pk}-method": "phone"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"36.6" in response.content and b"<form" not in response.content
    f.refresh_from_db()
    assert f.recorded_by == world.a.grid_worker_local and f.method == "phone"
    assert client.get(reverse("observation:followups")).status_code == 200
    # Another district's worker cannot reach it.
    assert (
        login(world.b.grid_worker)
        .post(reverse("observation:followup", args=[f.pk]), {f"f{f.pk}-temperature": "36.6"})
        .status_code
        == 404
    )


def test_release_waits_for_the_end_and_for_the_clinic(world):
    s = site(world)
    o = observe(world, kind="centralized", site=s, room=room(s, "101"))
    with pytest.raises(ValidationError):
        services.observation_release(actor=world.a.commander, observation=o)
    o = observe(world, person(world, "期满"), exposure_days_ago=14, kind="centralized", site=s,
                room=room(s, "102"))  # fmt: skip
    referral = services.referral_open(actor=world.a.commander, observation=o, reason="咳嗽")
    with pytest.raises(ValidationError) as caught:
        services.observation_release(actor=world.a.commander, observation=o)
    assert caught.value.messages == [str(services.release_blockers(o)[0])]
    services.referral_close(actor=world.a.clinician, referral=referral, outcome="cleared")
    o = services.observation_release(actor=world.a.commander, observation=o)
    assert o.state == State.RELEASED and o.notice_number.endswith("-0001")
    assert room(s, "102").occupied == 0
    assert not o.followups.filter(recorded_at__isnull=True, closes_at__gt=timezone.now()).exists()
    again = observe(world, person(world, "期满二"), exposure_days_ago=14)
    again = services.observation_release(actor=world.a.commander, observation=again)
    assert again.notice_number.endswith("-0002")


def test_the_notice_prints_only_for_a_released_observation_and_is_audited(world, login):
    o = observe(world, exposure_days_ago=14)
    client = login(world.a.officer)
    assert client.get(reverse("observation:notice", args=[o.pk])).status_code == 403
    services.observation_release(actor=world.a.commander, observation=o)
    response = client.get(reverse("observation:notice", args=[o.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", target_id=str(o.pk)).exists()


def test_admission_ends_the_observation_as_a_transfer_and_frees_the_room(world):
    s = site(world)
    o = observe(world, kind="centralized", site=s, room=room(s, "103"))
    referral = services.referral_open(actor=world.a.commander, observation=o, reason="38.5 °C")
    with pytest.raises(PermissionDenied):
        services.referral_close(actor=world.b.clinician, referral=referral, outcome="admitted")
    services.referral_close(actor=world.a.clinician, referral=referral, outcome="suspected")
    o.refresh_from_db()
    assert o.state == State.TRANSFERRED and room(s, "103").occupied == 0
    assert list(o.log.values_list("kind", flat=True)) == [
        "started",
        "referred",
        "outcome",
        "transferred",
    ]


def test_moving_between_home_and_a_room_keeps_the_counts(world):
    s = site(world)
    o = observe(world)
    services.observation_move(actor=world.a.commander, observation=o, kind="centralized",
                              site=s, room=room(s, "104"))  # fmt: skip
    assert room(s, "104").occupied == 1
    services.observation_move(actor=world.a.commander, observation=o, kind="centralized",
                              site=s, room=room(s, "105"))  # fmt: skip
    assert (room(s, "104").occupied, room(s, "105").occupied) == (0, 1)
    services.observation_move(actor=world.a.commander, observation=o, kind="home")
    assert room(s, "105").occupied == 0


def test_cancelling_needs_a_reason(world):
    o = observe(world)
    with pytest.raises(ValidationError):
        services.observation_cancel(actor=world.a.commander, observation=o, reason=" ")
    o = services.observation_cancel(actor=world.a.commander, observation=o, reason="重复登记")
    assert o.state == State.CANCELLED


def test_support_is_requested_taken_and_done(world, login):
    o = observe(world)
    item = services_sites.support_request(
        actor=world.a.grid_worker_local, observation=o, kind="groceries", text="米、蔬菜"
    )
    client = login(world.a.grid_worker_local)
    url = reverse("observation:support_item", args=[item.pk])
    assert client.post(url, {"action": "take"}).status_code == 302
    assert (
        client.post(url, {"action": "close", "state": "done", "result": "已送达"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.state == SupportState.DONE and item.assigned_to == world.a.grid_worker_local
    assert login(world.b.grid_worker).get(url).status_code == 404


def test_the_timeline_tells_the_story_in_order(world, login):
    o = observe(world)
    services.followup_record(
        actor=world.a.grid_worker_local, followup=_slot_now(o), temperature=Decimal("38.0")
    )
    page = login(world.a.grid_worker_local).get(reverse("observation:timeline", args=[o.person_id]))
    kinds = [e.kind for e in page.context["events"]]
    assert kinds[0] == "registry" and "observation" in kinds and "followup" in kinds
    assert [e.at for e in page.context["events"]] == sorted(e.at for e in page.context["events"])
    assert o.person.id_number.encode() not in page.content


def test_a_fever_found_at_a_visit_starts_the_observation_from_that_visit(world, login):
    from fangkong.people import services as people
    from fangkong.screening import services as screening
    from fangkong.screening.models import VisitMember

    today = timezone.localdate()
    campaign = screening.campaign_create(
        actor=world.a.commander, unit=world.a.district, name="全覆盖排查",
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=5),
    )  # fmt: skip
    home, _created = people.household_get_or_create(
        actor=world.a.community_officer, unit=world.a.grid, address="2号楼202"
    )
    who = people.person_create(
        actor=world.a.community_officer, full_name="发热者", unit=world.a.grid, household=home
    )
    screening.visit_record(
        actor=world.a.grid_worker_local, campaign=campaign, household=home, result="normal",
        findings=[screening.Finding(person=who, temperature=Decimal("38.0"))],
    )  # fmt: skip
    member = VisitMember.objects.get(person=who)
    client = login(world.a.epidemiologist)
    detail = client.get(reverse("people:detail", args=[who.pk]))
    start = reverse("observation:start", args=[who.pk]) + f"?visit_member={member.pk}"
    assert start.encode() in detail.content
    page = client.get(start)
    assert page.context["form"].initial["reason"] == "fever"
    assert page.context["source"] == {"visit_member": member}


def test_notices_are_numbered_by_the_community_for_all_its_grids(world):
    first = observe(world, person(world, "一网格"), exposure_days_ago=14)
    second = observe(world, person(world, "二网格", unit=world.a.grid2), exposure_days_ago=14)
    numbers = [
        services.observation_release(actor=world.a.commander, observation=o).notice_number
        for o in (first, second)
    ]
    year = timezone.localdate().year
    assert numbers == [f"{world.a.community.code}-{year}-0001",
                       f"{world.a.community.code}-{year}-0002"]  # fmt: skip


def test_the_detail_page_changes_the_team_and_keeps_a_phone_not_retyped(world, login):
    o = observe(world)
    client = login(world.a.community_officer)
    url = reverse("observation:detail", args=[o.pk])
    data = {"action": "team", "team-role_0": "cadre", "team-name_0": "赵医生", "team-phone_0": "",
            "team-role_1": "grid_worker", "team-name_1": "李网格", "team-phone_1": ""}  # fmt: skip
    for i in range(2, 5):
        data |= {f"team-role_{i}": "other", f"team-name_{i}": "", f"team-phone_{i}": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    team = {m.name: m for m in o.team.all()}
    # 赵医生 was a doctor: named again with another role, no phone is carried over.
    assert team["赵医生"].lead and team["赵医生"].phone == ""
    # 李网格 is named again in the same role: the phone stays without being shown or typed.
    assert team["李网格"].phone == "13900000001" and not team["李网格"].lead
    assert o.log.filter(kind="team").exists()
    # The same page with no lead named refuses and keeps the team.
    data["team-name_0"] = ""
    page = client.post(url, data)
    assert page.status_code == 200 and page.context["forms"]["team"].errors
    assert o.team.count() == 2


def test_the_detail_page_corrects_the_exposure_and_releases(world, login):
    o = observe(world, exposure_days_ago=13)
    client = login(world.a.community_officer)
    url = reverse("observation:detail", args=[o.pk])
    new = timezone.localdate() - timedelta(days=14)
    response = client.post(url, {"action": "exposure", "exposure-last_exposure": new.isoformat(),
                                  "exposure-note": "流调更正"})  # fmt: skip
    assert response.status_code == 302
    o.refresh_from_db()
    assert o.planned_end == timezone.localdate()
    assert client.post(url, {"action": "release"}).status_code == 302
    o.refresh_from_db()
    assert o.state == State.RELEASED
    # The grid worker sees the observation but does not decide its end.
    assert login(world.a.grid_worker_local).post(url, {"action": "release"}).status_code == 403


@pytest.mark.parametrize(("days_ago", "badge"), [(0, "明天为第 1 天（共 14 天）"),
                                                 (1, "第 1 天 / 共 14 天"),
                                                 (14, "第 14 天 / 共 14 天")])  # fmt: skip
def test_the_detail_page_counts_the_day_from_the_day_after_the_exposure(
    world, login, days_ago, badge
):  # type: ignore[no-untyped-def]
    # Exposed today: day 1 is tomorrow, not "day 0 of 14".
    o = observe(world, exposure_days_ago=days_ago)
    page = login(world.a.community_officer).get(reverse("observation:detail", args=[o.pk]))
    assert badge in page.content.decode()
    assert "第 0 天" not in page.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_journey_an_observation_starts_from_is_dated_as_the_page_dates(world, login, language):  # type: ignore[no-untyped-def]
    # It read "浙江省温州市 → 2026-11-18" beside "Last exposure 11/18/2026".
    from django.utils import translation

    from fangkong.people import services as people

    who = person(world)
    arrived = timezone.localdate() - timedelta(days=3)
    travel, _new = people.travel_add(
        actor=world.a.commander, person=who, origin="浙江省温州市", arrived_on=arrived
    )
    o = observe(world, who, reason="arrival", source={"travel": travel})
    client = login(world.a.community_officer)
    client.cookies["fangkong_language"] = language
    page = client.get(reverse("observation:detail", args=[o.pk])).content.decode()
    start = client.get(reverse("observation:start", args=[who.pk]) + f"?travel={travel.pk}")
    with translation.override(language):
        shown = formats.date_format(arrived, "SHORT_DATE_FORMAT")
    assert shown != arrived.isoformat()
    assert f"浙江省温州市 → {shown}" in page
    assert f"→ {arrived.isoformat()}" not in page
    assert f"浙江省温州市 → {shown}" in start.content.decode()
