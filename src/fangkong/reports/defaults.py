"""The default data set: the indicators a new installation starts with (editable afterwards)."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from fangkong.orgunits.models import Level


class Default(NamedTuple):
    code: str
    level: str
    source: str  # blank: typed


# Computed from the line lists of the unit's subtree (reports.prefill), then typed figures.
DEFAULTS: list[Default] = [
    Default("arrivals", Level.GRID, "arrivals"),
    Default("home_observation", Level.GRID, "home_observation"),
    Default("centralized_observation", Level.GRID, "centralized_observation"),
    Default("observations_started", Level.GRID, "observations_started"),
    Default("observations_released", Level.GRID, "observations_released"),
    Default("fever_referrals", Level.GRID, "fever_referrals"),
    Default("suspected", Level.GRID, "suspected"),
    Default("confirmed", Level.GRID, "confirmed"),
    Default("asymptomatic", Level.GRID, "asymptomatic"),
    Default("contacts_traced", Level.GRID, "contacts_traced"),
    Default("letters_sent", Level.GRID, "letters_sent"),
    Default("overdue_handoffs", Level.GRID, "overdue_handoffs"),
    Default("masks_distributed", Level.GRID, ""),
    Default("volunteers_on_duty", Level.GRID, ""),
    Default("places_disinfected", Level.GRID, ""),
]

LABELS: dict[str, object] = {
    "arrivals": _("New arrivals registered"),
    "home_observation": _("In home observation"),
    "centralized_observation": _("In centralized observation"),
    "observations_started": _("New observations"),
    "observations_released": _("Released from observation"),
    "fever_referrals": _("Sent to a fever clinic"),
    "suspected": _("Suspected cases"),
    "confirmed": _("Confirmed cases"),
    "asymptomatic": _("Asymptomatic infections"),
    "contacts_traced": _("Close contacts traced"),
    "letters_sent": _("Assistance letters sent"),
    "overdue_handoffs": _("Overdue arrival hand-offs"),
    "masks_distributed": _("Masks distributed"),
    "volunteers_on_duty": _("Volunteers on duty"),
    "places_disinfected": _("Public places disinfected"),
}


def seed(indicator_model: type) -> int:
    """Create the default indicators that are missing; returns how many were created.

    Takes the model so that the data migration can pass its historical one.
    """
    existing = set(indicator_model.objects.values_list("code", flat=True))  # type: ignore[attr-defined]
    missing = [
        indicator_model(
            code=d.code, level=d.level, computed=bool(d.source), source=d.source, order=n * 10
        )
        for n, d in enumerate(DEFAULTS, start=1)
        if d.code not in existing
    ]
    indicator_model.objects.bulk_create(missing)  # type: ignore[attr-defined]
    return len(missing)


def ensure_defaults() -> int:
    from fangkong.reports.models import Indicator

    return seed(Indicator)
