"""The demo district's screening: a campaign under way, part of the first community
visited (the lagging grids visible on the coverage page), and a few self-declarations
waiting in the queue."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.orgunits.models import OrgUnit
from fangkong.people.models import Household, Person
from fangkong.people.services import id_key
from fangkong.people.testing import resident_id
from fangkong.screening import tallies
from fangkong.screening.declarations import client_key
from fangkong.screening.models import Campaign, Declaration, Visit, VisitMember


def load_screening(district: OrgUnit, *, seed: int = 2020) -> int:
    """Returns the number of visits made."""
    rng = random.Random(f"{seed}:screening")
    today = timezone.localdate()
    worker = User.objects.filter(username="grid").first()
    campaign = Campaign.objects.create(
        name="第一轮全覆盖入户排查", unit=district, org_path=district.path,
        starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=7),
        note="区不漏乡、乡不漏村、村不漏户、户不漏人", created_by=worker,
    )  # fmt: skip
    households = list(Household.objects.in_subtree(district.path).order_by("org_path", "id"))
    grids = sorted({h.org_path for h in households})
    # Each grid is at its own stage: some nearly done, one barely started.
    share = {path: rng.choice((0.15, 0.5, 0.7, 0.85, 0.95, 1.0)) for path in grids}
    visits = []
    for household in households:
        if rng.random() > share[household.org_path]:
            continue
        result = rng.choices(["normal", "found", "absent", "vacant"], weights=(80, 8, 10, 2))[0]
        visits.append(
            Visit(
                campaign=campaign, household=household, result=result, visited_by=worker,
                org_path=household.org_path,
                visited_at=timezone.now() - timedelta(hours=rng.randint(1, 70)),
            )
        )  # fmt: skip
    Visit.objects.bulk_create(visits)
    members = []
    for visit in Visit.objects.filter(campaign=campaign, result="found"):
        for person in Person.objects.filter(household_id=visit.household_id)[:3]:
            fever = rng.random() < 0.2
            members.append(
                VisitMember(
                    visit=visit, campaign=campaign, person=person, present=True,
                    temperature=Decimal("37.8") if fever else Decimal("36.5"),
                    symptoms=["fever", "cough"] if fever else [], fever=fever,
                    travel_found=person.travels.exists(), org_path=visit.org_path,
                )
            )  # fmt: skip
    VisitMember.objects.bulk_create(members)
    tallies.recount([campaign.pk])  # bulk-created above, past visit_record's counting
    community = OrgUnit.objects.filter(path=grids[0][:-4]).first() if grids else None
    if community is not None:
        for n, (name, origin) in enumerate(
            [("陈小红", "湖北省武汉市"), ("刘建国", "浙江省温州市")]
        ):
            number = resident_id("420102", today - timedelta(days=365 * 30 + n), 500 + n)
            payload = {
                "full_name": name, "id_type": "resident", "id_number": number,
                "phone": f"1370000{n:04d}", "address": f"{community.name}9号楼1单元10{n + 1}",
                "members": [], "journey": {
                    "origin": origin, "departed_on": "", "transport": "train",
                    "arrived_on": (today - timedelta(days=1)).isoformat(),
                    "transport_no": "G1234", "seat": "", "plate": "",
                },
            }  # fmt: skip
            Declaration.objects.create(
                unit=community, org_path=community.path, reference=f"DEMO{n + 1:04d}",
                payload=json.dumps(payload, ensure_ascii=False),
                id_key=id_key("resident", number) or "", client_key=client_key(None),
            )  # fmt: skip
    return len(visits)
