"""The retention purge: personal data older than a date is anonymised, the figures stay.

What is purged is the identity, not the record: a traveller registered at a checkpoint
keeps the passage, temperature, fever flag, referral and hand-off it belongs to, so every
count, daily report, roll-up and bulletin reads the same before and after; the name
becomes ``ANONYMISED`` and the numbers, phone, address and the blind indexes that could
find the person again are emptied. Records that are still open (a hand-off awaiting its
visit, a tip being worked, an SMS not yet sent) are kept whatever their age.

A person in the registry is anonymised when nothing about them is recent: not changed
since the date, no observation open or ended after it, no case reported after it, no
contact traced after it, no risk status still running. The birth date is kept as its
year (age groups in the figures), the sex and the unit of residence are kept.

Each rule runs in batches, each batch its own transaction, and selects only rows not yet
anonymised, so a stopped run resumes and a second run changes nothing. The audit log is
not touched: it records who saw what and must outlive the data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

ANONYMISED = "（已匿名）"
BATCH = 1000


@dataclass(frozen=True)
class Rule:
    model: str  # "app_label.Model"
    older: str  # the field (or lookup path) that must be before the cutoff
    blank: dict[str, Any]  # field -> the value it gets
    done: Q  # rows already anonymised (skipped)
    keep: Callable[[], Q] = lambda: Q()  # rows kept whatever their age (open work)
    what: str = ""


def _rules() -> list[Rule]:
    from fangkong.cases.models import LetterState
    from fangkong.checkpoints.models import HandoffState
    from fangkong.notices.models import SmsState
    from fangkong.tips.models import OPEN_STATES as TIP_OPEN

    return [
        Rule(
            "checkpoints.Traveller", "passage__passed_at",
            {"full_name": ANONYMISED, "id_number": "", "id_key": None, "phone": "",
             "phone_key": "", "referral_note": ""},
            Q(full_name=ANONYMISED), what="travellers registered at checkpoints",
        ),
        Rule(
            "checkpoints.Handoff", "arrived_at",
            {"full_name": ANONYMISED, "address": "", "key": ""},
            Q(full_name=ANONYMISED), lambda: Q(state=HandoffState.OPEN),
            what="arrival hand-offs",
        ),
        Rule(
            "cases.AssistanceLetter", "created_at",
            {"id_number": "", "phone": ""},
            Q(id_number="", phone=""),
            lambda: Q(state__in=[LetterState.DRAFTED, LetterState.SENT]),
            what="assistance letters (the numbers of whom they ask for)",
        ),
        Rule(
            "screening.Declaration", "submitted_at", {"payload": "", "id_key": ""},
            Q(payload=""), what="self-declarations",
        ),
        Rule(
            "tips.Tip", "received_at", {"contact_name": "", "contact_phone": ""},
            Q(contact_name="", contact_phone=""), lambda: Q(state__in=TIP_OPEN),
            what="tip contacts",
        ),
        Rule(
            "notices.SmsMessage", "created_at", {"to": ""}, Q(to=""),
            lambda: Q(state=SmsState.QUEUED), what="text message numbers",
        ),
        Rule(
            "supplies.Donation", "received_on", {"donor_phone": ""}, Q(donor_phone=""),
            what="donors' phone numbers",
        ),
    ]  # fmt: skip


@dataclass
class Purge:
    cutoff: date
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _before(model: type[models.Model], path: str, cutoff: date) -> Q:
    """``path < cutoff``, as a date or as the start of that day here."""
    target: Any = model
    for part in path.split("__"):
        found = target._meta.get_field(part)
        target = found.related_model or found
    if isinstance(target, models.DateTimeField):
        start = timezone.make_aware(datetime.combine(cutoff, time.min))
        return Q(**{f"{path}__lt": start})
    return Q(**{f"{path}__lt": cutoff})


def _run(rows: models.QuerySet[Any], blank: dict[str, Any], *, dry_run: bool) -> int:
    if dry_run:
        return rows.count()
    done = 0
    while True:
        with transaction.atomic():
            ids = list(rows.select_for_update().order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                return done
            # An update, not a save: encrypted fields take "" as it is, nothing is re-sealed.
            rows.model._base_manager.filter(pk__in=ids).update(**blank)
        done += len(ids)


def persons_to_purge(cutoff: date) -> models.QuerySet[Any]:
    """Registry persons with nothing recent (see the module's docstring)."""
    Person = apps.get_model("people", "Person")
    Observation = apps.get_model("observation", "Observation")
    Case = apps.get_model("cases", "Case")
    Contact = apps.get_model("cases", "Contact")
    from fangkong.observation.models import OPEN_STATES as OBSERVING

    start = timezone.make_aware(datetime.combine(cutoff, time.min))
    me = OuterRef("pk")
    recent = (
        Exists(Observation.objects.filter(Q(person=me), Q(state__in=OBSERVING)
                                          | Q(ended_at__gte=start)))
        | Exists(Case.objects.filter(person=me, reported_at__gte=start))
        | Exists(Contact.objects.filter(person=me, last_contact__gte=cutoff))
    )  # fmt: skip
    return (
        Person._base_manager.filter(updated_at__lt=start)
        .exclude(full_name=ANONYMISED)
        .exclude(risk_until__gte=cutoff)
        .exclude(recent)
    )


PERSON_BLANK = {"full_name": ANONYMISED, "id_number": "", "id_key": None, "phone": "",
                "phone_key": "", "address": "", "note": "", "tags": "", "relation": ""}  # fmt: skip


def _purge_persons(cutoff: date, *, dry_run: bool) -> int:
    rows = persons_to_purge(cutoff)
    if dry_run:
        return rows.count()
    Person = rows.model
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                rows.select_for_update().order_by("pk").values_list("pk", "birth_date")[:BATCH]
            )
            if not batch:
                return done
            years: dict[date | None, list[int]] = {}
            for pk, born in batch:
                years.setdefault(born.replace(month=1, day=1) if born else None, []).append(pk)
            for year, ids in years.items():
                Person._base_manager.filter(pk__in=ids).update(birth_date=year, **PERSON_BLANK)
        done += len(batch)


def purge(cutoff: date, *, dry_run: bool = False) -> Purge:
    result = Purge(cutoff)
    for rule in _rules():
        model = apps.get_model(rule.model)
        rows = (
            model._base_manager.filter(_before(model, rule.older, cutoff))
            .exclude(rule.done)
            .exclude(rule.keep())
        )
        result.counts[rule.model] = _run(rows, rule.blank, dry_run=dry_run)
    result.counts["people.Person"] = _purge_persons(cutoff, dry_run=dry_run)
    return result
