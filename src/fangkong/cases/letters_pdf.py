"""The assistance letter (协查函) as a PDF: one A4 page from our district's epidemic
command to the other locality's.

It goes between authorities, so it carries the person's full ID number and phone; the
view that serves it records an export in the audit log. Like the release notice
(observation.notice) it is always in Chinese, whatever the officer's language.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone, translation

from fangkong.cases.models import AssistanceLetter, Direction
from fangkong.core import watermark
from fangkong.observation.notice import ID_LABELS, chinese_date
from fangkong.people import risk
from fangkong.people.models import Sex


def letter_context(letter: AssistanceLetter) -> dict[str, Any]:
    if letter.direction != Direction.OUT:
        raise ValueError("Only a letter we send is printed.")
    person, contact = letter.person, letter.contact
    issued = timezone.localtime(letter.sent_at or timezone.now())
    # A draft is printed before it is sent: the answer is asked for by the day it would be
    # due if sent today.
    due = letter.due_at or issued + timedelta(
        days=risk.policy_on(letter.org_path, issued.date()).letter_days
    )
    with translation.override("zh-hans"):
        context: dict[str, Any] = {
            "number": letter.number,
            "authority": letter.authority,
            "region": letter.region,
            "issuer": letter.unit.name,
            "issued_on": chinese_date(issued.date()),
            "due_on": chinese_date(timezone.localtime(due).date()),
            "exposure": letter.exposure,
            "case": None,
            "contact_person": (letter.created_by.full_name if letter.created_by else "") or "",
        }
        if person is not None:
            context |= {
                "name": person.full_name,
                "sex": str(person.get_sex_display()) if person.sex != Sex.UNKNOWN else "",
                "id_label": ID_LABELS.get(person.id_type, "证件号码"),
                "id_number": person.id_number,
                "phone": person.phone,
            }
        if contact is not None:
            case = contact.case
            context |= {
                "case": case.number,
                "classification": str(case.get_classification_display()),
                "level": str(contact.get_level_display()),
                "setting": str(contact.get_setting_display()),
                "relation": contact.relation,
                "last_contact": chinese_date(contact.last_contact),
            }
        return context


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> NoReturn:
    # The template is self-contained; anything it asks for is a mistake, and it must
    # never reach the network (or the file system) from a web worker.
    raise ValueError(f"the letter fetches nothing: {url}")


def letter_pdf(letter: AssistanceLetter, actor: Any | None = None) -> bytes:
    """The PDF, stamped with who printed it and when (``actor``; none: unstamped)."""
    from weasyprint import HTML  # imported late: it loads Pango and fontconfig

    with translation.override("zh-hans"):
        html = watermark.pdf_html(
            render_to_string("cases/letter_pdf.html", letter_context(letter)), actor
        )
    pdf = HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return pdf
