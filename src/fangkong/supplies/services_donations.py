"""Donations (社会捐赠): money or goods, received by a unit, with a numbered receipt.

Goods go into one of the unit's stores as ledger moves in the same transaction. The
donor's phone is personal data: sealed in the database, found by its blind index,
shown masked, and revealed only into the audit log.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.crypto import blind_index
from fangkong.core.roles import Perm
from fangkong.orgunits.models import OrgUnit
from fangkong.people.phones import normalize_mobile
from fangkong.supplies import ledger
from fangkong.supplies.ledger import Move, check_quantity
from fangkong.supplies.models import (
    Donation,
    DonationCounter,
    DonationKind,
    DonationLine,
    DonorKind,
    Item,
    MoveKind,
    Store,
)
from fangkong.supplies.services import moment, require

MAX_AMOUNT = Decimal("9999999999.99")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")


@dataclass(frozen=True)
class Line:
    item: Item
    quantity: int
    value: Decimal = Decimal(0)


def normalize_phone(raw: str) -> str:
    """A mainland mobile number (as ``people`` stores them), or a landline with its area
    code (a company gives its office): 0531-88000000."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return ""
    compact = re.sub(r"[\s()（）]+", "", text).replace("—", "-").replace("－", "-")
    if compact.startswith("0") and _LANDLINE.fullmatch(compact):
        return compact
    try:
        return normalize_mobile(text)
    except ValidationError as error:
        raise ValidationError(
            {"donor_phone": [*error.messages, _("A landline needs its area code: 0531-88000000.")]}
        ) from None


def phone_key(phone: str) -> str:
    # The same keyed hash as a person's phone (people.services.phone_key): one number, one key.
    return blind_index(f"tel:{phone}") if phone else ""


def money(value: object, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give an amount in yuan, such as 1000.00.")}) from None
    if amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError({field: _("Give an amount in yuan, such as 1000.00.")})
    return amount


def issuing_unit(unit: OrgUnit) -> OrgUnit:
    # A grid or building does not issue receipts: its community or village does.
    from fangkong.observation.notice import issuing_unit as issuer

    return issuer(unit)


def _number(unit: OrgUnit, year: int) -> str:
    """The issuing unit's code, "JZ" (捐赠) and the year's next number: 370102001-JZ2020-0001."""
    issuer = issuing_unit(unit)
    counter, _created = DonationCounter.objects.select_for_update().get_or_create(
        unit=issuer, year=year
    )
    DonationCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{issuer.code}-JZ{year}-{counter.last:04d}"


def _check_donor(donor_kind: str, donor_name: str) -> str:
    if donor_kind not in DonorKind.values:
        raise ValidationError({"donor_kind": _("Say whether the donor is a person or a company.")})
    name = " ".join(donor_name.split())
    if not name:
        raise ValidationError({"donor_name": _("Give the donor's name.")})
    return name[:100]


@transaction.atomic
def donation_receive(
    *,
    actor: User,
    kind: str,
    donor_kind: str,
    donor_name: str,
    donor_phone: str = "",
    unit: OrgUnit | None = None,
    store: Store | None = None,
    amount: Decimal | None = None,
    lines: list[Line] | None = None,
    received_on: date | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Donation:
    """Money received by ``unit``, or goods received into ``store`` (each line a move, at
    ``at``: now unless the goods are booked afterwards)."""
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": _("This day has not come yet.")})
    name = _check_donor(donor_kind, donor_name)
    phone = normalize_phone(donor_phone)
    if kind == DonationKind.CASH:
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit that received the money.")})
        require(actor, Perm.MANAGE_SUPPLIES, unit.path)
        amount = money(amount, "amount") if amount is not None else Decimal(0)
        if amount <= 0:
            raise ValidationError({"amount": _("Give an amount in yuan, such as 1000.00.")})
        store, lines = None, []
    elif kind == DonationKind.GOODS:
        if store is None:
            raise ValidationError({"store": _("Choose the store that received the goods.")})
        require(actor, Perm.MANAGE_SUPPLIES, store.org_path)
        if not store.active:
            raise ValidationError({"store": _("Store %(store)s is not in use.") % {"store": store}})
        unit, amount = store.unit, None
        lines = [Line(ln.item, check_quantity(ln.quantity), money(ln.value, "lines"))
                 for ln in lines or []]  # fmt: skip
        if not lines:
            raise ValidationError({"lines": _("List at least one item received.")})
        if len({ln.item.pk for ln in lines}) != len(lines):
            raise ValidationError({"lines": _("List each item once.")})
    else:
        raise ValidationError({"kind": _("Choose money or goods.")})
    donation = Donation(
        unit=unit, org_path=unit.path, store=store, kind=kind, donor_kind=donor_kind,
        donor_name=name, donor_phone=phone, donor_phone_key=phone_key(phone), amount=amount,
        received_on=received_on, note=note.strip()[:200], created_by=actor,
        number=_number(unit, received_on.year),
    )  # fmt: skip
    donation.full_clean()
    donation.save()
    DonationLine.objects.bulk_create(
        [DonationLine(donation=donation, item=ln.item, quantity=ln.quantity, value=ln.value)
         for ln in lines]
    )  # fmt: skip
    if lines:
        assert store is not None
        ledger.post(
            [Move(store, ln.item, MoveKind.DONATION, ln.quantity, donation=donation,
                  note=donation.number) for ln in lines],
            actor=actor, at=moment(at),
        )  # fmt: skip
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=donation,
        changes={"number": donation.number, "kind": kind, "amount": str(amount or ""),
                 "lines": [[ln.item.name, ln.quantity] for ln in lines]},
    )  # fmt: skip
    return donation


def donation_reveal_phone(*, actor: User, donation: Donation) -> str:
    """The donor's phone in full, for those who run the unit's supplies; audited."""
    require(actor, Perm.MANAGE_SUPPLIES, donation.org_path)
    audit.record(
        actor=actor, action=audit.Action.REVEAL, target=donation, changes={"field": "donor_phone"}
    )
    return donation.donor_phone


def chinese_amount(amount: Decimal) -> str:
    """The amount in capital numerals, as receipts write it (支付结算办法): 1050.5 yuan is
    壹仟零伍拾元伍角整; "整" after 元 or 角, never after 分."""
    amount = amount.quantize(Decimal("0.01"))
    if amount < 0:
        raise ValueError("a negative amount")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    out = _chinese_integer(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    return out + (DIGITS[fen] + "分" if fen else "整")


DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def _group(number: int) -> str:
    """0 < number < 10000, zeros inside written once, zeros at the end not at all."""
    text, zero = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if not digit:
            zero = True
            continue
        if zero and text:
            text += "零"
        text += DIGITS[digit] + PLACES[place]
        zero = False
    return text


def _chinese_integer(number: int) -> str:
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    out, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            gap = True
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _group(group) + GROUPS[index]
        gap = False
    return out
