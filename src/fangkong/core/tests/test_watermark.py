from __future__ import annotations

import io
import re
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from fangkong.core.watermark import css_string, pdf_html, stamp


def _user(name: str, username: str = "a_officer") -> SimpleNamespace:
    return SimpleNamespace(full_name=name, get_username=lambda: username)


@given(st.text(max_size=80))
def test_a_css_string_cannot_break_out(text: str) -> None:
    literal = css_string(text)
    body = literal[1:-1]
    assert literal[0] == literal[-1] == '"'
    assert '"' not in body and "<" not in body and "\n" not in body
    # Every backslash starts an escape: none can escape the closing quote.
    assert re.fullmatch(r"(?:[^\\]|\\[0-9a-f]+ )*", body)


def test_the_stamp_sits_in_every_pages_margin() -> None:
    from weasyprint import HTML

    html = "<html><head><title>t</title></head><body><p>正文</p></body></html>"
    stamped = pdf_html(html, _user('王"</style>'))
    assert stamped.count("<style>") == 1 and "</style></head>" in stamped
    pdf = HTML(string=stamped).write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "(a_officer)" in text
    assert pdf_html(html, None) == html


def test_the_stamp_names_the_user_and_the_minute() -> None:
    text = stamp(_user("王芳"))
    assert "王芳" in text and "(a_officer)" in text
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
