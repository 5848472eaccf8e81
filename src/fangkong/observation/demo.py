"""The demo's medical observation: a district hotel with rooms, and the first community's
arrivals from affected areas under observation since the day after they arrived, with
their follow-ups so far (one missed, one fever at the clinic), through the services."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.observation import services, services_sites
from fangkong.observation.models import FollowUp, Kind, Observation
from fangkong.orgunits.models import OrgUnit
from fangkong.people.models import Person, RiskStatus

TEMPERATURES = ["36.2", "36.4", "36.5", "36.6", "36.7", "36.8"]


def load_observation(district: OrgUnit, *, seed: int = 2020) -> int:
    """Returns the number of observations started."""
    rng = random.Random(f"{seed}:observation")
    officer = User.objects.filter(username="community").first()
    worker = User.objects.filter(username="grid").first()
    commander = User.objects.filter(username="commander").first()
    if officer is None or worker is None or commander is None:
        return 0
    hotel = services_sites.site_create(
        actor=commander, unit=district, name=f"{district.name}如家酒店集中隔离点", kind="hotel",
        address="经十路 88 号", contact="0531-8888 0000",
    )  # fmt: skip
    services_sites.rooms_add(actor=commander, site=hotel, numbers="101-120", beds=1)
    services_sites.rooms_add(actor=commander, site=hotel, numbers="201-210", beds=2)
    rooms = list(hotel.rooms.order_by("number"))
    community = officer.assignments.get().unit
    zone = timezone.get_default_timezone()
    now = timezone.now()
    persons = (
        Person.objects.in_subtree(community.path)
        .filter(risk_status__in=[RiskStatus.HOME, RiskStatus.CENTRALIZED])
        .order_by("id")
    )
    started = 0
    for person in persons[:12]:
        travel = person.travels.order_by("-arrived_on").first()
        if travel is None:
            continue
        begun = datetime.combine(travel.arrived_on + timedelta(days=1), time(10), tzinfo=zone)
        if begun > now:
            continue
        centralized = started % 4 == 1
        team = [
            services.Member("grid_worker", worker.full_name, "13905310001", lead=True),
            services.Member("cadre", officer.full_name, "13905310002"),
            services.Member("doctor", "社区卫生服务站 刘医生", "13905310003"),
            services.Member("police", "片区民警 赵警官", "13905310004"),
        ]
        observation = services.observation_start(
            actor=officer, person=person, kind=Kind.CENTRALIZED if centralized else Kind.HOME,
            reason="arrival", last_exposure=travel.arrived_on, team=team,
            site=hotel if centralized else None,
            room=rooms[started] if centralized else None, source={"travel": travel}, now=begun,
        )  # fmt: skip
        started += 1
        # The grid worker follows up their own grid; the community officer the others.
        who = worker if has_perm_at(worker, Perm.RECORD_FOLLOWUPS, person.org_path) else officer
        _follow_up(observation, who, rng, now, fever=started == 3, miss=started == 2)
    for observation in Observation.objects.filter(state="active", planned_end__lte=now.date()):
        services.observation_release(actor=officer, observation=observation)
    return started


def _follow_up(
    observation: Observation, worker: User, rng: random.Random, now: datetime, *,
    fever: bool, miss: bool,
) -> None:  # fmt: skip
    """Every slot already closed is recorded, late now and then; one is left missed, or
    the last one shows a fever (which sends the person to the fever clinic)."""
    closed = list(FollowUp.objects.filter(observation=observation, closes_at__lte=now))
    for n, slot in enumerate(closed):
        if miss and n == len(closed) - 1:
            break
        hot = fever and n == len(closed) - 1
        at = slot.opens_at + timedelta(minutes=rng.randint(10, 200))
        services.followup_record(
            actor=worker, followup=slot, now=min(at, now),
            temperature=Decimal("38.1" if hot else rng.choice(TEMPERATURES)),
            method="visit" if observation.kind == Kind.CENTRALIZED else rng.choice(
                ("phone", "phone", "self", "visit")),
        )  # fmt: skip
