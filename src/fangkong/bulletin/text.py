"""The words of the bulletin, in the official form, from its figures.

Every sentence is one translatable format string with named figures, so that a translator
can order the figures as the language needs; Simplified Chinese is the official wording
("2020年2月9日0—24时，我区新增确诊病例X例……"). Dates are formatted by translatable
formats too ("Y年n月j日" in Chinese, "j F Y" in English), never by the active locale's
DATE_FORMAT, whose Chinese form differs from the one the bulletin uses.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.bulletin.figures import KEYS, LABELS
from fangkong.cases.trips import hotline

if TYPE_CHECKING:
    from fangkong.bulletin.models import Bulletin

PARAGRAPH = "\n\n"


def long_date(day: date) -> str:
    return dateformat.format(day, pgettext("bulletin date with the year", "j F Y"))


def short_date(day: date) -> str:
    return dateformat.format(day, pgettext("bulletin date without the year", "j F"))


def title(unit_name: str, day: date) -> str:
    return _("%(unit)s epidemic bulletin, %(date)s") % {"unit": unit_name, "date": long_date(day)}


def paragraphs(day: date, figures: dict[str, int]) -> list[str]:
    f = {key: int(figures.get(key, 0) or 0) for key in KEYS}
    return [
        _(
            "From 0:00 to 24:00 on %(date)s, our district reported new confirmed cases: "
            "%(confirmed)s; new suspected cases: %(suspected)s; new asymptomatic infections: "
            "%(asymptomatic)s; newly cured and discharged: %(discharged)s; new deaths: "
            "%(deaths)s."
        )
        % {
            "date": long_date(day),
            "confirmed": f["new_confirmed"],
            "suspected": f["new_suspected"],
            "asymptomatic": f["new_asymptomatic"],
            "discharged": f["new_discharged"],
            "deaths": f["new_deaths"],
        },
        _(
            "As of 24:00 on %(date)s, our district had reported in total: confirmed cases "
            "%(confirmed)s, cured and discharged %(discharged)s, deaths %(deaths)s; in hospital "
            "now: %(in_hospital)s. Close contacts traced in total: %(contacts)s; released from "
            "medical observation: %(released)s; still under medical observation: %(observed)s "
            "(at home %(home)s, centralized %(centralized)s)."
        )
        % {
            "date": short_date(day),
            "confirmed": f["confirmed_total"],
            "discharged": f["discharged_total"],
            "deaths": f["deaths_total"],
            "in_hospital": f["in_hospital"],
            "contacts": f["contacts_total"],
            "released": f["released_total"],
            "observed": f["under_observation"],
            "home": f["home_observation"],
            "centralized": f["centralized_observation"],
        },
        _(
            "A reminder: please keep calm, and neither believe nor spread rumours. Wash your "
            "hands often, air your rooms, wear a mask, avoid gatherings and go out less. If "
            "you have a fever, a dry cough or feel weak, wear a mask and go to the nearest "
            "fever clinic without taking public transport, and tell the doctor where you have "
            "been and whom you have met. For questions, call the health hotline %(hotline)s."
        )
        % {"hotline": hotline()},
    ]


def compose(unit_name: str, day: date, figures: dict[str, int], language: str) -> tuple[str, str]:
    """The title and the text in ``language``."""
    with translation.override(language):
        return title(unit_name, day), PARAGRAPH.join(paragraphs(day, figures))


def figure_rows(figures: dict[str, Any], keys: tuple[str, ...] = KEYS) -> list[tuple[str, int]]:
    """(label in the active language, count) for each of ``keys``."""
    return [(str(LABELS[key]), int(figures.get(key, 0) or 0)) for key in keys]


def published_line(bulletin: Bulletin) -> str:
    """The publication date line (or that a draft is not published), in the active language."""
    if bulletin.published_at is None:
        return _("Draft: not published")
    return _("Published %(date)s") % {"date": long_date(timezone.localdate(bulletin.published_at))}


def issuer(unit_name: str) -> str:
    return _("%(unit)s epidemic prevention and control headquarters") % {"unit": unit_name}
