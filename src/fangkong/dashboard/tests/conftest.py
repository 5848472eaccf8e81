import pytest


@pytest.fixture(autouse=True)
def _counted_afresh():  # type: ignore[no-untyped-def]
    """Each test counts afresh, whatever the machine's speed: nothing kept from an earlier
    count (the test settings keep none; test_counting.py turns keeping on where it tests
    it)."""
    from django.core.cache import caches

    from fangkong.core import kept

    caches[kept.CACHE].clear()
    yield
    caches[kept.CACHE].clear()
