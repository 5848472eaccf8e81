"""The donation receipt (捐赠接收凭证): one A4 page, as a PDF, numbered per issuing unit and year.

The receipt is handed to the donor, so it is always in Chinese, whatever the language of
the officer who prints it; the donor's phone is never on it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import translation

from fangkong.core import watermark
from fangkong.observation.notice import chinese_date
from fangkong.orgunits.models import Level
from fangkong.supplies.models import Donation, DonationKind
from fangkong.supplies.services_donations import chinese_amount, issuing_unit


def issuer(donation: Donation) -> str:
    """The issuing unit under its district, e.g. "历下区 东关街道"."""
    unit = issuing_unit(donation.unit)
    if unit.level == Level.DISTRICT:
        return unit.name
    district = next((u for u in unit.ancestors() if u.level == Level.DISTRICT), None)
    if district is None or unit.name.startswith(district.name):
        return unit.name
    return f"{district.name} {unit.name}"


def yuan(value: Any) -> str:
    return f"{value:,.2f}"


def receipt_context(donation: Donation) -> dict[str, Any]:
    lines = list(donation.lines.select_related("item"))
    with translation.override("zh-hans"):
        return {
            "number": donation.number,
            "donor": donation.donor_name,
            "cash": donation.kind == DonationKind.CASH,
            "amount": yuan(donation.amount or Decimal(0)),
            "amount_words": chinese_amount(donation.amount or Decimal(0)),
            "lines": [
                {
                    "name": ln.item.name,
                    "quantity": f"{ln.quantity:,}",
                    "measure": ln.item.measure,
                    "value": yuan(ln.value) if ln.value else "—",
                }
                for ln in lines
            ],
            "total": yuan(donation.value),
            "total_words": chinese_amount(donation.value),
            "store": donation.store.name if donation.store else "",
            "note": donation.note,
            "issuer": issuer(donation),
            "received_on": chinese_date(donation.received_on),
        }


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> NoReturn:
    # Self-contained: nothing is fetched, from the network or the file system.
    raise ValueError(f"the receipt fetches nothing: {url}")


def receipt_pdf(donation: Donation, actor: Any | None = None) -> bytes:
    """The PDF, stamped with who printed it and when (``actor``; none: unstamped)."""
    from weasyprint import HTML  # imported late: it loads Pango and fontconfig

    with translation.override("zh-hans"):
        html = watermark.pdf_html(
            render_to_string("supplies/receipt.html", receipt_context(donation)), actor
        )
    pdf = HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()
    assert pdf is not None
    return pdf
