"""Mainland plates: the forms a roadside officer meets, and what is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from fangkong.checkpoints.plates import ENERGY, OFFICE, PROVINCES, SERIAL, normalize_plate


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("鲁A12345", "鲁A12345"),
        ("鲁a 123 45", "鲁A12345"),
        ("鲁A·1234挂", "鲁A1234挂"),
        ("粤Z1234港", "粤Z1234港"),
        ("鄂AD12345", "鄂AD12345"),  # small new-energy, battery
        ("鄂AF1K234", None),  # the last four of a small new-energy plate are digits
        ("鄂AFK1234", "鄂AFK1234"),
        ("鄂A12345D", "鄂A12345D"),  # large new-energy
        ("京ＡＢ１２３４", "京AB1234"),  # full-width forms folded
        ("鲁AO1234", "鲁A01234"),  # O is never issued: read as 0
        ("鲁AI2345", "鲁A12345"),
        ("使123456", "使123456"),
        ("鲁I12345", None),  # no office letter I
        ("鲁A1234", None),  # too short
        ("鲁A123456", None),  # 8 characters but not new-energy
        ("AA12345", None),  # no province
        ("WJ1234567", None),  # armed police: recorded as "other plate"
    ],
)
def test_plates(typed: str, stored: str | None):
    if stored is None or len(stored) < 7:
        with pytest.raises(ValidationError):
            normalize_plate(typed)
    else:
        assert normalize_plate(typed) == stored


def test_an_empty_plate_asks_for_one_or_on_foot():
    with translation.override("en"), pytest.raises(ValidationError, match="on foot"):
        normalize_plate("  ")


def test_the_length_is_named_in_the_message():
    with translation.override("en"), pytest.raises(ValidationError, match="has 6"):
        normalize_plate("鲁A1234")
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="有 6 位"):
        normalize_plate("鲁A1234")


letter = st.sampled_from(OFFICE)
serial = st.text(alphabet=SERIAL, min_size=5, max_size=5)
province = st.sampled_from(PROVINCES)


@given(province, letter, serial)
def test_every_ordinary_plate_is_accepted_and_stable(p: str, office: str, rest: str):
    plate = p + office + rest
    assert normalize_plate(plate) == plate
    assert normalize_plate(" ".join(plate.lower())) == plate


@given(province, letter, st.sampled_from(ENERGY), st.sampled_from(SERIAL),
       st.integers(0, 9999))  # fmt: skip
def test_every_small_new_energy_plate_is_accepted(p, office, energy, second, digits):
    plate = f"{p}{office}{energy}{second}{digits:04d}"
    assert normalize_plate(plate) == plate


@given(st.text(max_size=12))
def test_whatever_is_typed_either_normalises_to_a_plate_or_is_refused(raw: str):
    try:
        plate = normalize_plate(raw)
    except ValidationError as error:
        assert error.messages and all(error.messages)
    else:
        assert len(plate) in (7, 8) and normalize_plate(plate) == plate
