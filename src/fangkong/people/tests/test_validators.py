"""ID numbers (GB 11643), mobile numbers, spreadsheet dates and division names."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from fangkong.people import divisions
from fangkong.people.dates import parse_date_cell
from fangkong.people.idnumbers import (
    PROVINCES,
    IdType,
    check_char,
    clean_id_number,
    parse_resident_id,
)
from fangkong.people.phones import normalize_mobile
from fangkong.people.testing import resident_id

TODAY = date(2026, 11, 23)
regions = st.builds(
    lambda p, rest: p + rest,
    st.sampled_from(sorted(PROVINCES)),
    st.integers(0, 9999).map(lambda n: f"{n:04d}"),
)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999)


def _code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.code  # type: ignore[return-value]


@given(regions, births, sequences)
def test_every_well_formed_id_is_read_back_with_its_birth_date_and_sex(region, born, seq):
    number = resident_id(region, born, seq)
    parsed = parse_resident_id(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.sex == ("M" if seq % 2 else "F")
    assert parsed.region_code == region


@given(regions, births, sequences, st.integers(0, 17), st.integers(1, 10))
def test_changing_any_one_character_is_caught(region, born, seq, position, shift):
    number = resident_id(region, born, seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    changed_char = alphabet[(alphabet.index(number[position]) + shift) % len(alphabet)]
    assume(changed_char != number[position])
    changed = number[:position] + changed_char + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_resident_id(changed, today=TODAY)


@given(regions, births, sequences, st.integers(0, 15))
def test_swapping_two_different_neighbours_is_caught(region, born, seq, position):
    number = resident_id(region, born, seq)
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    with pytest.raises(ValidationError):
        parse_resident_id(swapped, today=TODAY)


@given(regions, births, sequences)
def test_spreadsheet_spellings_of_an_id_all_read_the_same(region, born, seq):
    number = resident_id(region, born, seq)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    spaced = f" {number[:6]} {number[6:14]} {number[14:]} "
    for spelling in (number.lower(), full_width, spaced, "'" + number):
        assert parse_resident_id(spelling, today=TODAY).number == number
    if number.isdigit():
        assert parse_resident_id(int(number), today=TODAY).number == number


def test_a_lowercase_x_is_the_check_character_x():
    first17 = "11010519491231002"
    assert check_char(first17) == "X"
    assert parse_resident_id(first17 + "x", today=TODAY).number == first17 + "X"


def test_an_id_stored_as_an_excel_number_is_refused_as_such():
    assert _code(lambda: parse_resident_id(3.70102198503071e17)) == "id_number_as_number"
    assert _code(lambda: parse_resident_id("3.70102198503071E+17")) == "id_number_as_number"


def test_a_first_generation_15_digit_number_becomes_18_digits():
    parsed = parse_resident_id("370102850307123", today=TODAY)
    assert parsed.number == resident_id("370102", date(1985, 3, 7), 123)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "id_empty"),
        ("37010219850307123", "id_length"),
        ("3701021985030712AX", "id_chars"),
        (resident_id("990102"), "id_region"),
        ("37010219850230" + "1234", "id_birth_date"),
        (resident_id(born=date(2027, 1, 1)), "id_future_birth"),
    ],
)
def test_each_kind_of_bad_id_has_its_own_error(number, code):
    if code in ("id_birth_date",):
        number = number[:17] + check_char(number[:17])
    assert _code(lambda: parse_resident_id(number, today=TODAY)) == code


def test_the_check_error_names_the_expected_character():
    number = resident_id()
    wrong = "0" if number[-1] != "0" else "1"
    with pytest.raises(ValidationError) as caught:
        parse_resident_id(number[:-1] + wrong, today=TODAY)
    assert caught.value.code == "id_checksum"
    assert number[-1] in caught.value.messages[0]


def test_an_unknown_county_is_accepted_because_codes_change():
    assert divisions.get("379999") is None
    assert parse_resident_id(resident_id("379999"), today=TODAY).region_code == "379999"


def test_passports_and_other_documents_are_checked_loosely():
    assert clean_id_number(IdType.PASSPORT, " e1234 5678 ") == "E12345678"
    assert _code(lambda: clean_id_number(IdType.PASSPORT, "E1")) == "passport_format"
    assert clean_id_number(IdType.OTHER, "港澳通行证 C123") == "港澳通行证C123"


@given(st.sampled_from("3456789"), st.integers(0, 999_999_999))
def test_every_mainland_mobile_number_survives_its_usual_spellings(second, rest):
    number = f"1{second}{rest:09d}"
    for spelling in (
        number,
        f"+86 {number[:3]} {number[3:7]} {number[7:]}",
        f"0086-{number}",
        f"86{number}",
        "".join(chr(ord(c) + 0xFEE0) for c in number),
        int(number),
        float(number),
    ):
        assert normalize_mobile(spelling) == number


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", "phone_empty"), ("1391234567", "phone_length"), ("12912345678", "phone_prefix"),
     ("139-1234-567a", "phone_chars"), ("0531-86001234", "phone_length")],
)  # fmt: skip
def test_each_kind_of_bad_phone_has_its_own_error(raw, code):
    assert _code(lambda: normalize_mobile(raw)) == code


@pytest.mark.parametrize(
    "value",
    [date(2020, 1, 24), 43854, 43854.0, "43854", "2020-01-24", "2020/1/24", "2020.1.24",
     "2020年1月24日", "20200124", "２０２０．１．２４", " 2020-01-24 00:00:00 "],
)  # fmt: skip
def test_dates_as_offices_write_them(value):
    assert parse_date_cell(value) == date(2020, 1, 24)


def test_a_month_and_day_need_a_year_to_be_a_date():
    assert parse_date_cell("1月24日", default_year=2020) == date(2020, 1, 24)
    assert parse_date_cell("1.24", default_year=2020) == date(2020, 1, 24)
    assert _code(lambda: parse_date_cell("1月24日")) == "date_year_missing"


@pytest.mark.parametrize(
    ("value", "code"),
    [("2020-02-30", "date_invalid"), ("明天", "date_format"), (12, "date_format")],
)
def test_bad_dates_say_what_is_wrong(value, code):
    assert _code(lambda: parse_date_cell(value)) == code


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_excel_serials_round_trip(day):
    serial = (day - date(1899, 12, 30)).days
    assert parse_date_cell(serial) == day


@pytest.mark.parametrize(
    ("text", "code"),
    [("湖北省武汉市", "420100"), ("湖北武汉", "420100"), ("武汉", "420100"),
     ("武汉市江汉区", "420103"), ("北京市朝阳区", "110105"), ("420102", "420102"),
     ("湖北", "420000"), ("广东东莞", "441900")],
)  # fmt: skip
def test_place_names_as_typed_find_their_division(text, code):
    found = divisions.parse_division(text)
    assert found is not None and found.code == code


def test_an_ambiguous_or_unknown_place_finds_nothing():
    assert divisions.parse_division("朝阳区") is None  # in Beijing and in Changchun
    assert divisions.parse_division("东京") is None


def test_an_area_covers_the_divisions_inside_it():
    assert divisions.covers("420000", "420103")
    assert divisions.covers("420100", "420103")
    assert not divisions.covers("420100", "420500")
    assert not divisions.covers("420103", "420102")
    assert divisions.full_name("110105") == "北京市朝阳区"
