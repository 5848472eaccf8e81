import pytest


@pytest.fixture(autouse=True)
def _counted_afresh(monkeypatch):  # type: ignore[no-untyped-def]
    """Each test counts afresh, whatever the machine's speed: nothing kept from an earlier
    count (test_counting.py turns keeping on where it tests it)."""
    from django.core.cache import cache

    from fangkong.dashboard import counting

    monkeypatch.setattr(counting, "SLOW", float("inf"))
    cache.clear()
    yield
    cache.clear()
