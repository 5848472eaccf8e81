from datetime import date

import pytest
from django.utils import translation

from fangkong.core.templatetags.fangkong import short_date


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        ("2020-02-01", "02/01/2020", "2020年2月1日"),
        (date(2020, 2, 1), "02/01/2020", "2020年2月1日"),
        ("2020-02-30", "2020-02-30", "2020-02-30"),  # no such day: shown as it was sent
        ("", "", ""),
        ("2月1日", "2月1日", "2月1日"),
        (None, None, None),
    ],
)
def test_short_date_writes_a_day_as_the_language_does_and_leaves_the_rest(value, en, zh):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert short_date(value) == en
    with translation.override("zh-hans"):
        assert short_date(value) == zh
