"""Isolation sites and rooms: setting them up from the pages, the occupancy at a glance,
who may see and change them, and how room numbers are read."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fangkong.core.roles import Perm, Role
from fangkong.core.testing import World
from fangkong.observation import services_sites
from fangkong.observation.models import Room, Site
from fangkong.observation.services_sites import MAX_ROOMS, room_numbers
from fangkong.observation.tests.helpers import observe, person, room, site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    """The pages in the source language, so that the texts checked here stay put when
    the translations come."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _centralized(world: World, at: Site, number: str, name: str = "王芳", **values):  # type: ignore[no-untyped-def]
    return observe(
        world, person(world, name, unit=values.pop("unit", None)), kind="centralized", site=at,
        room=room(at, number), **values,
    )  # fmt: skip


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_officer_sets_up_a_site_and_its_rooms_from_the_pages(world: World, login):
    client = login(world.a.street_officer)
    response = client.post(
        reverse("observation:site_create"),
        {"name": "东关宾馆", "unit": world.a.street.code, "kind": "hotel",
         "address": "东关大街1号", "contact": "0531-88000000", "active": "on"},
    )  # fmt: skip
    made = Site.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "observation:site", args=[made.pk]
    )
    assert (made.unit, made.org_path, made.active) == (world.a.street, world.a.street.path, True)

    response = client.post(
        reverse("observation:rooms_add", args=[made.pk]), {"numbers": "0801-0803, 901", "beds": 2}
    )
    assert response.status_code == 302
    assert _messages(response)[-1] == "4 rooms added."
    assert sorted(made.rooms.values_list("number", "beds")) == [
        ("0801", 2), ("0802", 2), ("0803", 2), ("901", 2)]  # fmt: skip
    again = client.post(reverse("observation:rooms_add", args=[made.pk]),
                        {"numbers": "0801", "beds": 1})  # fmt: skip
    assert made.rooms.count() == 4 and "nothing was added" in _messages(again)[-1]

    response = client.post(
        reverse("observation:site_edit", args=[made.pk]),
        {"name": "东关宾馆", "kind": "hotel", "contact": "0531-88000001"},
    )
    made.refresh_from_db()
    assert response.status_code == 302 and made.contact == "0531-88000001" and not made.active
    page = client.get(reverse("observation:site", args=[made.pk])).content.decode()
    assert "0801" in page and "not in use" in page


def test_a_site_is_created_only_in_a_unit_where_the_user_manages_sites(world: World, login):
    client = login(world.a.street_officer)
    response = client.post(
        reverse("observation:site_create"),
        {"name": "西城宾馆", "unit": world.a.street2.code, "kind": "hotel", "active": "on"},
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Site.objects.exists()


def test_bad_room_numbers_are_refused_with_the_reason(world: World, login):
    at = site(world, rooms="101")
    client = login(world.a.commander)
    url = reverse("observation:rooms_add", args=[at.pk])
    response = client.post(url, {"numbers": "120-101", "beds": 1})
    assert response.status_code == 302 and response.url == reverse("observation:site", args=[at.pk])
    assert _messages(response) == ["“120-101” is not a range."]
    assert "is not a range" in client.get(response.url).content.decode()
    response = client.post(url, {"numbers": "102", "beds": 21})
    assert len(_messages(response)) == 1 and at.rooms.count() == 1
    assert client.get(url).status_code == 405


def test_the_list_and_the_detail_show_a_room_taken_at_once(world: World, login):
    at = site(world, rooms="101-103", beds=2)
    taken = _centralized(world, at, "101", "张伟")
    client = login(world.a.commander)

    listing = client.get(reverse("observation:sites"))
    (row,) = listing.context["rows"]
    assert row["site"] == at
    f = row["f"]
    assert (f.rooms, f.beds, f.occupied, f.free) == (3, 6, 1, 5)
    assert "5 beds free" in listing.content.decode()

    detail = client.get(reverse("observation:site", args=[at.pk]))
    f = detail.context["figures"]
    assert (f.rooms, f.beds, f.occupied, f.free) == (3, 6, 1, 5)
    tiles = {t["room"].number: t for _floor, ts in detail.context["floors"] for t in ts}
    assert [o.pk for o in tiles["101"]["people"]] == [taken.pk]
    assert (tiles["101"]["state"], tiles["102"]["state"]) == ("taken", "free")
    page = detail.content.decode()
    assert reverse("observation:detail", args=[taken.pk]) in page and "张伟" in page

    _centralized(world, at, "101", "李娜")
    detail = client.get(reverse("observation:site", args=[at.pk]))
    tiles = {t["room"].number: t for _floor, ts in detail.context["floors"] for t in ts}
    assert tiles["101"]["state"] == "full" and "Full" in detail.content.decode()


def test_the_detail_shows_names_only(world: World, login):
    at = site(world)
    taken = _centralized(world, at, "101", "张伟")
    page = login(world.a.commander).get(reverse("observation:site", args=[at.pk]))
    text = page.content.decode()
    assert "张伟" in text
    assert taken.person.id_number not in text
    assert "13900000001" not in text  # the team's phones


def test_a_reader_below_the_site_sees_only_the_names_of_its_own_people(world: World, login):
    """A district's hotel serves every community; each sees its own people by name."""
    at = site(world, rooms="101", beds=2)
    own = _centralized(world, at, "101", "张伟")
    _centralized(world, at, "101", "李娜", unit=world.a.street2)
    page = login(world.a.community_officer).get(reverse("observation:site", args=[at.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert own.person.full_name in text and "李娜" not in text and "1 other" in text
    assert reverse("observation:room_edit", args=[room(at, "101").pk]) not in text
    assert page.context["rooms_form"] is None


def _refused_everywhere(client, at: Site) -> None:  # type: ignore[no-untyped-def]
    number = room(at, "101")
    for name, args in (("site", [at.pk]), ("site_edit", [at.pk]), ("room_edit", [number.pk])):
        assert client.get(reverse(f"observation:{name}", args=args)).status_code == 404, name
    url = reverse("observation:rooms_add", args=[at.pk])
    assert client.post(url, {"numbers": "999", "beds": 1}).status_code == 404
    assert at.name not in client.get(reverse("observation:sites")).content.decode()
    assert not at.rooms.filter(number="999").exists()


def test_a_site_of_the_other_district_does_not_exist_for_its_users(world: World, login):
    at = site(world)
    for user in (world.b.officer, world.b.commander, world.b.admin):
        _refused_everywhere(login(user), at)


def test_a_street_sees_the_district_site_it_sends_people_to_but_not_a_sister_streets(
    world: World, login
):
    district_hotel = site(world)
    street_hotel = site(world, "东关宾馆", unit=world.a.street)
    client = login(world.a.street2_officer)
    _refused_everywhere(client, street_hotel)
    assert client.get(reverse("observation:site", args=[district_hotel.pk])).status_code == 200
    assert client.get(reverse("observation:site_edit", args=[district_hotel.pk])).status_code == 403


def test_those_who_neither_run_sites_nor_observation_are_refused(world: World, login):
    at = site(world)
    for user in (world.a.viewer, world.a.grid_worker_local, world.a.logistics):
        client = login(user)
        for url in (reverse("observation:sites"), reverse("observation:site_create"),
                    reverse("observation:site", args=[at.pk]),
                    reverse("observation:site_edit", args=[at.pk]),
                    reverse("observation:room_edit", args=[room(at, "101").pk])):  # fmt: skip
            assert client.get(url).status_code == 403, (user, url)


def test_every_role_that_runs_sites_also_manages_observation():
    """The permission matrix names MANAGE_OBSERVATION for reading sites (matrix_sites)."""
    for role in Role:
        if Perm.MANAGE_SITES in role.perms:
            assert Perm.MANAGE_OBSERVATION in role.perms, role


def test_an_epidemiologist_reads_sites_but_does_not_change_them(world: World, login):
    at = site(world)
    client = login(world.a.epidemiologist)
    assert client.get(reverse("observation:sites")).status_code == 200
    page = client.get(reverse("observation:site", args=[at.pk]))
    assert page.status_code == 200 and page.context["may_manage"] is False
    assert reverse("observation:site_edit", args=[at.pk]) not in page.content.decode()
    assert client.get(reverse("observation:site_create")).status_code == 403
    assert client.get(reverse("observation:site_edit", args=[at.pk])).status_code == 403
    url = reverse("observation:rooms_add", args=[at.pk])
    assert client.post(url, {"numbers": "999", "beds": 1}).status_code == 403
    assert not at.rooms.filter(number="999").exists()


def test_a_room_keeps_at_least_as_many_beds_as_people_in_it(world: World, login):
    at = site(world, rooms="101", beds=2)
    _centralized(world, at, "101", "张伟")
    _centralized(world, at, "101", "李娜")
    taken = room(at, "101")
    client = login(world.a.commander)
    url = reverse("observation:room_edit", args=[taken.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"beds": 1, "active": "on"})
    assert response.status_code == 200
    assert "2 people are in this room now." in response.content.decode()
    assert response.context["form"].errors == {"beds": ["2 people are in this room now."]}
    taken.refresh_from_db()
    assert taken.beds == 2

    response = client.post(url, {"beds": 3})
    assert response.status_code == 302 and response.url == reverse("observation:site", args=[at.pk])
    taken.refresh_from_db()
    assert (taken.beds, taken.active, taken.occupied) == (3, False, 2)
    detail = client.get(response.url)
    tiles = {t["room"].number: t for _floor, ts in detail.context["floors"] for t in ts}
    assert tiles["101"]["state"] == "off"
    assert detail.context["figures"].beds == 0  # rooms not in use offer no beds


def test_rooms_are_shown_in_number_order_by_floor(world: World, login):
    at = site(world, rooms="1001-1002, 902, 901, A1")
    detail = login(world.a.commander).get(reverse("observation:site", args=[at.pk]))
    floors = [(f, [t["room"].number for t in ts]) for f, ts in detail.context["floors"]]
    assert floors == [("9", ["901", "902"]), ("10", ["1001", "1002"]), ("", ["A1"])]


def test_the_site_detail_takes_the_same_queries_with_many_rooms(
    world: World, login, django_assert_max_num_queries
):
    small = site(world, "小", rooms="101-102", beds=2)
    _centralized(world, small, "101", "张伟")
    big = site(world, "大", rooms="101-160, 201-240", beds=2)
    for n, name in enumerate(("李娜", "王强", "赵敏", "孙丽", "周杰", "吴刚")):
        _centralized(world, big, f"{101 + n}", name)
    client = login(world.a.commander)
    # 11: the page's own, and one for the navbar's unread-notices badge.
    with django_assert_max_num_queries(11) as small_queries:
        client.get(reverse("observation:site", args=[small.pk]))
    with django_assert_max_num_queries(len(small_queries)):
        client.get(reverse("observation:site", args=[big.pk]))
    for n in range(6):
        site(world, f"酒店{n}", rooms="101-110")
    with django_assert_max_num_queries(5):  # 4, and the navbar's unread-notices badge
        client.get(reverse("observation:sites"))


# Room numbers: how "101-120, 201" is read.


@given(
    first=st.integers(min_value=0, max_value=99999), span=st.integers(0, 60), pad=st.integers(0, 3)
)
def test_a_range_gives_every_number_once_in_the_width_of_its_first(first: int, span: int, pad: int):
    width = len(str(first)) + pad
    text = f"{first:0{width}d}-{first + span}"
    numbers = room_numbers(text)
    assert numbers == [f"{n:0{width}d}" for n in range(first, first + span + 1)]
    assert len(set(numbers)) == len(numbers)


@given(
    parts=st.lists(
        st.one_of(
            st.tuples(st.integers(1, 9999), st.integers(0, 20)).map(
                lambda p: f"{p[0]}-{p[0] + p[1]}"
            ),
            st.integers(1, 99999).map(str),
            st.from_regex(r"[A-Z]{1,2}[0-9]{1,4}", fullmatch=True),
        ),
        min_size=1,
        max_size=6,
    ),
    separator=st.sampled_from([",", ", ", "，", "、", " ", "\n"]),
)
def test_ranges_and_single_rooms_mix_and_repeat_once(parts: list[str], separator: str):
    numbers = room_numbers(separator.join(parts))
    expected: list[str] = []
    for part in parts:
        if "-" in part:
            first, last = part.split("-")
            expected += [str(n).zfill(len(first)) for n in range(int(first), int(last) + 1)]
        else:
            expected.append(part)
    assert numbers == list(dict.fromkeys(expected))


@given(first=st.integers(1, 9999), back=st.integers(1, 500))
def test_a_range_that_runs_backwards_is_refused(first: int, back: int):
    with pytest.raises(ValidationError) as refused:
        room_numbers(f"{first + back}-{first}")
    assert "numbers" in refused.value.message_dict


@given(first=st.integers(0, 9999), extra=st.integers(0, 5000))
def test_a_range_of_more_rooms_than_a_site_adds_at_once_is_refused(first: int, extra: int):
    with pytest.raises(ValidationError):
        room_numbers(f"{first}-{first + MAX_ROOMS + extra}")


@pytest.mark.parametrize("text", ["", " , ，", "x" * 21, "1-300, 400-699"])
def test_room_numbers_refuse_what_cannot_be_rooms(text: str):
    with pytest.raises(ValidationError):
        room_numbers(text)


@pytest.mark.parametrize(("text", "wanted"), [("101 - 103", ["101", "102", "103"]), ("101-", None),
                                              ("101-102-103", None)])  # fmt: skip
def test_a_range_typed_with_spaces_or_a_stray_dash(text: str, wanted: list[str] | None):
    if wanted is None:
        with pytest.raises(ValidationError):
            room_numbers(text)
    else:
        assert room_numbers(text) == wanted


def test_room_update_refuses_fewer_beds_than_people_in_the_service_too(world: World):
    at = site(world, rooms="101", beds=2)
    _centralized(world, at, "101", "张伟")
    _centralized(world, at, "101", "李娜")
    with pytest.raises(ValidationError):
        services_sites.room_update(
            actor=world.a.commander, room=room(at, "101"), beds=1, active=True
        )
    assert Room.objects.get(number="101").beds == 2
