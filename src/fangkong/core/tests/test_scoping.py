from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from fangkong.accounts.models import User
from fangkong.core.roles import Perm, Role
from fangkong.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


def visible_codes(user) -> set[str]:
    return set(OrgUnit.objects.visible_to(user).values_list("code", flat=True))


def subtree_codes(unit: OrgUnit) -> set[str]:
    return set(OrgUnit.objects.in_subtree(unit.path).values_list("code", flat=True))


def test_a_district_role_sees_its_whole_district_and_nothing_of_the_other(world):
    assert visible_codes(world.a.viewer) == subtree_codes(world.a.district)
    assert not visible_codes(world.a.viewer) & subtree_codes(world.b.district)


def test_a_street_officer_sees_its_street_only(world):
    seen = visible_codes(world.a.street_officer)
    assert seen == subtree_codes(world.a.street)
    assert world.a.district.code not in seen
    assert world.a.street2.code not in seen


def test_a_grid_worker_sees_its_grid_and_not_the_neighbouring_grid(world):
    seen = visible_codes(world.a.grid_worker_local)
    assert seen == {world.a.grid.code}


def test_anonymous_inactive_and_unassigned_users_see_nothing(world):
    assert visible_codes(AnonymousUser()) == set()
    assert visible_codes(world.nobody) == set()
    world.a.commander.is_active = False
    world.a.commander.save()
    assert visible_codes(User.objects.get(pk=world.a.commander.pk)) == set()


def test_a_superuser_sees_every_district(world):
    assert visible_codes(world.superuser) == set(OrgUnit.objects.values_list("code", flat=True))


def test_scope_by_permission_uses_only_roles_that_carry_it(world):
    """A viewer at the district who is also officer of one street manages users only there."""
    from fangkong.accounts.models import Assignment

    viewer = world.a.viewer
    Assignment.objects.create(
        user=viewer, role=Role.UNIT_OFFICER, unit=world.a.street2, org_path=world.a.street2.path
    )
    viewer = User.objects.get(pk=viewer.pk)
    managed = set(
        OrgUnit.objects.visible_to(viewer, Perm.MANAGE_USERS).values_list("code", flat=True)
    )
    assert managed == subtree_codes(world.a.street2)
    assert visible_codes(viewer) == subtree_codes(world.a.district)


def test_has_perm_answers_for_objects_in_and_out_of_scope(world):
    officer = world.a.street_officer
    assert officer.has_perm(Perm.MANAGE_USERS, world.a.community)
    assert not officer.has_perm(Perm.MANAGE_USERS, world.a.street2)
    assert not officer.has_perm(Perm.MANAGE_UNITS, world.a.community)
    assert not officer.has_perm(Perm.VIEW_UNITS, world.b.grid)
    assert world.a.admin.has_perm(Perm.MANAGE_UNITS, world.a.grid)
    assert not world.a.admin.has_perm(Perm.MANAGE_UNITS, world.b.grid)


def test_users_are_visible_where_one_of_their_roles_lies(world):
    seen = set(User.objects.visible_to(world.a.street_officer).values_list("username", flat=True))
    assert "a_community_officer" in seen
    assert "a_grid_worker_local" in seen
    assert "a_admin" not in seen  # assigned at the district, above the street
    assert not any(name.startswith("b_") for name in seen)


def test_every_role_has_a_label_a_description_and_can_view_units():
    for role in Role:
        assert str(role.label)
        assert role.description
        assert Perm.VIEW_UNITS in role.perms


def test_has_perm_at_follows_the_grants_it_was_worked_out_from(world):
    from fangkong.accounts.models import Assignment
    from fangkong.core.scoping import forget_grants, has_perm_at, scope_roots

    worker, grid, grid2 = world.a.grid_worker_local, world.a.grid.path, world.a.grid2.path
    for _ in range(2):  # the second time from what the first kept
        assert has_perm_at(worker, Perm.RECORD_VISITS, grid)
        assert has_perm_at(worker, Perm.RECORD_VISITS, grid + "0001")
        assert not has_perm_at(worker, Perm.RECORD_VISITS, grid2)
        assert not has_perm_at(worker, Perm.MANAGE_USERS, grid)
    assert has_perm_at(worker, Perm.RECORD_VISITS, None)
    assert not has_perm_at(worker, Perm.MANAGE_USERS, None)
    Assignment.objects.create(user=worker, role=Role.GRID_WORKER, unit=world.a.grid2,
                              org_path=grid2)  # fmt: skip
    forget_grants(worker)  # as every change to assignments does
    assert has_perm_at(worker, Perm.RECORD_VISITS, grid2)
    roots = scope_roots(worker, Perm.RECORD_VISITS)  # a list of its own: the caller's to change
    assert roots == [grid, grid2]
    roots.clear()
    assert has_perm_at(worker, Perm.RECORD_VISITS, grid2)
    worker._fangkong_grants = []  # grants loaded anew (as a copy of the user may be)
    assert not has_perm_at(worker, Perm.RECORD_VISITS, grid)  # the roots follow them
    forget_grants(worker)
    worker.is_active = False  # the grants of an inactive user are none, kept or not
    assert not has_perm_at(worker, Perm.RECORD_VISITS, grid)
    assert has_perm_at(world.superuser, Perm.MANAGE_USERS, "9999")
    assert not has_perm_at(AnonymousUser(), Perm.RECORD_VISITS, None)
