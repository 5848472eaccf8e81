"""Background work shared by the apps: recounting a kept count (core.kept)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from fangkong.core import kept


@task()
def recount(name: str, unit_id: int, day: str) -> bool:
    """Count ``name`` (a function marked ``kept.counter``) for the unit and day again, and
    keep it for the next viewer."""
    return kept.recount_now(name, unit_id, date.fromisoformat(day))
