"""Two records that are one person become one, and neither history is lost.

The folded record stays in the table, marked ``merged_into``; everything that
pointed at it (journeys, visits, declarations, and what later modules add) is
moved to the kept record. A row that cannot move because the kept record
already has its twin (both were listed at one visit) stays on the folded
record, where the kept record's page still finds it through ``merged_from``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.people import tallies
from fangkong.people.models import Person, PersonMerge
from fangkong.people.services import id_key, join_tags, person_assess, require, split_tags

# Filled on the kept record when it lacks them and the folded one has them.
FILLABLE = ("id_number", "birth_date", "phone", "household", "relation", "address", "note")


def _references() -> list[tuple[type[models.Model], str]]:
    """Every foreign key to Person, except the merge bookkeeping itself."""
    found: list[tuple[type[models.Model], str]] = []
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type) or model in (Person, PersonMerge):
            continue
        if isinstance(relation.field, models.ForeignKey):
            found.append((model, relation.field.name))
    return found


def _move_references(merged: Person, kept: Person) -> dict[str, int]:
    moved: dict[str, int] = {}
    for model, field in _references():
        rows = model._default_manager.filter(**{field: merged})
        count = 0
        try:
            with transaction.atomic():
                count = rows.update(**{field: kept})
        except IntegrityError:
            for row in rows:
                try:
                    with transaction.atomic():
                        model._default_manager.filter(pk=row.pk).update(**{field: kept})
                        count += 1
                except IntegrityError:
                    continue
        if count:
            moved[model._meta.label_lower] = count
    return moved


def _before(person: Person) -> dict[str, Any]:
    return {
        "full_name": person.full_name,
        "id_type": person.id_type,
        "id_number": person.masked_id_number,
        "birth_date": str(person.birth_date or ""),
        "sex": person.sex,
        "phone": person.masked_phone,
        "unit": person.unit.name,
        "address": person.address,
        "tags": person.tag_list,
        "source": person.source,
    }


@transaction.atomic
def person_merge(*, actor: User, kept: Person, merged: Person) -> Person:
    """Fold ``merged`` into ``kept``."""
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    }
    if kept.pk == merged.pk or len(locked) != 2:
        raise ValidationError(_("Choose two different records."))
    kept, merged = locked[kept.pk], locked[merged.pk]
    require(actor, Perm.MANAGE_PEOPLE, kept.org_path)
    require(actor, Perm.MANAGE_PEOPLE, merged.org_path)
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    if (
        kept.id_number
        and merged.id_number
        and ((kept.id_type, kept.id_number) != (merged.id_type, merged.id_number))
    ):
        raise ValidationError(
            _("The two records carry different ID numbers; they are not the same person.")
        )
    before = _before(merged)
    # The folded record gives up its document key first: the key is unique.
    merged.id_key = None
    merged.merged_into = kept
    merged.updated_at = timezone.now()
    merged.save(update_fields=["id_key", "merged_into", "updated_at"])
    tallies.count(persons=[(merged.unit_id, -1)])
    filled = []
    for name in FILLABLE:
        attname = Person._meta.get_field(name).attname  # type: ignore[union-attr]
        if not getattr(kept, attname) and getattr(merged, attname):
            setattr(kept, attname, getattr(merged, attname))
            filled.append(name)
    if "id_number" in filled:
        kept.id_type = merged.id_type
        kept.birth_date = kept.birth_date or merged.birth_date
        kept.sex = merged.sex if kept.sex == "U" else kept.sex
    kept.tags = join_tags(split_tags([*kept.tag_list, *merged.tag_list]))
    kept.id_key = id_key(kept.id_type, kept.id_number)
    if "phone" in filled:
        kept.phone_key = merged.phone_key
    kept.updated_at = timezone.now()
    kept.save()
    moved = _move_references(merged, kept)
    PersonMerge.objects.create(
        kept=kept, merged=merged, before=before, org_path=kept.org_path, by=actor
    )
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        target=kept,
        changes={"merged": [merged.pk, kept.pk], "filled": filled, "moved": moved},
        note=_("Merged a duplicate record into this one."),
    )
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        target=merged,
        changes={"merged_into": [None, kept.pk]},
        note=_("Merged into another record."),
    )
    person_assess(kept)
    return kept
