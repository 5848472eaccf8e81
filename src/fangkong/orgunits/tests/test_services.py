from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Assignment, AuditEntry
from fangkong.core.roles import Role
from fangkong.orgunits import services
from fangkong.orgunits.models import Level, OrgUnit

pytestmark = pytest.mark.django_db


def test_a_new_unit_hangs_under_its_parent_with_a_fresh_path(world):
    unit = services.unit_create(
        actor=world.a.admin,
        parent=world.a.community,
        code="370102001001003",
        name="第三网格",
        level=Level.GRID,
    )
    assert unit.path.startswith(world.a.community.path)
    assert unit.depth == world.a.community.depth + 1
    assert OrgUnit.objects.in_subtree(world.a.street.path).filter(pk=unit.pk).exists()
    entry = AuditEntry.objects.get(action="create", target_id=str(unit.pk))
    assert entry.actor == world.a.admin
    assert entry.org_path == unit.path


def test_a_deleted_units_path_is_never_handed_out_again(world):
    make = {"actor": world.a.admin, "parent": world.a.community, "level": Level.GRID}
    first = services.unit_create(code="X1", name="临时网格", **make)
    old_path = first.path
    services.unit_delete(actor=world.a.admin, unit=first)
    second = services.unit_create(code="X2", name="新网格", **make)
    assert second.path != old_path


def test_a_level_must_be_deeper_than_its_parents(world):
    with pytest.raises(ValidationError) as raised:
        services.unit_create(
            actor=world.a.admin, parent=world.a.grid, code="X3", name="错误", level=Level.STREET
        )
    assert "level" in raised.value.message_dict


def test_codes_are_unique_and_well_formed(world):
    for code in (world.a.grid.code, "has space", ""):
        with pytest.raises(ValidationError):
            services.unit_create(
                actor=world.a.admin, parent=world.a.community, code=code, name="网格", level="grid"
            )


def test_only_an_administrator_in_scope_may_change_the_tree(world):
    for actor in (world.a.street_officer, world.a.commander, world.b.admin):
        with pytest.raises(PermissionDenied):
            services.unit_update(actor=actor, unit=world.a.grid, name="改名")
    services.unit_update(actor=world.a.street_admin, unit=world.a.grid, name="改名")
    assert OrgUnit.objects.get(pk=world.a.grid.pk).name == "改名"


def test_an_update_records_only_the_changed_fields(world):
    services.unit_update(actor=world.a.admin, unit=world.a.grid, name="一网格", residents=800)
    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.changes == {"name": ["第一网格", "一网格"]}


def test_a_moved_unit_takes_its_subtree_and_everyones_roles_along(world):
    community = world.a.community
    grid_worker = world.a.grid_worker_local
    services.unit_move(actor=world.a.admin, unit=community, new_parent=world.a.street2)
    community.refresh_from_db()
    grid = OrgUnit.objects.get(pk=world.a.grid.pk)
    assert community.path.startswith(world.a.street2.path)
    assert grid.path.startswith(community.path)
    assert grid.depth == community.depth + 1
    assignment = Assignment.objects.get(user=grid_worker, role=Role.GRID_WORKER)
    assert assignment.org_path == grid.path
    street2_units = OrgUnit.objects.visible_to(world.a.street2_officer)
    assert street2_units.filter(pk=grid.pk).exists()
    assert not OrgUnit.objects.visible_to(world.a.street_officer).filter(pk=grid.pk).exists()


def test_a_unit_cannot_be_moved_under_itself_or_out_of_the_actors_reach(world):
    with pytest.raises(ValidationError):
        services.unit_move(actor=world.a.admin, unit=world.a.street, new_parent=world.a.community)
    with pytest.raises(PermissionDenied):
        services.unit_move(
            actor=world.a.street_admin, unit=world.a.community, new_parent=world.a.street2
        )
    with pytest.raises(PermissionDenied):
        services.unit_move(actor=world.a.admin, unit=world.a.community, new_parent=world.b.street)


def test_a_unit_with_sub_units_or_users_cannot_be_deleted(world):
    with pytest.raises(ValidationError):
        services.unit_delete(actor=world.a.admin, unit=world.a.community)
    with pytest.raises(ValidationError):
        services.unit_delete(actor=world.a.admin, unit=world.a.grid)  # a grid worker is assigned
    services.unit_delete(actor=world.a.admin, unit=world.a.grid2)
    assert not OrgUnit.objects.filter(pk=world.a.grid2.pk).exists()


def test_a_leader_contract_is_scoped_and_cannot_end_before_it_starts(world):
    import datetime

    contract = services.leader_assign(
        actor=world.a.street_officer,
        unit=world.a.community,
        leader=world.a.commander,
        title="区委副书记",
        since=datetime.date(2020, 1, 25),
    )
    assert contract.org_path == world.a.community.path
    with pytest.raises(ValidationError):
        services.leader_end(
            actor=world.a.street_officer, contract=contract, until=datetime.date(2020, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.leader_assign(
            actor=world.b.commander,
            unit=world.a.community,
            leader=world.b.commander,
            since=datetime.date(2020, 1, 25),
        )


def test_a_move_with_a_stale_copy_of_the_unit_keeps_paths_consistent(world):
    stale_grid = OrgUnit.objects.get(pk=world.a.grid.pk)
    services.unit_move(actor=world.a.admin, unit=world.a.community, new_parent=world.a.street2)
    other = services.unit_create(
        actor=world.a.admin, parent=world.a.street2, code="C2", name="另一社区", level="community"
    )
    services.unit_move(actor=world.a.admin, unit=stale_grid, new_parent=other)
    grid = OrgUnit.objects.get(pk=world.a.grid.pk)
    assert grid.parent == other and grid.path.startswith(other.path)


def test_a_unit_with_leader_contracts_is_not_deleted_with_them(world):
    import datetime

    services.leader_assign(
        actor=world.a.admin,
        unit=world.a.grid2,
        leader=world.a.commander,
        since=datetime.date(2020, 1, 25),
    )
    with pytest.raises(ValidationError):
        services.unit_delete(actor=world.a.admin, unit=world.a.grid2)
