"""A campaign's figures per unit, kept current by every recorded visit.

Coverage at district level summed households and persons over the whole district on
every view (0.9–2.2 s at 350,000 households); these rows hold, per campaign and unit:
households settled by a visit, and persons found arrived from elsewhere or with a
fever, each person counted once per campaign, under the unit where first found.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Substr

from fangkong.core import tallies
from fangkong.core.paths import subtree_q
from fangkong.screening.models import COVERED_RESULTS, CampaignTally, Visit, VisitMember

COLUMNS = ("covered", "arrivals", "fevers")


def count(campaign_id: int, unit_id: int, *, covered: int = 0, arrivals: int = 0,
          fevers: int = 0) -> None:  # fmt: skip
    tallies.add(
        CampaignTally, ("campaign_id", "unit_id"),
        {(campaign_id, unit_id): (covered, arrivals, fevers)}, COLUMNS,
    )  # fmt: skip


def counted(
    campaign_ids: list[int] | None = None,
    *,
    visits: Any = Visit,
    members: Any = VisitMember,
) -> dict[tuple[int, int], tuple[int, int, int]]:
    """What the visits hold: (campaign id, unit id) -> (covered, arrivals, fevers).
    ``visits`` and ``members`` may be a migration's historical models."""
    found: dict[tuple[int, int], list[int]] = {}
    settled = visits.objects.filter(result__in=list(COVERED_RESULTS))
    finds = members.objects.filter(visit__isnull=False)
    if campaign_ids is not None:
        settled = settled.filter(campaign_id__in=campaign_ids)
        finds = finds.filter(campaign_id__in=campaign_ids)
    first: set[tuple[int, int]] = set()
    for campaign_id, household_id, unit_id in settled.order_by("id").values_list(
        "campaign_id", "household_id", "household__unit_id"
    ):
        if (campaign_id, household_id) not in first:
            first.add((campaign_id, household_id))
            found.setdefault((campaign_id, unit_id), [0, 0, 0])[0] += 1
    for flag, column in (("travel_found", 1), ("fever", 2)):
        seen: set[tuple[int, int]] = set()
        rows = finds.filter(**{flag: True}).order_by("visit_id", "id")
        for campaign_id, person_id, unit_id in rows.values_list(
            "campaign_id", "person_id", "visit__household__unit_id"
        ):
            if (campaign_id, person_id) not in seen:
                seen.add((campaign_id, person_id))
                found.setdefault((campaign_id, unit_id), [0, 0, 0])[column] += 1
    return {key: (c, a, f) for key, (c, a, f) in found.items()}


def kept(campaign_id: int) -> dict[tuple[int, int], tuple[int, int, int]]:
    rows = CampaignTally.objects.filter(campaign_id=campaign_id)
    return {
        (campaign_id, unit_id): (c, a, f)
        for unit_id, c, a, f in rows.values_list("unit_id", *COLUMNS)
        if c or a or f
    }


@transaction.atomic
def recount(campaign_ids: list[int] | None = None) -> int:
    """Rebuild the figures of the given campaigns (all without); returns the rows kept."""
    found = counted(campaign_ids)
    stale = CampaignTally.objects.all()
    if campaign_ids is not None:
        stale = stale.filter(campaign_id__in=campaign_ids)
    stale.delete()
    tallies.replace(
        CampaignTally, ("campaign_id", "unit_id"),
        [(*key, *values) for key, values in found.items()], COLUMNS,
    )  # fmt: skip
    return len(found)


def by_child(campaign_id: int, path: str) -> dict[str, tuple[int, int, int]]:
    """Child path (or ``path`` itself) -> (covered, arrivals, fevers) under ``path``."""
    width = len(path) + 4
    rows = (
        CampaignTally.objects.filter(subtree_q("unit__path", path), campaign_id=campaign_id)
        .annotate(child=Substr("unit__path", 1, width))
        .values("child")
        .annotate(c=Sum("covered"), a=Sum("arrivals"), f=Sum("fevers"))
        .values_list("child", "c", "a", "f")
    )
    return {child: (c or 0, a or 0, f or 0) for child, c, a, f in rows}
