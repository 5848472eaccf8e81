"""``fangkong apitoken``: make, list and revoke the API keys of devices."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.accounts.models import ApiToken, User
from fangkong.accounts.tokens import token_create, token_revoke


class Command(BaseCommand):
    help = "Make an API key for a user's device (shown once), list keys, or revoke one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="user name the device uploads as")
        parser.add_argument("--name", default="", help="what the device is, e.g. 卡口1号手持机")
        parser.add_argument("--list", action="store_true")
        parser.add_argument("--revoke", type=int, metavar="ID")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for token in ApiToken.objects.select_related("user").order_by("id"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(f"{token.pk}\t{token.user.username}\t{token.name}\t{state}")
            return
        if options["revoke"]:
            found = ApiToken.objects.filter(pk=options["revoke"]).first()
            if found is None:
                raise CommandError(f"no API key {options['revoke']}")
            token_revoke(found)
            self.stdout.write(f"revoked {found.pk}")
            return
        if not options["user"] or not options["name"]:
            raise CommandError("give --user and --name to make a key")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']}")
        token, key = token_create(user=user, name=options["name"])
        self.stdout.write(key)
