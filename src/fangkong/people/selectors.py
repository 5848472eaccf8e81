"""Scoped reads of the registry, for pages, the API and exports."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from fangkong.core.roles import Perm
from fangkong.people.idnumbers import IdType, clean_id_number
from fangkong.people.models import Household, Person, TravelRecord
from fangkong.people.normalize import clean_text
from fangkong.people.phones import normalize_mobile
from fangkong.people.services import id_key, phone_key

_DIGITS = re.compile(r"[0-9]")


def _number_keys(text: str) -> tuple[list[str], str]:
    """The document keys and phone key a typed number could stand for."""
    keys: list[str] = []
    for id_type in IdType:
        try:
            number = clean_id_number(id_type, text)
        except ValidationError:
            continue
        key = id_key(id_type, number)
        if key:
            keys.append(key)
    try:
        phone = phone_key(normalize_mobile(text))
    except ValidationError:
        phone = ""
    return keys, phone


def person_list(
    *,
    actor: Any,
    perm: Perm = Perm.VIEW_PEOPLE,
    query: str = "",
    status: str = "",
    unit_path: str = "",
    tag: str = "",
) -> QuerySet[Person]:
    """Current persons in scope. A typed ID or phone number is matched exactly
    through its keyed hash; anything else matches names."""
    people = Person.objects.visible_to(actor, perm).current().select_related("unit")
    if unit_path:
        people = people.in_subtree(unit_path)
    if status:
        people = people.filter(risk_status=status)
    if tag:
        people = people.filter(tags__contains=f",{clean_text(tag)},")
    query = clean_text(query)
    if query:
        if len(_DIGITS.findall(query)) >= 6:
            keys, phone = _number_keys(query)
            match = Q(id_key__in=keys)
            if phone:
                match |= Q(phone_key=phone)
            people = people.filter(match)
        else:
            people = people.filter(full_name__contains=query)
    return people.order_by("org_path", "full_name", "id")


def person_get_queryset(*, actor: Any, perm: Perm = Perm.VIEW_PEOPLE) -> QuerySet[Person]:
    """Every person in scope, merged-away records included (their page points onwards)."""
    return Person.objects.visible_to(actor, perm).select_related("unit", "household", "merged_into")


def household_list(*, actor: Any, perm: Perm = Perm.VIEW_PEOPLE) -> QuerySet[Household]:
    return Household.objects.visible_to(actor, perm).select_related("unit")


def travel_list(*, actor: Any, perm: Perm = Perm.VIEW_PEOPLE) -> QuerySet[TravelRecord]:
    return TravelRecord.objects.visible_to(actor, perm).select_related("person")


def possible_duplicates(*, actor: Any, person: Person, limit: int = 10) -> list[Person]:
    """Other records in scope that may be this person: the same phone, or the same name
    with the same birth date, household or grid."""
    match = Q(full_name=person.full_name, unit_id=person.unit_id)
    if person.phone_key:
        match |= Q(phone_key=person.phone_key)
    if person.birth_date:
        match |= Q(full_name=person.full_name, birth_date=person.birth_date)
    if person.household_id:
        match |= Q(full_name=person.full_name, household_id=person.household_id)
    people = (
        Person.objects.visible_to(actor, Perm.MANAGE_PEOPLE)
        .current()
        .filter(match)
        .exclude(pk=person.pk)
        .select_related("unit")
    )
    return list(people[:limit])
