from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "fangkong.reports"
    label = "reports"
    verbose_name = _("Daily reports")

    def ready(self) -> None:
        from fangkong.orgunits.signals import unit_moved

        unit_moved.connect(_unit_moved, dispatch_uid="reports.totals.unit_moved")


def _unit_moved(sender: Any, old_path: str, new_path: str, **kwargs: Any) -> None:
    from fangkong.reports import totals

    totals.rebuild_above([old_path, new_path])
