from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        # Copies kept per process (core.stamps) drop when these rows change.
        from fangkong.core import stamps
        from fangkong.people.models import Policy, RiskArea

        stamps.watch(Policy, RiskArea)
