"""Every URL × every user of both districts (and anonymous): the expected answer for each cell.

A URL that is not in ENDPOINTS (or PUBLIC) fails the walk test, so a new page or
API operation cannot ship without saying who may reach it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fangkong.accounts.models import User
from fangkong.core.roles import ROLE_PERMS, Perm, Role
from fangkong.core.testing import Endpoint, World, app_matrix_rows

PUBLIC = {
    "health",
    "accounts:logout",
    "set_language",
    "accounts:login",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
}


def _grid_worker(w: World) -> User:
    return w.a.grid_worker_local


def _community(w: World) -> str:
    return w.a.community.path


def _grid(w: World) -> str:
    return w.a.grid.path


ENDPOINTS = [
    Endpoint("home", "GET", lambda w: [], None),
    Endpoint("accounts:password_change", "GET", lambda w: [], None),
    Endpoint("accounts:user_list", "GET", lambda w: [], Perm.MANAGE_USERS),
    Endpoint("accounts:user_create", "GET", lambda w: [], Perm.MANAGE_USERS),
    Endpoint(
        "accounts:user_detail", "GET", lambda w: [_grid_worker(w).pk], Perm.MANAGE_USERS, _grid
    ),
    Endpoint(
        "accounts:user_edit", "GET", lambda w: [_grid_worker(w).pk], Perm.MANAGE_USERS, _grid, True
    ),
    Endpoint(
        "accounts:user_password",
        "GET",
        lambda w: [_grid_worker(w).pk],
        Perm.MANAGE_USERS,
        _grid,
        True,
    ),
    Endpoint(
        "accounts:user_phone", "POST", lambda w: [_grid_worker(w).pk], Perm.MANAGE_USERS, _grid
    ),
    Endpoint(
        "accounts:assignment_add",
        "POST",
        lambda w: [_grid_worker(w).pk],
        Perm.MANAGE_USERS,
        _grid,
        True,
        data=lambda w: {"role": Role.VIEWER, "unit": w.a.grid2.code},
    ),
    Endpoint(
        "accounts:assignment_remove",
        "POST",
        lambda w: [w.a.grid_worker_local.assignments.get().pk],
        Perm.MANAGE_USERS,
        _grid,
        True,
    ),
    Endpoint("accounts:audit", "GET", lambda w: [], Perm.VIEW_AUDIT),
    Endpoint("accounts:audit_review", "GET", lambda w: [], Perm.VIEW_AUDIT),
    Endpoint("orgunits:index", "GET", lambda w: [], None),
    Endpoint("orgunits:lookup", "GET", lambda w: [], None),
    Endpoint("orgunits:create_root", "GET", lambda w: [], None, superuser_only=True),
    Endpoint("orgunits:import", "GET", lambda w: [], Perm.MANAGE_UNITS),
    Endpoint("orgunits:template", "GET", lambda w: ["xlsx"], None),  # an empty template
    Endpoint("orgunits:detail", "GET", lambda w: [w.a.community.pk], Perm.VIEW_UNITS, _community),
    Endpoint("orgunits:create", "GET", lambda w: [w.a.community.pk], Perm.MANAGE_UNITS, _community),
    Endpoint("orgunits:edit", "GET", lambda w: [w.a.community.pk], Perm.MANAGE_UNITS, _community),
    Endpoint("orgunits:move", "GET", lambda w: [w.a.community.pk], Perm.MANAGE_UNITS, _community),
    Endpoint("orgunits:delete", "GET", lambda w: [w.a.community.pk], Perm.MANAGE_UNITS, _community),
    Endpoint(
        "orgunits:export", "GET", lambda w: [w.a.community.pk, "csv"], Perm.EXPORT, _community
    ),
    Endpoint(
        "orgunits:leader_add", "GET", lambda w: [w.a.community.pk], Perm.MANAGE_LEADERS, _community
    ),
    Endpoint(
        "orgunits:leader_end",
        "POST",
        lambda w: [_leader_contract(w)],
        Perm.MANAGE_LEADERS,
        _community,
        data=lambda w: {"until": "2020-03-01"},
    ),
    Endpoint("api:list_units", "GET", lambda w: [], None, api=True),
    Endpoint(
        "api:get_unit", "GET", lambda w: [w.a.community.pk], Perm.VIEW_UNITS, _community, api=True
    ),
    Endpoint("api:me", "GET", lambda w: [], None, api=True),
    Endpoint("api:list_users", "GET", lambda w: [], None, api=True),
    Endpoint(
        "api:get_user", "GET", lambda w: [_grid_worker(w).pk], Perm.MANAGE_USERS, _grid, api=True
    ),
]
# Each app lists its own endpoints in fangkong/<app>/tests/matrix.py.
_app_endpoints, _app_public = app_matrix_rows()
ENDPOINTS += _app_endpoints
PUBLIC |= _app_public


def _leader_contract(w: World) -> int:
    import datetime

    from fangkong.orgunits.models import UnitLeader

    contract, _ = UnitLeader.objects.get_or_create(
        unit=w.a.community,
        leader=w.a.commander,
        defaults={"since": datetime.date(2020, 1, 25), "org_path": w.a.community.path},
    )
    return contract.pk


def holds(user: User, perm: Perm, path: str | None) -> bool:
    """The specification, written out independently of core.scoping."""
    if user.is_superuser:
        return True
    for assignment in user.assignments.select_related("unit"):
        if perm in ROLE_PERMS[Role(assignment.role)] and (
            path is None or path.startswith(assignment.unit.path)
        ):
            return True
    return False


def may_manage_grid_worker(user: User, w: World) -> bool:
    if user.is_superuser:
        return True
    if user.pk == w.a.grid_worker_local.pk:
        return False
    needed = ROLE_PERMS[Role.GRID_WORKER] | {Perm.MANAGE_USERS}
    held: set[Perm] = set()
    for assignment in user.assignments.select_related("unit"):
        if w.a.grid.path.startswith(assignment.unit.path):
            held |= ROLE_PERMS[Role(assignment.role)]
    return needed <= held


def expected_allowed(endpoint: Endpoint, user: User, w: World) -> bool:
    if endpoint.superuser_only:
        return user.is_superuser
    path = endpoint.target(w) if endpoint.target else None
    if endpoint.perm is not None and not holds(user, endpoint.perm, path):
        return False
    if endpoint.also is not None and not holds(user, endpoint.also, path):
        return False
    if endpoint.manage_target_user:
        return may_manage_grid_worker(user, w)
    return True


def everyone(w: World) -> list[User]:
    return [*w.a.users.values(), *w.b.users.values(), w.superuser, w.nobody]


def test_every_url_has_a_row_in_the_matrix():
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                )
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(namespace + entry.name)

    walk(get_resolver().url_patterns)
    covered = {e.name for e in ENDPOINTS} | PUBLIC
    assert names - covered == set(), "add these URLs to the permission matrix"


def test_every_api_operation_has_a_row_in_the_matrix():
    from fangkong.api import api

    schema = api.get_openapi_schema()
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    covered = {e.name.removeprefix("api:") for e in ENDPOINTS if e.api}
    missing = {op for op in operations if not any(op.endswith("_" + c) for c in covered)}
    assert missing == set(), "add these API operations to the permission matrix"


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_each_user_gets_the_expected_answer(endpoint: Endpoint, world: World, client):
    url = reverse(endpoint.name, args=endpoint.args(world))
    data = endpoint.data(world) if endpoint.data else {}

    def call():
        with transaction.atomic():
            if endpoint.method == "GET":
                response = client.get(url)
            elif endpoint.api:
                response = client.post(url, data, content_type="application/json")
            else:
                response = client.post(url, data)
            transaction.set_rollback(True)
        return response

    client.logout()
    anonymous = call()
    if endpoint.api:
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302 and "/login/" in anonymous.url

    for user in everyone(world):
        client.force_login(user)
        response = call()
        allowed = expected_allowed(endpoint, user, world)
        cell = f"{endpoint.name} as {user.username}: {response.status_code}"
        if allowed:
            assert response.status_code in ((200, 201) if endpoint.api else (200, 302)), cell
            if response.status_code == 302:
                assert "/login/" not in response.url, cell
        else:
            assert response.status_code in (403, 404), cell
            target = endpoint.target(world) if endpoint.target else None
            hidden = bool(target) and not holds(user, Perm.VIEW_UNITS, target)
            # Someone who cannot see the record must not learn it exists (404),
            # unless the role is refused before any record is looked at (403).
            if hidden and endpoint.perm and (holds(user, endpoint.perm, None) or endpoint.api):
                assert response.status_code == 404, cell


@pytest.mark.django_db
def test_list_apis_return_only_rows_in_scope(world: World, client):
    from fangkong.orgunits.models import OrgUnit

    for user in everyone(world):
        client.force_login(user)
        seen_units: set[int] = set()
        page = 1
        while True:
            body = client.get(reverse("api:list_units"), {"page": page}).json()
            seen_units |= {item["id"] for item in body["items"]}
            if len(seen_units) >= body["count"]:
                break
            page += 1
        expected = {u.pk for u in OrgUnit.objects.all() if holds(user, Perm.VIEW_UNITS, u.path)}
        assert seen_units == expected, user.username
        users = client.get(reverse("api:list_users")).json()["items"]
        if user.is_superuser:
            assert len(users) == min(100, User.objects.count())
            continue
        for item in users:
            subject = User.objects.get(pk=item["id"])
            assert any(
                holds(user, Perm.MANAGE_USERS, a.unit.path)
                for a in subject.assignments.select_related("unit")
            ), (user.username, subject.username)


@pytest.mark.django_db
def test_roles_elsewhere_are_not_shown_with_a_user(world: World, client):
    from fangkong.accounts.models import Assignment

    dual = world.a.grid_worker_local
    Assignment.objects.create(
        user=dual, role=Role.COMMANDER, unit=world.b.district, org_path=world.b.district.path
    )
    client.force_login(world.a.community_officer)
    for url in (reverse("accounts:user_list"), reverse("accounts:user_detail", args=[dual.pk])):
        assert world.b.district.name not in client.get(url).content.decode()
    body = client.get(reverse("api:get_user", args=[dual.pk])).json()
    assert [a["unit_id"] for a in body["assignments"]] == [world.a.grid.pk]


@pytest.mark.django_db
def test_a_huge_page_number_is_refused_not_a_server_error(world: World, client):
    client.force_login(world.a.admin)
    response = client.get(reverse("api:list_units"), {"page": "99999999999999999999"})
    assert response.status_code == 422


GET_PAGES = [e for e in ENDPOINTS if e.method == "GET" and not e.api]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", GET_PAGES, ids=lambda e: e.name)
def test_a_post_to_any_page_is_refused_to_whoever_may_not_open_it(
    endpoint: Endpoint, world: World, client
):
    """Every page also answers POST (its form): generated from the GET rows, so a new page
    is covered without a row of its own. Whoever may not open the page cannot post to it
    either, whatever the post holds; whoever may, gets no server error from an empty post.
    What a post does for those allowed is the business of the page's own POST rows."""
    url = reverse(endpoint.name, args=endpoint.args(world))

    def post():
        with transaction.atomic():
            response = client.post(url, {})
            transaction.set_rollback(True)
        return response

    client.logout()
    anonymous = post()
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    for user in everyone(world):
        client.force_login(user)
        response = post()
        cell = f"POST {endpoint.name} as {user.username}: {response.status_code}"
        if expected_allowed(endpoint, user, world):
            assert response.status_code < 500, cell
        else:
            assert response.status_code in (403, 404, 405), cell
