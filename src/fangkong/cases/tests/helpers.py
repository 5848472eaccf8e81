"""Cases and contacts for the tests, built through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from fangkong.cases import services
from fangkong.cases.models import Case, Contact
from fangkong.core.testing import World
from fangkong.observation.tests.helpers import person
from fangkong.people.testing import unique_resident_id


def days_ago(n: int) -> Any:
    return timezone.localdate() - timedelta(days=n)


def case(world: World, who: Any = None, *, classification: str = "confirmed",
         onset_days_ago: int | None = 4, actor: Any = None, **values: Any) -> Case:  # fmt: skip
    diagnosed: datetime = values.pop("diagnosed_at", timezone.now() - timedelta(hours=1))
    return services.case_report(
        actor=actor or world.a.epidemiologist, person=who or person(world, "病例甲"),
        classification=classification, diagnosed_at=diagnosed,
        reporting_institution=values.pop("reporting_institution", "区人民医院"),
        onset_date=values.pop("onset_date", None)
        or (days_ago(onset_days_ago) if onset_days_ago is not None else None),
        **values,
    )  # fmt: skip


def contact(
    world: World, of: Case, name: str = "接触者", *, days: int = 1, **values: Any
) -> Contact:
    who = values.pop("who", None) or services.PersonIn(
        full_name=name, id_number=unique_resident_id(), unit=values.pop("unit", None)
    )
    return services.contact_add(
        actor=values.pop("actor", world.a.epidemiologist), case=of, who=who,
        setting=values.pop("setting", "household"), last_contact=days_ago(days), **values,
    )  # fmt: skip
