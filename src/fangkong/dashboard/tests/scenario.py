"""A known small epidemic in district a (and one case in district b, which must not show),
built through the apps' services; a few times moved back afterwards so that the day before
has figures of its own."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from fangkong.cases import services_letters
from fangkong.cases.models import AssistanceLetter, Case, Contact
from fangkong.cases.tests.helpers import case, contact
from fangkong.checkpoints.models import Handoff
from fangkong.checkpoints.tests.helpers import passage, traveller
from fangkong.core.testing import World
from fangkong.observation import services
from fangkong.observation.tests.helpers import observe, person, room, site
from fangkong.people import services as people
from fangkong.people.testing import resident_id


def noon(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12)))


def build(w: World) -> dict[str, Any]:
    a, actor = w.a, w.a.commander
    today, yesterday = timezone.localdate(), timezone.localdate() - timedelta(days=1)
    # Journeys: two arrived today (grid, grid2), one yesterday.
    for name, unit, day in (
        ("甲", a.grid, today),
        ("乙", a.grid2, today),
        ("丙", a.grid, yesterday),
    ):
        people.travel_add(actor=actor, person=person(w, "来人" + name, unit=unit),
                          origin="湖北省武汉市", arrived_on=day)  # fmt: skip
    # Observations: at home since today, centralized since yesterday, one begun yesterday
    # and released today, one cancelled.
    home = observe(w, person(w, "居家甲"), exposure_days_ago=2)
    hotel = site(w)
    away = observe(w, person(w, "集中乙", unit=a.grid2), kind="centralized", site=hotel,
                   room=room(hotel, "101"), now=noon(1), exposure_days_ago=3)  # fmt: skip
    done = observe(w, person(w, "解除丙"), now=noon(1), exposure_days_ago=14)
    services.observation_release(actor=actor, observation=done)
    gone = observe(w, person(w, "取消丁"))
    services.observation_cancel(actor=actor, observation=gone, reason="重复登记")
    services.referral_open(actor=actor, observation=home, reason="37.9 °C")
    # Cases: confirmed today (grid), suspected yesterday (grid2), asymptomatic today.
    confirmed = case(w, person(w, "病例甲"))
    suspected = case(w, person(w, "病例乙", unit=a.grid2), classification="suspected")
    Case.objects.filter(pk=suspected.pk).update(reported_at=noon(1))
    case(w, person(w, "病例丙"), classification="asymptomatic", onset_days_ago=None)
    # District b: must never show in district a's figures.
    elsewhere = people.person_create(
        actor=w.b.commander, full_name="乙区病例", unit=w.b.grid, id_type="resident",
        id_number=resident_id(seq=990),
    )  # fmt: skip
    case(w, elsewhere, actor=w.b.epidemiologist)
    # Contacts: two today, one yesterday; one of today's left and has a letter, overdue.
    contact(w, confirmed, "接触甲")
    left = contact(w, confirmed, "接触乙", gone_to="北京市")
    older = contact(w, confirmed, "接触丙")
    Contact.objects.filter(pk=older.pk).update(created_at=noon(1))
    letter = services_letters.letter_draft(
        actor=w.a.epidemiologist, contact=left, authority="北京市疾控中心", region="北京市"
    )
    services_letters.letter_send(actor=w.a.epidemiologist, letter=letter)
    AssistanceLetter.objects.filter(pk=letter.pk).update(due_at=noon(0) - timedelta(days=1))
    # Hand-offs: travellers bound for the grid; one overdue since yesterday.
    passage(w, travellers=[traveller(full_name="张一", phone="13900000011")])
    passage(w, travellers=[traveller(full_name="张二", phone="13900000012", temperature="38.2")],
            plate="鄂A54321")  # fmt: skip
    late = Handoff.objects.filter(full_name="张一").get()
    Handoff.objects.filter(pk=late.pk).update(
        created_at=noon(2), arrived_at=noon(2), due_at=noon(1)
    )
    return {"home": home, "away": away, "confirmed": confirmed}
