"""Scoped reads for cases: lists, the late reports, chains' labels, hospitals, events."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from fangkong.cases import chains
from fangkong.cases.models import Case, Classification, Contact, ExposureEvent, Hospital
from fangkong.core.roles import Perm
from fangkong.core.scoping import paths_q, scope_roots
from fangkong.people.models import Person
from fangkong.people.risk import prefixes

ACTIVE = [Classification.SUSPECTED, Classification.CLINICAL, Classification.CONFIRMED,
          Classification.ASYMPTOMATIC]  # fmt: skip


def case_list(*, actor: Any, classification: str = "", query: str = "") -> QuerySet[Case]:
    rows = Case.objects.visible_to(actor, Perm.VIEW_PEOPLE).select_related("person", "hospital")
    if classification in Classification.values:
        rows = rows.filter(classification=classification)
    elif classification == "active":
        rows = rows.filter(classification__in=ACTIVE)
    if query:
        rows = rows.filter(person__full_name__icontains=query) | rows.filter(number=query)
    return rows


def contact_list(*, actor: Any) -> QuerySet[Contact]:
    return Contact.objects.visible_to(actor, Perm.VIEW_PEOPLE).select_related(
        "person", "case", "source"
    )


def hospital_list(*, actor: Any) -> QuerySet[Hospital]:
    """Hospitals run in the actor's subtree, and those run by a unit above it (the
    district's designated hospital treats the communities' cases)."""
    roots = scope_roots(actor, Perm.VIEW_UNITS)
    if roots is None:
        return Hospital.objects.order_by("org_path", "name")
    if not roots:
        return Hospital.objects.none()
    above = {p for root in roots for p in prefixes(root)}
    return Hospital.objects.filter(paths_q("org_path", roots) | Q(org_path__in=above)).order_by(
        "org_path", "name"
    )


def event_list(*, actor: Any) -> QuerySet[ExposureEvent]:
    return ExposureEvent.objects.visible_to(actor, Perm.VIEW_PEOPLE)


def chain_labels(*, actor: Any, root: chains.Node) -> tuple[dict[int, str], dict[int, str]]:
    """Names of the persons in a chain that the actor may see, and case numbers by person;
    a person outside the actor's scope stays a dot in the drawing."""
    ids: list[int] = []

    def collect(node: chains.Node) -> None:
        ids.append(node.person_id)
        for child in node.children:
            collect(child)

    collect(root)
    names = dict(
        Person.objects.visible_to(actor, Perm.VIEW_PEOPLE)
        .filter(pk__in=ids)
        .values_list("pk", "full_name")
    )
    cases = dict(
        Case.objects.visible_to(actor, Perm.VIEW_PEOPLE)
        .filter(person_id__in=ids)
        .exclude(classification=Classification.EXCLUDED)
        .values_list("person_id", "number")
    )
    return names, cases
