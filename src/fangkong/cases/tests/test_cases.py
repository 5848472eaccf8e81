"""Classification, reporting time, the exposure window by policy, contacts and chains."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fangkong.cases import chains, rules, services
from fangkong.cases.models import Classification, Contact
from fangkong.cases.tests.helpers import case, contact, days_ago
from fangkong.observation.tests.helpers import observe, person
from fangkong.people.models import Policy

pytestmark = pytest.mark.django_db

C = Classification


@pytest.mark.parametrize(
    ("start", "to", "who", "allowed"),
    [
        (C.SUSPECTED, C.CLINICAL, "clinician", True),
        (C.SUSPECTED, C.CONFIRMED, "clinician", False),  # the CDC confirms
        (C.SUSPECTED, C.CONFIRMED, "epidemiologist", True),
        (C.SUSPECTED, C.EXCLUDED, "epidemiologist", True),
        (C.CLINICAL, C.CONFIRMED, "epidemiologist", True),
        (C.ASYMPTOMATIC, C.CONFIRMED, "epidemiologist", True),
        (C.CONFIRMED, C.SUSPECTED, "epidemiologist", None),  # no way back
        (C.EXCLUDED, C.CONFIRMED, "epidemiologist", None),
        (C.SUSPECTED, C.CLINICAL, "officer", False),
    ],
)
def test_only_allowed_steps_by_the_right_role(world, start, to, who, allowed):
    if start != C.EXCLUDED:
        made = case(world, classification=start,
                    onset_days_ago=None if start == C.ASYMPTOMATIC else 4)  # fmt: skip
    else:
        made = case(world, person(world, "排除者"), classification=C.SUSPECTED)
        made = services.case_classify(
            actor=world.a.epidemiologist, case=made, to=C.EXCLUDED, reason="核酸阴性两次"
        )
    actor = world.a.users[who]
    if allowed is None:
        with pytest.raises(ValidationError):
            services.case_classify(actor=actor, case=made, to=to, reason="x")
    elif allowed:
        done = services.case_classify(actor=actor, case=made, to=to, reason="检测阳性")
        assert done.classification == to
        assert [h.after for h in done.history.all()][-1] == to
    else:
        with pytest.raises(PermissionDenied):
            services.case_classify(actor=actor, case=made, to=to, reason="x")


def test_a_reason_is_required_and_kept_with_who_and_when(world):
    made = case(world, classification=C.SUSPECTED)
    with pytest.raises(ValidationError):
        services.case_classify(actor=world.a.clinician, case=made, to=C.CLINICAL, reason=" ")
    services.case_classify(actor=world.a.clinician, case=made, to=C.CLINICAL, reason="影像学")
    last = made.history.last()
    assert last is not None
    assert (last.before, last.after, last.by, last.reason) == (
        C.SUSPECTED,
        C.CLINICAL,
        world.a.clinician,
        "影像学",
    )


def test_the_other_district_cannot_classify(world):
    made = case(world, classification=C.SUSPECTED)
    with pytest.raises(PermissionDenied):
        services.case_classify(actor=world.b.epidemiologist, case=made, to=C.CONFIRMED,
                               reason="x")  # fmt: skip


def test_a_report_later_than_the_policy_allows_is_marked(world, login):
    now = timezone.now()
    on_time = case(world, diagnosed_at=now - timedelta(hours=1, minutes=59))
    late = case(world, person(world, "迟报"), diagnosed_at=now - timedelta(hours=2, minutes=1))
    assert not services.is_late(on_time) and services.is_late(late)
    page = login(world.a.epidemiologist).get(reverse("cases:list"))
    assert page.context["late"] == {late.pk}


@given(minutes=st.integers(min_value=0, max_value=72 * 60), hours=st.integers(1, 72))
def test_late_is_strictly_after_the_policy_hours(minutes, hours):
    at = timezone.now()
    assert rules.report_late(at, at + timedelta(minutes=minutes), hours) == (minutes > hours * 60)


def test_the_window_follows_the_policy_version_of_the_diagnosis_day(world):
    """January 2020: contact after onset; from late February: two days before onset."""
    Policy.objects.create(
        unit=world.a.district,
        org_path=world.a.district.path,
        effective_from=date(2020, 1, 1),
        contact_days_before_onset=0,
    )
    Policy.objects.create(
        unit=world.a.district,
        org_path=world.a.district.path,
        effective_from=date(2020, 2, 21),
        contact_days_before_onset=2,
    )
    tz = timezone.get_current_timezone()
    early = case(world, diagnosed_at=datetime(2020, 2, 1, 10, tzinfo=tz),
                 reported_at=datetime(2020, 2, 1, 11, tzinfo=tz), onset_days_ago=None,
                 onset_date=date(2020, 1, 28))  # fmt: skip
    later = case(world, person(world, "二月底"), onset_days_ago=None, onset_date=date(2020, 3, 1),
                 diagnosed_at=datetime(2020, 3, 3, 10, tzinfo=tz),
                 reported_at=datetime(2020, 3, 3, 11, tzinfo=tz))  # fmt: skip
    assert services.window(early).start == date(2020, 1, 28)
    assert services.window(later).start == date(2020, 2, 28)
    assert "2020" in services.window(later).rule
    silent = case(world, person(world, "无症状"), classification=C.ASYMPTOMATIC,
                  onset_days_ago=None, sampled_on=days_ago(3))  # fmt: skip
    assert services.window(silent).start == days_ago(5)


def test_a_contact_before_the_window_is_refused_with_the_rule(world):
    made = case(world, onset_days_ago=4)  # window from 6 days ago (default policy: 2 days)
    with pytest.raises(ValidationError) as caught:
        contact(world, made, days=7)
    assert caught.value.message_dict["last_contact"] == [services.window(made).rule]
    assert contact(world, made, days=6).pk


def test_secondary_contacts_only_where_the_policy_traces_them(world):
    made = case(world)
    close = contact(world, made, "密接")
    with pytest.raises(ValidationError) as caught:
        contact(world, made, "次密接", level="secondary", via=close)
    assert "level" in caught.value.message_dict
    Policy.objects.create(unit=world.a.district, org_path=world.a.district.path,
                          effective_from=days_ago(30), secondary_contacts=True)  # fmt: skip
    second = contact(world, made, "次密接", level="secondary", via=close)
    assert second.source_id == close.person_id


def test_a_contact_already_in_the_registry_is_found_not_registered_again(world):
    made = case(world)
    known = person(world, "老住户")
    who = services.PersonIn(full_name="老住户（口述）", id_number=known.id_number)
    found = contact(world, made, who=who)
    assert found.person_id == known.pk
    with pytest.raises(ValidationError):
        contact(world, made, who=who)  # the same person twice is one contact
    assert Contact.objects.filter(person=known).count() == 1


def test_a_contact_under_observation_is_one_action_from_the_last_contact(world):
    made = case(world)
    c = contact(world, made, days=2)
    o = services.contact_observe(
        actor=world.a.epidemiologist, contact=c, kind="home",
        team=[services.observation_services.Member("cadre", "王主任", lead=True)],
    )  # fmt: skip
    assert o.last_exposure == days_ago(2) and o.reason == "close_contact"
    with pytest.raises(ValidationError):
        services.contact_observe(actor=world.a.epidemiologist, contact=c, kind="home", team=[])


def _chain(world, length: int):  # type: ignore[no-untyped-def]
    """A case whose contact is a case whose contact is a case … ``length`` links long."""
    Policy.objects.create(unit=world.a.district, org_path=world.a.district.path,
                          effective_from=days_ago(60), secondary_contacts=True)  # fmt: skip
    first = current = case(world, person(world, "源头"))
    for n in range(length):
        link = contact(world, current, f"第{n + 1}代")
        if n + 1 < length:
            current = case(world, link.person)
    return first


def test_the_chain_walks_five_steps_and_no_further(world):
    first = _chain(world, 7)
    root = chains.tree(first.person_id)
    depth, node = 0, root
    while node.children:
        node, depth = node.children[0], depth + 1
    assert depth == chains.MAX_DEPTH
    assert len(chains.walk(first.person_id, 3)) == 3


def test_a_cycle_does_not_loop(world):
    first = case(world)
    back = contact(world, first, "回路")
    second = case(world, back.person)
    contact(world, second, who=first.person)
    # The edge back to the source is not walked again: the walk ends.
    assert [e[3] for e in chains.walk(first.person_id)] == [1]
    assert [e[3] for e in chains.walk(back.person_id)] == [1]


def test_a_case_page_draws_the_chain_and_hides_names_out_of_scope(world, login):
    first = _chain(world, 3)
    page = login(world.a.epidemiologist).get(reverse("cases:detail", args=[first.pk]))
    html = page.content.decode()
    assert "第1代" in html and "第3代" in html
    page = login(world.a.grid_worker_local).get(reverse("cases:detail", args=[first.pk]))
    assert page.status_code == 200  # the grid worker sees persons of the grid
    assert (
        login(world.b.epidemiologist).get(reverse("cases:detail", args=[first.pk])).status_code
        == 404
    )


def test_a_suspected_referral_becomes_a_case_without_retyping(world, login):
    from fangkong.observation import services as obs

    o = observe(world)
    referral = obs.referral_open(actor=world.a.commander, observation=o, reason="38.6 °C")
    obs.referral_close(actor=world.a.clinician, referral=referral, outcome="suspected")
    client = login(world.a.clinician)
    url = reverse("cases:report", args=[o.person_id]) + f"?referral={referral.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "classification": "suspected", "referral": referral.pk,
        "diagnosed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "onset_date": str(timezone.localdate()), "reporting_institution": "区人民医院发热门诊",
        "outcome": "treatment",
    })  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    made = o.person.cases.get()
    assert made.referral_id == referral.pk and made.classification == "suspected"


def test_the_contact_page_starts_the_observation_or_drafts_the_letter(world, login):
    from fangkong.observation.tests.helpers import room, site

    made = case(world)
    here, gone = contact(world, made, "本地"), contact(world, made, "外地", gone_to="湖北省孝感市")
    hotel = site(world, rooms="301")
    client = login(world.a.epidemiologist)
    page = client.post(reverse("cases:contact", args=[here.pk]), {
        "action": "observe", "observe-kind": "centralized", "observe-lead": "王主任",
        "observe-room": room(hotel, "301").pk,
    })  # fmt: skip
    here.refresh_from_db()
    assert page.status_code == 302 and here.state == "observed"
    assert page.url == reverse("observation:detail", args=[here.observation_id])
    page = client.post(reverse("cases:contact", args=[gone.pk]), {
        "action": "letter", "letter-region": "湖北省孝感市",
        "letter-authority": "孝感市新冠肺炎疫情防控指挥部",
    })  # fmt: skip
    gone.refresh_from_db()
    assert page.status_code == 302 and gone.state == "left"
    # A grid worker sees the contact but cannot act for the CDC.
    assert (
        login(world.a.grid_worker_local)
        .post(reverse("cases:contact", args=[gone.pk]), {"action": "letter"})
        .status_code
        == 403
    )
