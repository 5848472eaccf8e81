"""The JSON API fuzzed from its own OpenAPI schema (schemathesis): every operation, called as
several roles and anonymously, with generated valid and invalid input. No answer may be a
server error, and every documented answer must match the schema and its content type.

Bounded (a few examples per operation and caller) so that it runs in the ordinary suite.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from fangkong.accounts.tokens import token_create
from fangkong.core.testing import World

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
ROLES = ("commander", "epidemiologist", "grid_worker_local", "checkpoint", "viewer")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """Called through the bare WSGI handler, the end of each request would close the test's
    database connection inside its transaction (Django's test client unhooks this too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(world: World) -> dict[str, dict[str, str]]:
    """Bearer headers for users of district a in several roles, and none (anonymous)."""
    headers = {"anonymous": {}}
    for role in ROLES:
        _, key = token_create(user=getattr(world.a, role), name=f"fuzz {role}")
        headers[role] = {"Authorization": f"Bearer {key}"}
    _, key = token_create(user=world.b.commander, name="fuzz other district")
    headers["other_district"] = {"Authorization": f"Bearer {key}"}
    return headers


def _schema() -> schemathesis.schemas.BaseSchema:
    """The schema the API serves, called in process through Django's WSGI handler."""
    from fangkong.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = WSGIHandler()
    return loaded


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_server_error_and_no_schema_violation(case, callers) -> None:  # type: ignore[no-untyped-def]
    for headers in callers.values():
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
