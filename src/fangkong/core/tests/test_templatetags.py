from datetime import date

import pytest

from fangkong.core.templatetags.fangkong import iso_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-02-01", date(2020, 2, 1)),
        ("2020-02-30", "2020-02-30"),  # no such day: shown as it was sent
        ("", ""),
        ("2月1日", "2月1日"),
        (None, None),
        (date(2020, 2, 1), date(2020, 2, 1)),
    ],
)
def test_iso_date_reads_a_day_kept_as_text_and_leaves_the_rest(value, expected):  # type: ignore[no-untyped-def]
    assert iso_date(value) == expected
