from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fangkong.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Copies kept per process (core.stamps) drop when these rows change.
        from fangkong.accounts.models import ApiToken, Assignment, User
        from fangkong.core import stamps

        stamps.watch(User, Assignment, ApiToken)
