from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from fangkong.accounts import audit
from fangkong.accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_audit_entries_cannot_be_changed_or_deleted(world):
    entry = audit.record(actor=world.a.admin, action=audit.Action.EXPORT, target=world.a.grid)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(note="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


def test_the_audit_log_shows_only_entries_in_the_viewers_subtree(client, world):
    audit.record(actor=world.a.admin, action=audit.Action.EXPORT, target=world.a.grid, note="in-a")
    audit.record(actor=world.b.admin, action=audit.Action.EXPORT, target=world.b.grid, note="in-b")
    audit.record(
        actor=world.a.admin, action=audit.Action.EXPORT, target=world.a.street2, note="street2"
    )
    client.force_login(world.a.commander)
    page = client.get(reverse("accounts:audit")).content.decode()
    assert "in-a" in page and "street2" in page and "in-b" not in page
    client.force_login(world.a.admin)
    assert client.get(reverse("accounts:audit")).status_code == 200


def test_roles_without_the_audit_permission_cannot_open_the_log(client, world):
    for user in (world.a.street_officer, world.a.viewer, world.a.grid_worker):
        client.force_login(user)
        assert client.get(reverse("accounts:audit")).status_code == 403


def test_the_audit_log_can_be_filtered_by_action_and_user(client, world):
    audit.record(
        actor=world.a.admin, action=audit.Action.EXPORT, target=world.a.grid, note="note-export-x"
    )
    audit.record(
        actor=world.a.viewer, action=audit.Action.REVEAL, target=world.a.grid, note="note-reveal-x"
    )
    client.force_login(world.a.commander)
    page = client.get(reverse("accounts:audit"), {"action": "reveal"}).content.decode()
    assert "note-reveal-x" in page and "note-export-x" not in page
    page = client.get(reverse("accounts:audit"), {"user": "a_admin"}).content.decode()
    assert "note-export-x" in page and "note-reveal-x" not in page


def test_the_log_shows_changes_with_field_labels_and_choice_names(client, world):
    from fangkong.accounts import services
    from fangkong.core.roles import Role

    services.assignment_add(
        actor=world.a.admin, user=world.a.viewer, role=Role.GRID_WORKER, unit=world.a.grid
    )
    services.user_update(actor=world.a.admin, user=world.a.grid_worker_local, phone="13900001111")
    services.user_reveal_phone(actor=world.a.admin, user=world.a.grid_worker_local)
    client.force_login(world.a.commander)
    page = client.get(reverse("accounts:audit")).content.decode()
    assert "网格员" in page  # the role's name, not its code
    assert "→ grid_worker" not in page
    assert "手机号" in page  # the revealed field, by its label
    assert "13900001111" not in page
