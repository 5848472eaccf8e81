"""The numbers each chart of the page draws, as JSON for ``json_script``: labels already
translated, days as ISO dates (the browser writes them in the page's language), and for
the chart of the units below, the address each bar opens (``ChildFigures.url``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fangkong.dashboard.live import CheckpointDay
from fangkong.dashboard.selectors import ChildFigures, Curve, StateRow

# The units below are drawn up to this many, the most under observation first; the table
# under the chart lists them all.
CHILD_BARS = 20


def curve(c: Curve, by: str) -> dict[str, Any]:
    counts = c.onset if by == "onset" else c.report
    return {
        "days": [d.isoformat() for d in c.days],
        "series": [{"key": code, "name": label, "data": counts[code]} for code, label in c.classes],
    }


def _kinds(rows: list[Any]) -> list[dict[str, Any]]:
    """Home and centralized, stacked."""
    return [
        {"key": "home", "name": _("At home"), "data": [r.home for r in rows]},
        {"key": "centralized", "name": _("Centralized"), "data": [r.centralized for r in rows]},
    ]


def observations(rows: list[StateRow]) -> dict[str, Any]:
    shown = [r for r in rows if r.total]
    return {"categories": [r.label for r in shown], "series": _kinds(shown)}


def checkpoints(days: list[CheckpointDay]) -> dict[str, Any]:
    return {
        "days": [d.day.isoformat() for d in days],
        "series": [
            {"key": "passages", "type": "bar", "name": _("Passages"),
             "data": [d.passages for d in days]},
            {"key": "handoffs", "type": "line", "name": _("Arrivals bound here"),
             "data": [d.handoffs for d in days]},
            {"key": "fevers", "type": "line", "name": _("Fever"),
             "data": [d.fevers for d in days]},
        ],
    }  # fmt: skip


def children(rows: list[ChildFigures]) -> dict[str, Any]:
    top = sorted(rows, key=lambda r: (-r.observed, -r.overdue, r.unit.path))[:CHILD_BARS]
    return {
        "categories": [r.unit.name for r in top],
        "urls": [r.url for r in top],
        "series": _kinds(top),
    }


def build(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "onset": curve(data["curve"], "onset"),
        "report": curve(data["curve"], "report"),
        "observations": observations(data["observations"]),
        "checkpoints": checkpoints(data["checkpoints"]),
        "children": children(data["children"]),
    }
