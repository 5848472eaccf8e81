from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.orgunits import selectors

pytestmark = pytest.mark.django_db


def test_the_subtree_summary_counts_each_childs_units_and_sums_the_grids(world):
    summary = selectors.subtree_summary(unit=world.a.district)
    by_code = {row.unit.code: row for row in summary.children}
    assert by_code[world.a.street.code].sub_units == 3
    assert by_code[world.a.street.code].grids == 2
    assert by_code[world.a.street2.code].sub_units == 0
    assert dict(summary.levels) == {"街道": 2, "社区": 1, "网格": 2}
    assert summary.population == {"residents": 1400, "households": 520}


def test_a_unit_page_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.a.commander)
    # 11: the page's own, and one for the navbar's unread-notices badge.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("orgunits:detail", args=[world.a.district.pk]))
    assert response.status_code == 200


def test_the_breadcrumbs_stop_at_the_top_of_the_users_scope(world, client):
    client.force_login(world.a.street_officer)
    page = client.get(reverse("orgunits:detail", args=[world.a.grid.pk])).content.decode()
    assert reverse("orgunits:detail", args=[world.a.street.pk]) in page
    assert reverse("orgunits:detail", args=[world.a.district.pk]) not in page


def test_search_finds_units_by_name_or_code_only_in_scope(world, client):
    client.force_login(world.a.street_officer)
    page = client.get(reverse("orgunits:index"), {"q": "网格"}).content.decode()
    assert world.a.grid.code in page
    page = client.get(reverse("orgunits:index"), {"q": world.b.grid.code}).content.decode()
    assert reverse("orgunits:detail", args=[world.b.grid.pk]) not in page
    assert "您管辖范围内没有匹配的单位" in page


def test_adding_a_sub_unit_through_the_page(world, client):
    client.force_login(world.a.street_admin)
    response = client.post(
        reverse("orgunits:create", args=[world.a.community.pk]),
        {
            "name": "第三网格",
            "code": "370102001001003",
            "level": "grid",
            "residents": 10,
            "households": 4,
        },
    )
    assert response.status_code == 302
    assert world.a.community.children.filter(code="370102001001003").exists()


def test_the_form_names_the_field_that_is_wrong(world, client):
    client.force_login(world.a.street_admin)
    response = client.post(
        reverse("orgunits:create", args=[world.a.community.pk]),
        {
            "name": "第三网格",
            "code": world.a.grid.code,
            "level": "grid",
            "residents": 0,
            "households": 0,
        },
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_moving_a_unit_through_the_page(world, client):
    client.force_login(world.a.admin)
    response = client.post(
        reverse("orgunits:move", args=[world.a.community.pk]), {"parent": world.a.street2.code}
    )
    assert response.status_code == 302
    world.a.community.refresh_from_db()
    assert world.a.community.parent == world.a.street2


def test_the_move_form_offers_no_parent_outside_scope(world, client):
    client.force_login(world.a.street_admin)
    response = client.post(
        reverse("orgunits:move", args=[world.a.grid.pk]), {"parent": world.b.community.code}
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    world.a.grid.refresh_from_db()
    assert world.a.grid.parent == world.a.community


def test_unit_suggestions_come_only_from_the_users_scope(world, client):
    client.force_login(world.a.street_officer)
    options = client.get(reverse("orgunits:lookup"), {"unit": "网格"}).content.decode()
    assert world.a.grid.code in options and world.a.grid2.code in options
    assert world.b.grid.code not in options
    assert client.get(reverse("orgunits:lookup"), {"unit": ""}).content.decode().strip() == ""


def test_search_results_name_the_parent_so_that_twin_names_can_be_told_apart(world, client):
    client.force_login(world.a.commander)
    page = client.get(reverse("orgunits:index"), {"q": "第一网格"}).content.decode()
    assert world.a.community.name in page
