"""Text as offices type it: folded, collapsed, and safe for every database."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from fangkong.people.normalize import address_key, clean_text


def test_full_width_forms_and_spaces_fold():
    assert clean_text("  王　芳 \t\r\n ") == "王 芳"
    assert clean_text("１３９") == "139"
    assert clean_text(None) == ""


@given(st.text())
def test_clean_text_holds_no_control_character_and_is_stable(raw):
    text = clean_text(raw)
    assert not any(unicodedata.category(c) == "Cc" for c in text)
    assert text == text.strip() and "  " not in text
    assert clean_text(text) == text


def test_address_keys_ignore_separators():
    assert address_key("3号楼-2单元 101") == address_key("3号楼2单元101")
