"""The release notice (解除医学观察告知书): one A4 page, as a PDF, for a released observation.

The notice is an official Chinese form handed to the person, so it is always rendered
in Chinese, whatever the language of the officer who prints it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone, translation

from fangkong.core import watermark
from fangkong.observation.models import Observation, State
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people.idnumbers import IdType

ID_LABELS: dict[str, str] = {IdType.RESIDENT: "身份证号", IdType.PASSPORT: "护照号码"}


def chinese_date(day: date) -> str:
    # Spelled out by hand: the form's "2020年2月7日" has no leading zeros, and must not
    # depend on the active locale's DATE_FORMAT.
    return f"{day.year}年{day.month}月{day.day}日"


def issuing_unit(unit: OrgUnit) -> OrgUnit:
    """A grid or building does not issue documents: its community or village does."""
    if unit.level in (Level.GRID, Level.BUILDING):
        above = [u for u in unit.ancestors() if u.level in (Level.COMMUNITY, Level.VILLAGE)]
        return above[-1] if above else unit
    return unit


def issuer(observation: Observation) -> str:
    """The issuing unit under its district, e.g. "历下区 翰林社区"."""
    unit = issuing_unit(observation.unit)
    if unit.level == Level.DISTRICT:
        return unit.name
    district = next((u for u in unit.ancestors() if u.level == Level.DISTRICT), None)
    # Unit names often already carry the district ("历下区翰林社区").
    if district is None or unit.name.startswith(district.name):
        return unit.name
    return f"{district.name} {unit.name}"


def notice_context(observation: Observation) -> dict[str, Any]:
    # A notice for an observation still open would release the person on paper.
    if observation.state != State.RELEASED or observation.ended_at is None:
        raise ValueError("Only a released observation has a release notice.")
    person = observation.person
    with translation.override("zh-hans"):
        return {
            "number": observation.notice_number,
            "name": person.full_name,
            "id_label": ID_LABELS.get(person.id_type, "证件号码"),
            # Only ever the masked number: the notice leaves the office on paper.
            "masked_id": person.masked_id_number,
            "kind": str(observation.get_kind_display()),
            "reason": str(observation.get_reason_display()),
            "last_exposure": chinese_date(observation.last_exposure),
            "starts_on": chinese_date(observation.starts_on),
            "planned_end": chinese_date(observation.planned_end),
            "days": observation.days,
            "issuer": issuer(observation),
            "released_on": chinese_date(timezone.localdate(observation.ended_at)),
        }


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> NoReturn:
    # The template is self-contained; anything it asks for is a mistake, and it must
    # never reach the network (or the file system) from a web worker.
    raise ValueError(f"the notice fetches nothing: {url}")


def notice_pdf(observation: Observation, actor: Any | None = None) -> bytes:
    """The PDF, stamped with who printed it and when (``actor``; none: unstamped)."""
    from weasyprint import HTML  # imported late: it loads Pango and fontconfig

    with translation.override("zh-hans"):
        html = watermark.pdf_html(
            render_to_string("observation/notice.html", notice_context(observation)), actor
        )
    pdf = HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return pdf
