"""Scoped reads for checkpoints: lists, hourly counts, hand-off figures, alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from fangkong.checkpoints.models import (
    CLOSED_STATES,
    Alert,
    Checkpoint,
    Handoff,
    HandoffState,
    Passage,
    Referral,
    Traveller,
)
from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm
from fangkong.core.scoping import scope_roots
from fangkong.orgunits.models import OrgUnit


def checkpoint_list(*, actor: Any) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.visible_to(actor, Perm.VIEW_PASSAGES).select_related("unit", "lead")


def checkpoints_for_recording(*, actor: Any) -> QuerySet[Checkpoint]:
    return (
        Checkpoint.objects.visible_to(actor, Perm.RECORD_PASSAGES)
        .filter(active=True)
        .select_related("unit")
    )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


@dataclass
class Hour:
    hour: int
    passages: int = 0
    travellers: int = 0
    fevers: int = 0


def hourly(checkpoint: Checkpoint, day: date) -> list[Hour]:
    """Passages, travellers and fevers per hour of ``day`` at ``checkpoint``."""
    start, end = day_bounds(day)
    hours = [Hour(h) for h in range(24)]
    passages = Passage.objects.filter(
        checkpoint=checkpoint, passed_at__gte=start, passed_at__lt=end
    )
    for (passed_at,) in passages.values_list("passed_at"):
        hours[timezone.localtime(passed_at).hour].passages += 1
    travellers = Traveller.objects.filter(passage__in=passages).values_list(
        "passage__passed_at", "fever"
    )
    for passed_at, fever in travellers:
        hour = hours[timezone.localtime(passed_at).hour]
        hour.travellers += 1
        hour.fevers += fever
    return hours


@dataclass
class CheckpointDay:
    checkpoint: Checkpoint
    passages: int
    travellers: int
    fevers: int
    referrals_open: int
    handoffs: int
    handoffs_closed: int
    handoffs_overdue: int


def checkpoint_days(checkpoints: list[Checkpoint], day: date) -> list[CheckpointDay]:
    """Each checkpoint's figures for ``day``: a few grouped queries for all of them."""
    start, end = day_bounds(day)
    ids = [c.pk for c in checkpoints]
    passages = dict(
        Passage.objects.filter(checkpoint_id__in=ids, passed_at__gte=start, passed_at__lt=end)
        .values("checkpoint_id").annotate(n=Count("id")).values_list("checkpoint_id", "n")
    )  # fmt: skip
    people = {
        row["passage__checkpoint_id"]: row
        for row in Traveller.objects.filter(
            passage__checkpoint_id__in=ids, passage__passed_at__gte=start,
            passage__passed_at__lt=end,
        ).values("passage__checkpoint_id").annotate(
            n=Count("id"), fevers=Count("id", filter=Q(fever=True)),
            open=Count("id", filter=Q(referral=Referral.OPEN)),
        )
    }  # fmt: skip
    now = timezone.now()
    handoffs = {
        row["checkpoint_id"]: row
        for row in Handoff.objects.filter(
            checkpoint_id__in=ids, arrived_at__gte=start, arrived_at__lt=end
        ).values("checkpoint_id").annotate(
            n=Count("id"), closed=Count("id", filter=Q(state__in=list(CLOSED_STATES))),
            overdue=Count("id", filter=Q(state=HandoffState.OPEN, due_at__lt=now)),
        )
    }  # fmt: skip
    out = []
    for checkpoint in checkpoints:
        t = people.get(checkpoint.pk, {})
        h = handoffs.get(checkpoint.pk, {})
        out.append(
            CheckpointDay(
                checkpoint, passages.get(checkpoint.pk, 0), t.get("n", 0), t.get("fevers", 0),
                t.get("open", 0), h.get("n", 0), h.get("closed", 0), h.get("overdue", 0),
            )
        )  # fmt: skip
    return out


def handoff_list(*, actor: Any, state: str = "open", query: str = "") -> QuerySet[Handoff]:
    """Hand-offs in the actor's area, the overdue first (their due time passed longest ago)."""
    handoffs = Handoff.objects.visible_to(actor, Perm.RECORD_VISITS)
    if state == "overdue":
        handoffs = handoffs.filter(state=HandoffState.OPEN, due_at__lt=timezone.now())
    elif state in HandoffState.values:
        handoffs = handoffs.filter(state=state)
    if query:
        handoffs = handoffs.filter(full_name__contains=query.strip())
    order = ("due_at", "id") if state in ("open", "overdue") else ("-closed_at", "-id")
    return handoffs.select_related("unit", "checkpoint").order_by(*order)


@dataclass
class HandoffRow:
    unit: OrgUnit
    issued: int
    closed: int
    open: int
    overdue: int


def handoff_figures(unit: OrgUnit, since: datetime) -> tuple[HandoffRow, list[HandoffRow]]:
    """Hand-offs arrived since ``since`` under ``unit``, per child unit, the most overdue first."""
    width = len(unit.path) + 4
    now = timezone.now()
    rows = (
        Handoff.objects.filter(subtree_q("org_path", unit.path), arrived_at__gte=since)
        .annotate(child=Substr("org_path", 1, width))
        .values("child")
        .annotate(
            issued=Count("id"),
            closed=Count("id", filter=Q(state__in=list(CLOSED_STATES))),
            overdue=Count("id", filter=Q(state=HandoffState.OPEN, due_at__lt=now)),
        )
    )
    by_child = {r["child"]: r for r in rows}

    def row(target: OrgUnit, keys: list[str]) -> HandoffRow:
        issued = sum(by_child[k]["issued"] for k in keys if k in by_child)
        closed = sum(by_child[k]["closed"] for k in keys if k in by_child)
        overdue = sum(by_child[k]["overdue"] for k in keys if k in by_child)
        return HandoffRow(target, issued, closed, issued - closed, overdue)

    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    out = [row(child, [child.path]) for child in children]
    out.sort(key=lambda r: (-r.overdue, -r.open, r.unit.path))
    return row(unit, list(by_child)), out


def outside_list(*, actor: Any) -> QuerySet[Passage]:
    """Inbound passages bound outside the district, those not yet notified first."""
    return (
        Passage.objects.visible_to(actor, Perm.MANAGE_CHECKPOINTS)
        .filter(destination__isnull=True, direction="in")
        .select_related("checkpoint")
        .prefetch_related("travellers")
        .order_by("-notified_at", "-passed_at")
    )


def referrals_open(*, actor: Any) -> QuerySet[Traveller]:
    return (
        Traveller.objects.visible_to(actor, Perm.RECORD_REFERRALS)
        .filter(referral=Referral.OPEN)
        .select_related("passage__checkpoint", "passage__destination")
        .order_by("passage__passed_at")
    )


def alerts_for(*, actor: Any) -> QuerySet[Alert]:
    """Alerts to the units where the actor works at a checkpoint or on the doorsteps."""
    alerts = Alert.objects.visible_to(actor, Perm.RECEIVE_ALERTS)
    return alerts.select_related("unit", "traveller__passage__checkpoint")


def destinations(*, actor: Any) -> QuerySet[OrgUnit]:
    """Where an arrival may be sent: the communities, villages, grids and buildings of the
    districts where the actor registers passages (names only: no personal data)."""
    from fangkong.checkpoints.registration import DESTINATION_LEVELS

    roots = scope_roots(actor, Perm.RECORD_PASSAGES)
    units = OrgUnit.objects.filter(level__in=list(DESTINATION_LEVELS))
    if roots is None:
        return units
    districts = {root[:4] for root in roots}
    match = Q(pk__in=[])
    for district in districts:
        match |= subtree_q("path", district)
    return units.filter(match)
