"""A person's history across the modules, oldest first, for their timeline page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import Handoff, Traveller
from fangkong.observation.models import FollowUp, LogEntry
from fangkong.people.models import Person
from fangkong.screening.models import Declaration, VisitMember


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # registry, travel, checkpoint, visit, observation, followup
    title: str
    text: str = ""
    url: str = ""
    alarm: bool = False


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def person_events(actor: Any, person: Person) -> list[Event]:
    """Everything recorded about ``person`` (already checked to be in the actor's scope)."""
    events = [
        Event(person.created_at, "registry", _("Entered in the registry"),
              person.get_source_display())
    ]  # fmt: skip
    for travel in person.travels.all():
        events.append(
            Event(
                _noon(travel.arrived_on), "travel", _("Arrived from %(origin)s") % {
                    "origin": travel.origin_name},
                " ".join(x for x in (travel.get_transport_display(), travel.transport_no,
                                     travel.plate) if x),
            )
        )  # fmt: skip
    for t in Traveller.objects.filter(person=person).select_related("passage__checkpoint"):
        events.append(
            Event(
                t.passage.passed_at, "checkpoint",
                _("Passed %(checkpoint)s") % {"checkpoint": t.passage.checkpoint.name},
                f"{t.temperature} °C" if t.temperature is not None else "", alarm=t.fever,
            )
        )  # fmt: skip
    for h in Handoff.objects.filter(person=person, closed_at__isnull=False):
        events.append(
            Event(h.closed_at, "checkpoint", _("Hand-off confirmed by a visit"),  # type: ignore[arg-type]
                  h.unit.name if h.unit_id else "")
        )  # fmt: skip
    for m in VisitMember.objects.filter(person=person).select_related("visit"):
        text = f"{m.temperature} °C" if m.temperature is not None else ""
        events.append(
            Event(m.visit.visited_at, "visit", _("Door-to-door visit"), text, alarm=m.fever)
        )
    for d in Declaration.objects.filter(person=person):
        events.append(Event(d.submitted_at, "visit", _("Self-declaration"), d.get_status_display()))
    observations = list(person.observations.all())
    for entry in LogEntry.objects.filter(observation__in=observations).select_related("by"):
        events.append(
            Event(
                entry.at, "observation", entry.get_kind_display(), entry.text,
                reverse("observation:detail", args=[entry.observation_id]),
                alarm=entry.kind in ("referred", "transferred"),
            )
        )  # fmt: skip
    for f in FollowUp.objects.filter(observation__in=observations, recorded_at__isnull=False):
        temp = f"{f.temperature} °C" if f.temperature is not None else ""
        events.append(
            Event(
                f.recorded_at, "followup",  # type: ignore[arg-type]
                _("Follow-up (%(how)s)") % {"how": f.get_method_display()}, temp, alarm=f.fever,
            )
        )  # fmt: skip
    events.sort(key=lambda e: e.at)
    return events
