"""The bulletin as an A4 PDF (WeasyPrint from an HTML template, Noto CJK found by fontconfig,
embedded and subset), always in the bulletin's own language."""

from __future__ import annotations

from typing import NoReturn

from django.template.loader import render_to_string
from django.utils import translation

from fangkong.bulletin import text as bulletin_text
from fangkong.bulletin.fonts import script_of
from fangkong.bulletin.models import Bulletin


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> NoReturn:
    # The template is self-contained; it must never reach the network or the disk.
    raise ValueError(f"the bulletin fetches nothing: {url}")


def bulletin_html(bulletin: Bulletin) -> str:
    with translation.override(bulletin.language):
        rows = bulletin_text.figure_rows(bulletin.figures)
        return render_to_string(
            "bulletin/pdf.html",
            {
                "bulletin": bulletin,
                "language": bulletin.language,
                "script": script_of(bulletin.language),
                "paragraphs": bulletin.text.split("\n\n"),
                # Two figures a row: the table and the text fit on one page.
                "pairs": [rows[n : n + 2] for n in range(0, len(rows), 2)],
                "issuer": bulletin_text.issuer(bulletin.unit.name),
                "published": bulletin_text.published_line(bulletin),
            },
        )


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango and fontconfig

    pdf = HTML(string=bulletin_html(bulletin), base_url=None, url_fetcher=_refuse_fetch).write_pdf()
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return pdf
