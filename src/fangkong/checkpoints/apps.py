from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "fangkong.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoints")

    def ready(self) -> None:
        # Copies kept per process (core.stamps) drop when these rows change.
        from fangkong.checkpoints.models import Checkpoint
        from fangkong.core import stamps

        stamps.watch(Checkpoint)
