"""What the notices tests share."""

from __future__ import annotations

from django.db import connection

from fangkong.accounts.models import User


def give_phone(user: User, phone: str) -> User:
    user.phone = phone
    user.save(update_fields=["phone"])
    return user


def stored_numbers() -> list[str]:
    """The outbox's number column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('to')} FROM notices_smsmessage")
        return [row[0] for row in cursor.fetchall()]
