from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.people import services
from fangkong.people.models import Household, Person
from fangkong.people.testing import mobile, resident_id

pytestmark = pytest.mark.django_db


def _person(world: World, n: int = 0, **extra) -> Person:
    return services.person_create(
        actor=world.a.grid_worker_local,
        full_name=extra.pop("full_name", f"居民{n}"),
        unit=extra.pop("unit", world.a.grid),
        id_number=resident_id(seq=100 + n),
        phone=mobile(n),
        **extra,
    )


def test_registering_a_person_with_a_household_address_creates_the_household_once(
    world: World, login
):
    client = login(world.a.grid_worker_local)
    for n, name in enumerate(("王芳", "王小明")):
        response = client.post(
            reverse("people:create"),
            {
                "full_name": name,
                "id_type": "resident",
                "id_number": resident_id(seq=200 + n),
                "unit": world.a.grid.code,
                "household_address": "翰林苑 3号楼 2单元 101" if n == 0 else "翰林苑3号楼2单元101",
                "sex": "U",
            },
        )
        assert response.status_code == 302, response.content.decode()
    assert Household.objects.count() == 1
    assert Household.objects.get().members.count() == 2


def test_a_duplicate_id_on_the_form_links_to_the_existing_record(world: World, login):
    existing = _person(world)
    response = login(world.a.grid_worker_local).post(
        reverse("people:create"),
        {
            "full_name": "又一个",
            "id_type": "resident",
            "id_number": resident_id(seq=100),
            "unit": world.a.grid.code,
            "sex": "U",
        },
    )
    assert response.status_code == 200
    assert reverse("people:detail", args=[existing.pk]) in response.content.decode()
    assert Person.objects.count() == 1


def test_the_list_finds_a_person_by_full_id_or_phone_but_shows_them_masked(world: World, login):
    person = _person(world, 3, full_name="赵六")
    _person(world, 4, full_name="钱七")
    client = login(world.a.community_officer)
    for query in (resident_id(seq=103).lower(), mobile(3), "赵"):
        # The search is sent by POST and kept in the session: the number is in no URL.
        found = client.post(reverse("people:list"), {"q": query, "status": ""})
        assert found.status_code == 302 and query not in found.url and "search=1" in found.url
        page = client.get(found.url).content.decode()
        body = page[page.index("<tbody>") : page.index("</tbody>")]
        assert "赵六" in body and "钱七" not in body, query
        # The typed number stays in the search box; the results show it masked.
        assert resident_id(seq=103) not in body and mobile(3) not in body
    assert person.masked_id_number in body


def test_the_list_shows_only_the_users_area_in_a_fixed_number_of_queries(
    world: World, login, django_assert_max_num_queries
):
    for n in range(5):
        _person(world, n)
    services.person_create(actor=world.b.grid_worker_local, full_name="外区居民", unit=world.b.grid)
    client = login(world.a.grid_worker_local)
    client.get(reverse("people:list"))
    with django_assert_max_num_queries(8):
        body = client.get(reverse("people:list")).content.decode()
    assert "居民4" in body and "外区居民" not in body


def test_the_detail_page_explains_the_status_in_words(world: World, login):
    from fangkong.people.models import RiskArea

    RiskArea.objects.create(
        unit=world.a.district,
        org_path=world.a.district.path,
        division_code="420100",
        name="湖北省武汉市",
        level="high",
        valid_from=date(2020, 1, 10),
    )
    person = _person(world)
    services.travel_add(
        actor=world.a.grid_worker_local, person=person, origin="武汉", arrived_on=date(2020, 1, 24)
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2020, 1, 30))
        body = (
            login(world.a.grid_worker_local)
            .get(reverse("people:detail", args=[person.pk]))
            .content.decode()
        )
    assert "湖北省武汉市" in body
    assert "14" in body


def test_revealing_a_number_shows_it_and_writes_the_audit_log(world: World, login):
    person = _person(world, 7)
    client = login(world.a.grid_worker_local)
    response = client.post(reverse("people:reveal", args=[person.pk, "id_number"]))
    assert resident_id(seq=107) in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal", target_id=str(person.pk)).count() == 1
    assert client.post(reverse("people:reveal", args=[person.pk, "note"])).status_code == 404


def test_the_detail_page_never_carries_the_full_numbers(world: World, login):
    person = _person(world, 8)
    body = login(world.a.commander).get(reverse("people:detail", args=[person.pk])).content
    assert resident_id(seq=108).encode() not in body and mobile(8).encode() not in body


def test_editing_with_blank_numbers_keeps_them(world: World, login):
    person = _person(world, 9)
    response = login(world.a.grid_worker_local).post(
        reverse("people:edit", args=[person.pk]),
        {
            "full_name": "改名",
            "id_type": "resident",
            "id_number": "",
            "phone": "",
            "unit": world.a.grid.code,
            "sex": "M",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.id_number, person.phone) == (
        "改名",
        resident_id(seq=109),
        mobile(9),
    )


def test_merging_from_the_page_folds_the_second_record_into_the_first(world: World, login):
    kept = services.person_create(
        actor=world.a.grid_worker_local, full_name="孙八", unit=world.a.grid, phone=mobile(11)
    )
    merged = _person(world, 12, full_name="孙八")
    client = login(world.a.grid_worker_local)
    page = client.get(reverse("people:detail", args=[kept.pk])).content.decode()
    assert reverse("people:merge", args=[kept.pk, merged.pk]) in page
    response = client.post(reverse("people:merge", args=[kept.pk, merged.pk]))
    assert response.status_code == 302
    follow = client.get(reverse("people:detail", args=[merged.pk]))
    assert follow.status_code == 302 and follow.url == reverse("people:detail", args=[kept.pk])


def test_adding_a_journey_with_a_bad_origin_date_says_what_is_wrong(world: World, login):
    person = _person(world)
    client = login(world.a.grid_worker_local)
    response = client.post(
        reverse("people:travel_add", args=[person.pk]),
        {
            "origin": "武汉",
            "departed_on": "2020-01-25",
            "arrived_on": "2020-01-24",
            "transport": "train",
        },
        follow=True,
    )
    with translation.override("zh-hans"):
        expected = translation.gettext("The departure date cannot be after the arrival date.")
    assert expected in response.content.decode()
    assert not person.travels.exists()


def test_the_api_lists_persons_masked_and_in_scope(world: World, login):
    _person(world, 1)
    client = login(world.b.commander)
    assert client.get(reverse("api:list_persons")).json()["count"] == 0
    items = login(world.a.viewer).get(reverse("api:list_persons"))
    assert items.status_code == 403
    body = login(world.a.epidemiologist).get(reverse("api:list_persons")).json()
    assert body["items"][0]["masked_phone"] == "139****0001"
    assert mobile(1) not in str(body)
