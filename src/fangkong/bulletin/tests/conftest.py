from __future__ import annotations

from collections.abc import Iterator

import pytest

from fangkong.bulletin.tests.helpers import ZH_HANS


@pytest.fixture
def chinese() -> Iterator[None]:
    """The official Chinese wording, where the compiled catalogue does not have it yet."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("zh-hans")._catalog  # type: ignore[attr-defined]
    added = []
    for (context, msgid), msgstr in ZH_HANS.items():
        key = f"{context}\x04{msgid}" if context else msgid
        if key not in catalog:
            catalog[key] = msgstr
            added.append(key)
    yield
    for key in added:
        del catalog._catalogs[0][key]
