"""Text as offices type it: folded, collapsed, and safe for every database."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.people.normalize import address_key, clean_text, transport_number


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


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("g 1234次", "G1234"), ("Ｇ１２３４", "G1234"), ("ca-1234", "CA1234"), ("3U 8888", "3U8888"),
     ("", "")],
)  # fmt: skip
def test_a_flight_or_train_number_is_stored_one_way_however_it_is_typed(typed, stored):
    assert transport_number(typed) == stored
