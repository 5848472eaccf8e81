from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core.testing import PASSWORD, World, build_world


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


@pytest.fixture
def login(client: Client):  # type: ignore[no-untyped-def]
    """``login(user)`` logs the test client in (and returns it)."""

    def _login(user) -> Client:  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Each test starts in the default language; a request in another one must not leak."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
