"""A known district for the bulletin: two days of cases, contacts, observations and daily
reports, made through the services (with the few timestamps the services take as "now"
moved back to the day they stand for)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from fangkong.bulletin import services as bulletin_services
from fangkong.bulletin.models import Bulletin
from fangkong.cases import services as case_services
from fangkong.cases.models import Admission, Case, Contact
from fangkong.cases.tests.helpers import contact
from fangkong.core.testing import District, World
from fangkong.observation import services as observation_services
from fangkong.observation.models import Observation
from fangkong.observation.tests.helpers import observe, person
from fangkong.reports import services as report_services

# Names, ID numbers and phones that must never reach a public page.
NAMES = ["张三丰", "李四光", "王五常", "赵六合", "钱七巧", "孙八斗", "周九如", "吴十全"]
PHONE = "13912345678"


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class Known:
    day: date  # yesterday: the bulletin's day
    before: date  # the day before
    cases: list[Case]
    contacts: list[Contact]
    observations: list[Observation]


def _case(w: World, name: str, unit: Any, day: date, hour: int, **values: Any) -> Case:
    who = person(w, name, unit)
    return case_services.case_report(
        actor=w.a.epidemiologist, person=who, diagnosed_at=at(day, hour),
        reported_at=at(day, hour + 1), reporting_institution="区人民医院",
        onset_date=values.pop("onset_date", day - timedelta(days=3)), **values,
    )  # fmt: skip


def _report(d: District, day: date) -> None:
    for grid in (d.grid, d.grid2):
        report_services.report_submit(
            actor=d.commander, unit=grid, day=day,
            values={"masks_distributed": 100, "volunteers_on_duty": 5,
                    "places_disinfected": 3},
        )  # fmt: skip


def known_district(w: World) -> Known:
    """District a, the day before yesterday (B) and yesterday (D):

    B: two confirmed cases admitted to hospital (grid, grid2), three close contacts, three
    people in home observation. D: one confirmed case admitted; two suspected cases; the
    first case discharged at 15:00, the second dead at 20:00; two more contacts; one
    observation released, one started. Both days reported by both grids. District b has a
    confirmed case of its own on D, reported too: none of it is a's.
    """
    d, b = days_ago(1), days_ago(2)
    a = w.a
    hospital = case_services.hospital_create(
        actor=a.commander, unit=a.district, name="区人民医院", kind="designated"
    )
    c1 = _case(w, NAMES[0], a.grid, b, 9, classification="confirmed", hospital=hospital)
    c2 = _case(w, NAMES[1], a.grid2, b, 10, classification="confirmed", hospital=hospital)
    contacts = [contact(w, c1, name, days=3) for name in NAMES[2:5]]
    Contact.objects.filter(case=c1).update(created_at=at(b, 12))
    observations = [observe(w, person(w, name)) for name in ("观察甲", "观察乙", "观察丙")]
    Observation.objects.filter(pk__in=[o.pk for o in observations]).update(starts_on=b)
    _report(a, b)

    c3 = _case(w, NAMES[5], a.grid, d, 8, classification="confirmed", hospital=hospital)
    s1 = _case(w, NAMES[6], a.grid2, d, 9, classification="suspected")
    s2 = _case(w, NAMES[7], a.grid, d, 10, classification="suspected")
    case_services.case_treatment(actor=a.epidemiologist, case=c1, outcome="recovered")
    Admission.objects.filter(case=c1).update(discharged_at=at(d, 15))
    case_services.case_treatment(actor=a.epidemiologist, case=c2, outcome="died")
    Admission.objects.filter(case=c2).update(discharged_at=at(d, 20))
    more = [contact(w, c3, name, days=1) for name in ("接触甲", "接触乙")]
    Contact.objects.filter(case=c3).update(created_at=at(d, 12))
    released = observations[0]
    Observation.objects.filter(pk=released.pk).update(planned_end=d)
    observation_services.observation_release(actor=a.commander, observation=released, now=at(d, 16))
    started = observe(w, person(w, "观察丁"))
    Observation.objects.filter(pk=started.pk).update(starts_on=d)
    _report(a, d)

    other = case_services.case_report(
        actor=w.b.epidemiologist,
        person=_b_person(w),
        classification="confirmed",
        diagnosed_at=at(d, 9),
        reported_at=at(d, 10),
        reporting_institution="市中区医院",
        onset_date=d - timedelta(days=2),
    )
    _report(w.b, d)
    return Known(
        day=d, before=b, cases=[c1, c2, c3, s1, s2, other], contacts=[*contacts, *more],
        observations=[*observations, started],
    )  # fmt: skip


def _b_person(w: World) -> Any:
    from fangkong.people import services as people
    from fangkong.people.testing import resident_id

    return people.person_create(
        actor=w.b.commander, full_name="外区病例", unit=w.b.grid, id_type="resident",
        id_number=resident_id(region="370103", seq=777), phone=PHONE,
    )  # fmt: skip


# The figures of district a's bulletin for D, worked out by hand from the story above.
EXPECTED = {
    "new_confirmed": 1,
    "new_suspected": 2,
    "new_asymptomatic": 0,
    "new_discharged": 1,
    "new_deaths": 1,
    "confirmed_total": 3,
    "discharged_total": 1,
    "deaths_total": 1,
    "in_hospital": 1,
    "contacts_total": 5,
    "released_total": 1,
    "under_observation": 3,
    "home_observation": 3,
    "centralized_observation": 0,
}


def published(w: World, day: date, language: str = "zh-hans") -> Bulletin:
    made = bulletin_services.bulletin_generate(
        actor=w.a.commander, unit=w.a.district, day=day, language=language
    )
    return bulletin_services.bulletin_publish(actor=w.a.commander, bulletin=made)


# The official Chinese wording of the sentences the tests read, as written into the
# catalogue (/tmp/i18n/bulletin.json at the time of writing). The fixture ``chinese`` adds
# an entry only where the compiled catalogue lacks it, so that once the catalogue has them,
# it is the catalogue that is tested.
ZH_HANS: dict[tuple[str | None, str], str] = {
    ("bulletin date with the year", "j F Y"): "Y年n月j日",
    ("bulletin date without the year", "j F"): "n月j日",
    (None, "%(unit)s epidemic bulletin, %(date)s"): "%(unit)s疫情通报（%(date)s）",
    (
        None,
        "From 0:00 to 24:00 on %(date)s, our district reported new confirmed cases: "
        "%(confirmed)s; new suspected cases: %(suspected)s; new asymptomatic infections: "
        "%(asymptomatic)s; newly cured and discharged: %(discharged)s; new deaths: "
        "%(deaths)s.",
    ): "%(date)s0—24时，我区新增确诊病例%(confirmed)s例，新增疑似病例%(suspected)s例，"
    "新增无症状感染者%(asymptomatic)s例，新增治愈出院%(discharged)s例，新增死亡%(deaths)s例。",
    (
        None,
        "As of 24:00 on %(date)s, our district had reported in total: confirmed cases "
        "%(confirmed)s, cured and discharged %(discharged)s, deaths %(deaths)s; in hospital "
        "now: %(in_hospital)s. Close contacts traced in total: %(contacts)s; released from "
        "medical observation: %(released)s; still under medical observation: %(observed)s "
        "(at home %(home)s, centralized %(centralized)s).",
    ): "截至%(date)s24时，我区累计报告确诊病例%(confirmed)s例，累计治愈出院%(discharged)s例，"
    "累计死亡%(deaths)s例，现有住院病例%(in_hospital)s例。累计追踪到密切接触者%(contacts)s人，"
    "已解除医学观察%(released)s人，尚有%(observed)s人正在接受医学观察（其中居家医学观察"
    "%(home)s人，集中医学观察%(centralized)s人）。",
}
