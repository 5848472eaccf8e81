from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fangkong.accounts import services
from fangkong.accounts.models import Assignment, AuditEntry, User
from fangkong.core.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-pass-2020"


def test_a_street_officer_creates_a_grid_worker_in_its_street(world):
    user = services.user_create(
        actor=world.a.street_officer,
        username="wang",
        full_name="王网格",
        password=PASSWORD,
        role=Role.GRID_WORKER,
        unit=world.a.grid,
        phone="13800001111",
    )
    assert user.assignments.get().org_path == world.a.grid.path
    assert AuditEntry.objects.filter(action="create", target_type="accounts.user").exists()


@pytest.mark.parametrize(
    ("actor", "role", "unit"),
    [
        ("street_officer", Role.GRID_WORKER, "street2"),  # outside its street
        ("street_officer", Role.ADMIN, "grid"),  # a role above its own
        ("street_officer", Role.COMMANDER, "grid"),
        ("grid_worker", Role.GRID_WORKER, "grid"),  # may not manage users at all
        ("viewer", Role.VIEWER, "grid"),
    ],
)
def test_nobody_grants_outside_their_subtree_or_above_their_own_role(world, actor, role, unit):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=world.a.users[actor],
            username="x",
            full_name="某",
            password=PASSWORD,
            role=role,
            unit=getattr(world.a, unit),
        )


def test_the_other_districts_officer_cannot_create_users_here(world):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=world.b.officer,
            username="x",
            full_name="某",
            password=PASSWORD,
            role=Role.VIEWER,
            unit=world.a.grid,
        )


def test_a_manager_cannot_touch_a_user_who_also_holds_a_role_above_it(world):
    commander = world.a.commander
    Assignment.objects.create(
        user=commander, role=Role.VIEWER, unit=world.a.grid, org_path=world.a.grid.path
    )
    officer = world.a.street_officer
    assert commander in User.objects.visible_to(officer)
    assert not services.may_manage(officer, commander)
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=officer, user=commander, password=PASSWORD)


def test_nobody_manages_their_own_account_through_user_management(world):
    with pytest.raises(PermissionDenied):
        services.assignment_add(
            actor=world.a.street_officer,
            user=world.a.street_officer,
            role=Role.UNIT_OFFICER,
            unit=world.a.street2,
        )


def test_the_last_role_cannot_be_removed_so_a_user_never_falls_out_of_sight(world):
    from django.core.exceptions import ValidationError

    only = world.a.grid_worker_local.assignments.get()
    with pytest.raises(ValidationError):
        services.assignment_remove(actor=world.a.street_officer, assignment=only)


def test_a_weak_password_is_refused_with_a_reason(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.user_create(
            actor=world.a.admin,
            username="weak",
            full_name="弱",
            password="123456",
            role=Role.VIEWER,
            unit=world.a.grid,
        )
    assert not User.objects.filter(username="weak").exists()


def test_revealing_a_phone_is_audited_and_the_number_never_enters_the_log(world, client):
    services.user_update(actor=world.a.admin, user=world.a.grid_worker_local, phone="13912345678")
    client.force_login(world.a.street_officer)
    detail = client.get(reverse("accounts:user_detail", args=[world.a.grid_worker_local.pk]))
    assert "139****5678" in detail.content.decode()
    assert "13912345678" not in detail.content.decode()
    response = client.post(reverse("accounts:user_phone", args=[world.a.grid_worker_local.pk]))
    assert "13912345678" in response.content.decode()
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == world.a.street_officer
    assert all("13912345678" not in str(e.changes) for e in AuditEntry.objects.all())


def test_a_user_outside_scope_is_not_found_through_any_user_page(world, client):
    client.force_login(world.b.officer)
    target = world.a.grid_worker_local
    for name in ("user_detail", "user_edit", "user_password"):
        assert client.get(reverse(f"accounts:{name}", args=[target.pk])).status_code == 404
    for name in ("user_phone", "assignment_add"):
        assert client.post(reverse(f"accounts:{name}", args=[target.pk])).status_code == 404
    role = target.assignments.get()
    assert client.post(reverse("accounts:assignment_remove", args=[role.pk])).status_code == 404
    assert User.objects.get(pk=target.pk).assignments.count() == 1


def test_creating_a_user_through_the_page(world, client):
    client.force_login(world.a.community_officer)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "li",
            "full_name": "李四",
            "phone": "",
            "role": Role.GRID_WORKER,
            "unit": world.a.grid2.code,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="li").assignments.get().unit == world.a.grid2


def test_the_user_form_does_not_accept_a_unit_outside_scope(world, client):
    client.force_login(world.a.community_officer)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "li",
            "full_name": "李四",
            "role": Role.GRID_WORKER,
            "unit": world.b.grid.code,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not User.objects.filter(username="li").exists()


def test_the_user_list_shows_only_users_in_scope(world, client):
    client.force_login(world.a.street_officer)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "a_grid_worker_local" in page
    assert "a_street2_officer" not in page
    assert "b_" not in page


def test_the_user_form_offers_only_roles_the_manager_could_grant(world, client):
    client.force_login(world.a.community_officer)
    form = client.get(reverse("accounts:user_create")).context["form"]
    offered = {value for value, _ in form.fields["role"].choices}
    assert Role.GRID_WORKER in offered and Role.VIEWER in offered
    assert Role.ADMIN not in offered and Role.COMMANDER not in offered
    assert form.fields["role"].initial == Role.GRID_WORKER


def test_the_user_form_says_what_is_wrong_with_each_field_at_once(world, client):
    client.force_login(world.a.community_officer)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "li",
            "full_name": "李四",
            "role": Role.GRID_WORKER,
            "unit": "999",
            "password": "123",
        },
    )
    errors = response.context["form"].errors
    assert "您管辖范围内没有此代码的单位" in errors["unit"][0]
    assert errors["password"]


def test_the_edit_page_does_not_show_the_phone_and_blank_keeps_it(world, client):
    services.user_update(actor=world.a.admin, user=world.a.grid_worker_local, phone="13912345678")
    client.force_login(world.a.street_officer)
    url = reverse("accounts:user_edit", args=[world.a.grid_worker_local.pk])
    assert "13912345678" not in client.get(url).content.decode()
    client.post(url, {"full_name": "新名字", "phone": "", "is_active": "on"})
    user = User.objects.get(pk=world.a.grid_worker_local.pk)
    assert user.full_name == "新名字" and user.phone == "13912345678"
