"""``fangkong createuser``: a user from the command line, through the same services as the UI."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fangkong.accounts import audit, services
from fangkong.accounts.models import User
from fangkong.core.roles import Role
from fangkong.orgunits.models import OrgUnit

# What the audit log shows as the actor of a change made here.
COMMAND_LINE = "(command line)"


def command_line_actor() -> User:
    """A superuser that is never saved: it passes the services' checks, and the audit
    log records no actor but :data:`COMMAND_LINE` as the name (an entry must not name
    a person who did not act)."""
    return User(username=COMMAND_LINE, full_name=COMMAND_LINE, is_superuser=True, is_active=True)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Create a user with a role at a unit (by its code), or a superuser. Without "
        "--password the password is asked twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="full name, e.g. 王建国")
        parser.add_argument(
            "--role",
            choices=[role.value for role in Role],
            help="; ".join(f"{role.value}: {role.label}" for role in Role),
        )
        parser.add_argument("--unit", help="code of the unit the role applies at")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="every unit, every permission (the installation's administrator)",
        )
        parser.add_argument("--phone", default="")
        parser.add_argument("--password", help="otherwise asked twice at the terminal")

    def handle(self, *args: Any, **options: Any) -> None:
        role, code = options["role"], options["unit"]
        if bool(role) != bool(code):
            raise CommandError("--role and --unit go together.")
        if not role and not options["superuser"]:
            raise CommandError("Give --role and --unit (or --superuser).")
        unit = None
        if code:
            unit = OrgUnit.objects.filter(code=code.strip()).first()
            if unit is None:
                raise CommandError(f"There is no unit with the code {code!r}.")
        password = options["password"]
        if password is None:
            password = self._ask_password()
        try:
            user = self._create(options, password, role, unit)
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        where = f" as {Role(role).label} at {unit.name} ({unit.code})" if unit and role else ""
        kind = "Superuser" if user.is_superuser else "User"
        self.stdout.write(self.style.SUCCESS(f"{kind} {user.username} created{where}."))

    @transaction.atomic
    def _create(
        self, options: dict[str, Any], password: str, role: str | None, unit: OrgUnit | None
    ) -> User:
        actor = command_line_actor()
        if not options["superuser"]:
            assert role is not None and unit is not None
            return services.user_create(
                actor=actor,
                username=options["username"],
                full_name=options["name"],
                password=password,
                role=role,
                unit=unit,
                phone=options["phone"],
            )
        user = User(
            username=options["username"].strip(),
            full_name=options["name"].strip(),
            phone=options["phone"].strip(),
            is_superuser=True,
        )
        user.full_clean(exclude=["password"])
        validate_password(password, user)
        user.set_password(password)
        user.save()
        audit.record(
            actor=None,
            actor_name=COMMAND_LINE,
            action=audit.Action.CREATE,
            target=user,
            changes={
                "username": [None, user.username],
                "full_name": [None, user.full_name],
                "is_superuser": [None, True],
            },
            note="command line",
        )
        if role and unit:
            services.assignment_add(actor=actor, user=user, role=role, unit=unit)
        return user

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("Give --password, or run the command at a terminal to be asked.")
        for _attempt in range(3):
            first = getpass.getpass("Password: ")
            if not first:
                self.stderr.write("The password cannot be empty.")
                continue
            if first == getpass.getpass("Password (again): "):
                return first
            self.stderr.write("The passwords do not match.")
        raise CommandError("No password was set.")
