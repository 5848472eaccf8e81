from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationConfig(AppConfig):
    name = "fangkong.observation"
    label = "observation"
    verbose_name = _("Medical observation")
