"""Every kind of audit entry is written by the action it records, with who, what and where."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.accounts import services as account_services
from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.orgunits import services as unit_services
from fangkong.orgunits.exporting import export_units
from fangkong.orgunits.importing import import_units

pytestmark = pytest.mark.django_db


def _create(w: World, client) -> None:
    unit_services.unit_create(
        actor=w.a.admin, parent=w.a.community, code="Q1", name="新网格", level="grid"
    )


def _update(w: World, client) -> None:
    unit_services.unit_update(actor=w.a.admin, unit=w.a.grid2, name="二网格")


def _delete(w: World, client) -> None:
    unit_services.unit_delete(actor=w.a.admin, unit=w.a.grid2)


def _reveal(w: World, client) -> None:
    account_services.user_update(actor=w.a.admin, user=w.a.grid_worker_local, phone="13900001111")
    account_services.user_reveal_phone(actor=w.a.street_officer, user=w.a.grid_worker_local)


def _export(w: World, client) -> None:
    export_units(actor=w.a.admin, root=w.a.street, fmt="csv")


def _import(w: World, client) -> None:
    content = f"code,name,parent_code,level\nQ2,三网格,{w.a.community.code},grid\n".encode()
    import_units(actor=w.a.admin, file_name="units.csv", content=content)


def _login(w: World, client) -> None:
    from fangkong.core.testing import PASSWORD

    client.post(reverse("accounts:login"), {"username": "a_admin", "password": PASSWORD})


def _login_failed(w: World, client) -> None:
    client.post(reverse("accounts:login"), {"username": "a_admin", "password": "nope"})


def _logout(w: World, client) -> None:
    client.force_login(w.a.admin)
    client.post(reverse("accounts:logout"))


def _password(w: World, client) -> None:
    account_services.user_set_password(
        actor=w.a.admin, user=w.a.grid_worker_local, password="another-long-pass-1"
    )


DRIVERS = {
    AuditEntry.Action.CREATE: _create,
    AuditEntry.Action.UPDATE: _update,
    AuditEntry.Action.DELETE: _delete,
    AuditEntry.Action.REVEAL: _reveal,
    AuditEntry.Action.EXPORT: _export,
    AuditEntry.Action.IMPORT: _import,
    AuditEntry.Action.LOGIN: _login,
    AuditEntry.Action.LOGIN_FAILED: _login_failed,
    AuditEntry.Action.LOGOUT: _logout,
    AuditEntry.Action.PASSWORD: _password,
}


def test_every_action_kind_has_a_driver():
    assert set(DRIVERS) == set(AuditEntry.Action)


@pytest.mark.parametrize("action", list(DRIVERS), ids=str)
def test_the_action_writes_its_entry_inside_district_a(action, world, client):
    before = AuditEntry.objects.filter(action=action).count()
    DRIVERS[action](world, client)
    entries = AuditEntry.objects.filter(action=action)
    assert entries.count() == before + 1
    entry = entries.latest("id")
    assert entry.actor_name
    assert entry.at is not None
    assert entry.org_path.startswith(world.a.district.path)
    assert AuditEntry.objects.visible_to(world.a.commander).filter(pk=entry.pk).exists()
    assert not AuditEntry.objects.visible_to(world.b.commander).filter(pk=entry.pk).exists()


def test_a_failed_login_for_an_unknown_name_is_kept_for_the_installation_administrator(client):
    client.post(reverse("accounts:login"), {"username": "ghost", "password": "nope"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.actor_name == "ghost"
    assert entry.org_path == ""
