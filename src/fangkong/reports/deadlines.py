"""When a day's report is due, by level (日报告: grids first, so that the levels above can
check and add up before their own deadline)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from fangkong.core.paths import subtree_q
from fangkong.orgunits.models import Level
from fangkong.people import risk
from fangkong.people.models import Policy

if TYPE_CHECKING:
    from fangkong.orgunits.models import OrgUnit

REPORTING_LEVELS: tuple[str, ...] = (
    Level.GRID, Level.COMMUNITY, Level.VILLAGE, Level.STREET, Level.TOWNSHIP, Level.DISTRICT,
)  # fmt: skip


def deadline_at(level: str, day: date, policy: Policy | None = None) -> datetime:
    """The aware moment by which a unit of ``level`` reports ``day``; on time if not after
    it. The time is policy (``Policy.report_by_*``), on the day after the reported day."""
    policy = policy or risk.default_policy()
    naive = datetime.combine(day + timedelta(days=1), policy.report_by(level))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def deadline(unit: OrgUnit, day: date) -> datetime:
    return deadline_at(unit.level, day, risk.policy_on(unit.path, day))


def policies_under(root: str, day: date) -> Callable[[str], Policy]:
    """``policy_on`` for every unit of a subtree on one day, from one query."""
    versions = list(
        Policy.objects.filter(Q(org_path__in=risk.prefixes(root)) | subtree_q("org_path", root))
        .filter(effective_from__lte=day)
        .order_by("-effective_from")
    )

    def lookup(path: str) -> Policy:
        found = [v for v in versions if path.startswith(v.org_path)]
        if not found:
            return risk.default_policy()
        return max(found, key=lambda v: (len(v.org_path), v.effective_from))

    return lookup


def latest_policies(root: str, day: date) -> list[Policy]:
    """Every policy that decides for some unit of ``root``'s subtree on ``day``: the one in
    force at ``root`` and the latest version of each unit below that has its own."""
    latest: dict[str, Policy] = {}
    for v in Policy.objects.filter(
        Q(org_path__in=risk.prefixes(root)) | subtree_q("org_path", root), effective_from__lte=day
    ).order_by("org_path", "-effective_from"):
        latest.setdefault(v.org_path, v)
    above = [p for path, p in latest.items() if root.startswith(path)]
    at_root = max(above, key=lambda p: len(p.org_path)) if above else risk.default_policy()
    below = [p for path, p in latest.items() if path.startswith(root) and path != root]
    return [at_root, *below]


def is_late(unit: OrgUnit, day: date, submitted_at: datetime) -> bool:
    return submitted_at > deadline(unit, day)
