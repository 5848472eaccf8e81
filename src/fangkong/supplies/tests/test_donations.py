"""Donations: money or goods (which go into the store as ledger moves), numbered receipts per
issuing unit and year, the donor's phone sealed and masked, and the receipt as a PDF."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.supplies import services_donations as donations
from fangkong.supplies.models import Donation, StockMove
from fangkong.supplies.receipt import receipt_pdf
from fangkong.supplies.services_donations import Line, chinese_amount
from fangkong.supplies.tests.helpers import balance, item, store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _goods(world: World, at=None, **values):  # type: ignore[no-untyped-def]
    values.setdefault("lines", [Line(item(world), 2000, Decimal("5000")),
                                Line(item(world, "防护服", "套", "suit"), 50)])  # fmt: skip
    values.setdefault("donor_name", "齐鲁制药有限公司")
    values.setdefault("donor_kind", "company")
    return donations.donation_receive(
        actor=world.a.logistics, kind="goods", store=at or store(world), **values
    )


def test_donated_goods_go_into_the_store_as_moves_that_name_the_donation(world: World):
    at = store(world)
    gift = _goods(world, at)
    assert gift.number == f"{world.a.street.code}-JZ{date.today().year}-0001"
    assert (gift.unit, gift.org_path, gift.amount) == (world.a.street, world.a.street.path, None)
    assert balance(at, item(world)) == 2000
    moves = StockMove.objects.filter(donation=gift)
    assert sorted(moves.values_list("kind", "quantity")) == [("donation", 50), ("donation", 2000)]
    assert gift.value == Decimal("5000.00")


def test_money_is_received_by_a_unit_and_moves_no_stock(world: World):
    gift = donations.donation_receive(
        actor=world.a.logistics, kind="cash", donor_kind="person", donor_name="张三",
        unit=world.a.community, amount=Decimal("1050.5"),
    )  # fmt: skip
    assert (gift.amount, gift.store, gift.value) == (Decimal("1050.50"), None, Decimal("1050.50"))
    assert not StockMove.objects.exists()
    with pytest.raises(ValidationError):
        donations.donation_receive(
            actor=world.a.logistics, kind="cash", donor_kind="person", donor_name="张三",
            unit=world.a.community, amount=Decimal("0"),
        )  # fmt: skip


def test_receipts_are_numbered_per_issuing_unit_and_year(world: World):
    street, community = store(world), store(world, unit=world.a.community, name="社区物资点")
    year = date.today().year
    numbers = [_goods(world, street).number, _goods(world, street).number,
               _goods(world, community).number]  # fmt: skip
    cash = donations.donation_receive(
        actor=world.a.logistics, kind="cash", donor_kind="person", donor_name="李四",
        unit=world.a.grid, amount=Decimal(100),
    )  # fmt: skip
    last_year = donations.donation_receive(
        actor=world.a.logistics, kind="cash", donor_kind="person", donor_name="王五",
        unit=world.a.street, amount=Decimal(100), received_on=date(year - 1, 12, 31),
    )  # fmt: skip
    s, c = world.a.street.code, world.a.community.code
    assert numbers == [f"{s}-JZ{year}-0001", f"{s}-JZ{year}-0002", f"{c}-JZ{year}-0001"]
    # A grid does not issue receipts: its community does, in the community's series.
    assert cash.number == f"{c}-JZ{year}-0002"
    assert last_year.number == f"{s}-JZ{year - 1}-0001"


def test_the_donor_s_phone_is_sealed_found_by_its_key_and_shown_masked(world: World):
    gift = _goods(world, donor_phone="138 0000 1234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT donor_phone FROM supplies_donation WHERE id = %s", [gift.pk])
        stored = cursor.fetchone()[0]
    assert "13800001234" not in stored
    gift.refresh_from_db()
    assert (gift.donor_phone, gift.masked_phone) == ("13800001234", "138****1234")
    assert Donation.objects.filter(donor_phone_key=donations.phone_key("13800001234")).get() == gift
    landline = _goods(world, gift.store, donor_phone="0531-8800 0000")
    assert landline.donor_phone == "0531-88000000"
    with pytest.raises(ValidationError) as refused:
        _goods(world, gift.store, donor_phone="12345")
    assert "donor_phone" in refused.value.message_dict


def test_revealing_the_phone_is_audited_and_only_for_those_who_run_the_store(world: World, login):
    gift = _goods(world, donor_phone="13800001234")
    page = login(world.a.street_officer).get(reverse("supplies:donation", args=[gift.pk]))
    assert "138****1234" in page.content.decode() and "13800001234" not in page.content.decode()
    assert login(world.a.street_officer).post(
        reverse("supplies:donation_phone", args=[gift.pk])).status_code == 403  # fmt: skip
    assert login(world.b.logistics).post(
        reverse("supplies:donation_phone", args=[gift.pk])).status_code == 404  # fmt: skip
    response = login(world.a.logistics).post(
        reverse("supplies:donation_phone", args=[gift.pk]), HTTP_HX_REQUEST="true"
    )
    assert "13800001234" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert (entry.actor, entry.org_path) == (world.a.logistics, world.a.street.path)


def test_goods_need_a_store_the_actor_runs_and_each_item_once(world: World):
    theirs = donations.donation_receive(
        actor=world.b.logistics, kind="cash", donor_kind="person", donor_name="乙",
        unit=world.b.street, amount=Decimal(1),
    )  # fmt: skip
    assert theirs.number.startswith(world.b.street.code)
    with pytest.raises(PermissionDenied):
        donations.donation_receive(
            actor=world.b.logistics, kind="goods", donor_kind="company", donor_name="某公司",
            store=store(world, name="又一库"), lines=[Line(item(world), 1)],
        )  # fmt: skip
    at = store(world)
    with pytest.raises(ValidationError):
        _goods(world, at, lines=[Line(item(world), 1), Line(item(world), 2)])
    with pytest.raises(ValidationError):
        _goods(world, at, lines=[])


def test_a_donation_is_recorded_from_the_page_and_its_receipt_printed(world: World, login):
    at = store(world)
    mask = item(world)
    client = login(world.a.logistics)
    response = client.post(
        reverse("supplies:donation_create"),
        {"kind": "goods", "donor_kind": "company", "donor_name": "爱心企业",
         "donor_phone": "13900000000", "received_on": date.today().isoformat(),
         "store": at.pk, "item_0": mask.pk, "quantity_0": "500", "value_0": "1250.00"},
    )  # fmt: skip
    gift = Donation.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "supplies:donation", args=[gift.pk]
    )
    assert balance(at, mask) == 500
    response = client.get(reverse("supplies:receipt", args=[gift.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert export.changes == {"receipt": gift.number}


def test_a_half_filled_line_is_shown_not_dropped(world: World, login):
    at = store(world)
    client = login(world.a.logistics)
    response = client.post(
        reverse("supplies:donation_create"),
        {"kind": "goods", "donor_kind": "company", "donor_name": "爱心企业",
         "received_on": date.today().isoformat(), "store": at.pk, "item_0": item(world).pk},
    )  # fmt: skip
    assert response.status_code == 200 and not Donation.objects.exists()
    assert "Give both the item and how many." in response.content.decode()


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return re.sub(r"\s+", "", reader.pages[0].extract_text())


def test_the_goods_receipt_lists_the_goods_and_leaves_the_phone_out(world: World):
    gift = _goods(world, donor_phone="13800001234")
    pdf = receipt_pdf(gift)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in ("捐赠接收凭证", gift.number, "齐鲁制药有限公司", "N95口罩", "2,000只",
                     "5,000.00", "伍仟元整", "历下区东关街道"):  # fmt: skip
        assert expected in text, expected
    assert "1234" not in text.replace(gift.number, "")


def test_the_cash_receipt_writes_the_amount_in_capitals(world: World):
    gift = donations.donation_receive(
        actor=world.a.logistics, kind="cash", donor_kind="person", donor_name="张三",
        unit=world.a.street, amount=Decimal("10050.05"),
    )  # fmt: skip
    text = _text(receipt_pdf(gift))
    assert "10,050.05" in text and "壹万零伍拾元零伍分" in text


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("0.5", "伍角整"),
        ("0.05", "伍分"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("105", "壹佰零伍元整"),
        ("1050.5", "壹仟零伍拾元伍角整"),
        ("1005.08", "壹仟零伍元零捌分"),
        ("10000", "壹万元整"),
        ("10500", "壹万零伍佰元整"),
        ("15000", "壹万伍仟元整"),
        ("120000", "壹拾贰万元整"),
        ("1001000", "壹佰万壹仟元整"),
        ("1000100", "壹佰万零壹佰元整"),
        ("100010000", "壹亿零壹万元整"),
        ("300000000.12", "叁亿元壹角贰分"),
    ],
)
def test_amounts_in_capital_numerals(amount: str, words: str):
    assert chinese_amount(Decimal(amount)) == words
