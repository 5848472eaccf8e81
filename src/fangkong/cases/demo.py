"""The demo's cases: a designated hospital and a fever clinic, one confirmed case in the
first community with a family dinner as a cluster, its close contacts (most under
observation in the district hotel, two who left, traced by letters) and a second case
among them, so that the chain has two steps."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.cases import services, services_letters
from fangkong.observation.models import Room, State
from fangkong.observation.services import Member
from fangkong.orgunits.models import OrgUnit
from fangkong.people.models import Person
from fangkong.people.testing import resident_id


def load_cases(district: OrgUnit, *, seed: int = 2020) -> int:
    """Returns the number of contacts traced."""
    rng = random.Random(f"{seed}:cases")
    cdc = User.objects.filter(username="cdc").first()
    officer = User.objects.filter(username="community").first()
    if cdc is None or officer is None:
        return 0
    hospital = services.hospital_create(
        actor=cdc, unit=district, name=f"{district.name}人民医院（定点医院）",
        kind="designated", beds=120, address="历山路 1 号",
    )  # fmt: skip
    services.hospital_create(
        actor=cdc, unit=district, name=f"{district.name}中医院发热门诊", kind="fever_clinic",
        beds=20,
    )  # fmt: skip
    community = officer.assignments.get().unit
    busy = set(
        Person.objects.filter(observations__state__in=[State.ACTIVE, State.ESCALATED]).values_list(
            "pk", flat=True
        )
    )
    residents = [
        p for p in Person.objects.in_subtree(community.path).order_by("id")[:400]
        if p.pk not in busy
    ]  # fmt: skip
    if len(residents) < 20:
        return 0
    now = timezone.now()
    today = timezone.localdate()
    patient = residents[0]
    case = services.case_report(
        actor=cdc, person=patient, classification="confirmed",
        diagnosed_at=now - timedelta(days=2, hours=3), reported_at=now - timedelta(days=2, hours=2),
        reporting_institution=hospital.name, onset_date=today - timedelta(days=4),
        hospital=hospital, severity="moderate", imported=True, origin="湖北省武汉市",
    )  # fmt: skip
    dinner = services.event_create(
        actor=cdc, unit=community, name="家庭聚餐", kind="gathering",
        starts_on=today - timedelta(days=5), place=f"{community.name}某饭店",
    )  # fmt: skip
    rooms = list(Room.objects.filter(active=True, occupied=0).order_by("site", "number")[:12])
    traced = 0
    contacts = []
    for n, person in enumerate(residents[1:13]):
        contact = services.contact_add(
            actor=cdc, case=case, who=person, setting="gathering" if n % 3 else "household",
            relation="亲属" if n % 3 == 0 else "同桌就餐",
            last_contact=today - timedelta(days=rng.choice((2, 3, 4))), event=dinner,
        )  # fmt: skip
        contacts.append(contact)
        traced += 1
        if n < len(rooms) - 2:
            room = rooms[n]
            services.contact_observe(
                actor=cdc, contact=contact, kind="centralized", site=room.site, room=room,
                team=[Member("cadre", officer.full_name, "13905310002", lead=True)],
            )  # fmt: skip
    for n, region in enumerate(("湖北省武汉市江岸区", "河南省信阳市浉河区")):
        contact = services.contact_add(
            actor=cdc, case=case,
            who=services.PersonIn(full_name=f"外地亲属{n + 1}",
                                  id_number=resident_id("420102", seq=900 + n),
                                  phone=f"1390710{n:04d}"),
            setting="household", relation="亲属", last_contact=today - timedelta(days=3),
            gone_to=region, event=dinner,
        )  # fmt: skip
        services_letters.letter_draft(
            actor=cdc, contact=contact, authority=f"{region}新冠肺炎疫情防控指挥部",
            region=region,
        )  # fmt: skip
        traced += 1
    # One of the close contacts turned out to be a case too: the chain goes on.
    second = services.case_report(
        actor=cdc, person=contacts[0].person, classification="asymptomatic",
        diagnosed_at=now - timedelta(hours=5), reported_at=now - timedelta(hours=4),
        reporting_institution=hospital.name, sampled_on=today - timedelta(days=1),
    )  # fmt: skip
    for person in residents[13:16]:
        services.contact_add(
            actor=cdc, case=second, who=person, setting="household", relation="家人",
            last_contact=today - timedelta(days=1),
        )  # fmt: skip
        traced += 1
    return traced
