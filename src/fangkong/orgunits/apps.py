from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgUnitsConfig(AppConfig):
    name = "fangkong.orgunits"
    label = "orgunits"
    verbose_name = _("Org units")

    def ready(self) -> None:
        # Copies kept per process (core.stamps) drop when these rows change.
        from fangkong.core import stamps
        from fangkong.orgunits.models import OrgUnit

        stamps.watch(OrgUnit)
