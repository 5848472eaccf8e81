"""Exports carry who took them out and when: a line in every printed page's margin (PDF),
the header and footer of every printed sheet and the document's properties (XLSX).

The same words as the audit entry of the export, so a sheet found on a table leads back to
its entry in the log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


def stamp(actor: Any, at: datetime | None = None) -> str:
    when = timezone.localtime(at or timezone.now())
    name = getattr(actor, "full_name", "") or actor.get_username()
    return _("Exported by %(name)s (%(username)s) at %(time)s") % {
        "name": name, "username": actor.get_username(), "time": f"{when:%Y-%m-%d %H:%M}",
    }  # fmt: skip


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string, the rule or the
    ``<style>`` element it sits in."""
    out = []
    for char in text:
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def pdf_html(html: str, actor: Any | None) -> str:
    """The document's HTML with the stamp in the bottom margin of every page."""
    if actor is None:
        return html
    content = css_string(stamp(actor))
    rule = (
        f"<style>@page {{ @bottom-left {{ content: {content}; font-size: 7pt; color: #666; "
        "font-family: 'Noto Sans CJK SC', sans-serif; } }</style>"
    )
    head_end = html.index("</head>")
    return html[:head_end] + rule + html[head_end:]


def xlsx(book: Any, sheets: list[Any], actor: Any) -> None:
    """Stamp an xlsxwriter workbook: the properties, and each sheet's printed header and
    footer (``&`` is a code there, written ``&&``)."""
    text = stamp(actor)
    book.set_properties({"author": actor.get_username(), "comments": text})
    for sheet in sheets:
        escaped = text.replace("&", "&&")
        sheet.set_header(f"&L{escaped}")
        sheet.set_footer(f"&L{escaped}&R&P / &N")
