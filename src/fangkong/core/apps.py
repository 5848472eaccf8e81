from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_cache_table, sender=self, dispatch_uid="core-kept-cache-table")


def _cache_table(using: str = "default", **kwargs: object) -> None:
    """The table of the counts kept for every worker (settings.CACHES["kept"])."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
