"""Trips of cases: numbers and plates as typed, same-trip matching by train, flight and car,
its scope, the one-click close contact, and the public check that names nobody."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fangkong.accounts.models import AuditEntry
from fangkong.cases import trips
from fangkong.cases.models import Case, Contact, Trip
from fangkong.cases.tests.helpers import case as make_case
from fangkong.cases.tests.helpers import days_ago
from fangkong.checkpoints.models import Traveller
from fangkong.checkpoints.tests.helpers import created, passage, traveller
from fangkong.core.testing import World
from fangkong.observation.tests.helpers import person
from fangkong.people import services as people
from fangkong.people.models import Person
from fangkong.people.testing import resident_id

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- numbers and plates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("g 1234", "G1234"),
        ("G1234次", "G1234"),
        ("d 5 次次", "D5"),
        ("Ｇ１２３４", "G1234"),  # full-width forms folded
        ("ca-1234", "CA1234"),
        (" 3u 8888 ", "3U8888"),
        ("k·102", "K102"),
        ("", ""),
    ],
)
def test_numbers_are_stored_upper_case_without_spaces(typed: str, stored: str):
    assert trips.normalize_number(typed) == stored


train_numbers = st.builds(
    lambda letter, digits: letter + digits,
    st.sampled_from(["", "G", "D", "C", "Z", "T", "K"]),
    st.text(alphabet="0123456789", min_size=1, max_size=4),
)


@given(number=train_numbers, data=st.data())
def test_any_spacing_case_or_width_of_a_number_is_the_same_number(number: str, data):
    typed = ""
    for char in number:
        if data.draw(st.booleans()):
            char = char.lower()
        if data.draw(st.booleans()):
            char = chr(ord(char) + 0xFEE0)  # the full-width form
        typed += char + data.draw(st.sampled_from(["", " ", "  ", "-", "\u3000"]))
    assert trips.normalize_number(typed) == number


@given(st.text(max_size=30))
def test_normalising_is_idempotent_and_leaves_no_space(text: str):
    once = trips.normalize_number(text)
    assert trips.normalize_number(once) == once
    assert not re.search(r"\s", once)
    assert once == once.upper()


def _trip(world: World, case: Case, **values) -> Trip:  # type: ignore[no-untyped-def]
    values.setdefault("transport", "train")
    values.setdefault("day", days_ago(3))
    if values["transport"] in ("train", "flight"):
        values.setdefault("number", "G1234")
    return trips.trip_add(actor=values.pop("actor", world.a.epidemiologist), case=case, **values)


def test_a_train_needs_its_number_and_a_car_its_plate(world: World):
    case = make_case(world)
    with pytest.raises(ValidationError) as error:
        _trip(world, case, number="")
    assert "number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _trip(world, case, transport="car")
    assert "plate" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _trip(world, case, transport="flight", number="12345")
    assert "number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _trip(world, case, transport="car", plate="鲁A1234")
    assert "plate" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _trip(world, case, day=timezone.localdate() + timedelta(days=1))
    assert "day" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _trip(world, case, transport="car", plate="鲁A12345", published=True)
    assert "published" in error.value.message_dict
    assert not Trip.objects.exists()


def test_a_trip_is_stored_normalised_once_with_an_audit_entry(world: World):
    case = make_case(world)
    train = _trip(world, case, number="g 1234次", seat="05车12f", route="武汉 – 济南")
    car = _trip(world, case, transport="car", plate="鲁a 123 45")
    assert (train.number, train.seat, car.plate) == ("G1234", "05车12F", "鲁A12345")
    assert train.org_path == case.org_path
    with pytest.raises(ValidationError):
        _trip(world, case, number="G1234")
    entry = AuditEntry.objects.filter(target_type="cases.trip", target_id=str(train.pk)).get()
    assert entry.changes["number"] == "G1234"


def test_only_who_manages_cases_at_the_case_records_and_publishes(world: World):
    case = make_case(world)
    for outsider in (world.b.epidemiologist, world.a.clinician, world.a.viewer):
        with pytest.raises(PermissionDenied):
            _trip(world, case, actor=outsider)
    trip = _trip(world, case)
    with pytest.raises(PermissionDenied):
        trips.trip_publish(actor=world.b.epidemiologist, trip=trip)
    trips.trip_publish(actor=world.a.epidemiologist, trip=trip)
    trip.refresh_from_db()
    assert trip.published


# --- same-trip matching ------------------------------------------------------------------


def _journey(world: World, who: Person, number: str = "G1234", **values):  # type: ignore[no-untyped-def]
    values.setdefault("arrived_on", days_ago(3))
    return people.travel_add(
        actor=world.a.commander, person=who, origin="湖北省武汉市", transport="train",
        transport_no=number, **values,
    )[0]  # fmt: skip


def _names(results: list[trips.TripMatches]) -> list[set[str]]:
    return [{m.name for m in r.matches} for r in results]


def test_train_passengers_who_departed_or_arrived_that_day_match(world: World):
    case = make_case(world)
    _trip(world, case, number="G1234")
    day = days_ago(3)
    _journey(world, person(world, "同日出发"), departed_on=day, arrived_on=day, seat="05车12F")
    _journey(world, person(world, "隔夜到达"), departed_on=day - timedelta(days=1), arrived_on=day)
    _journey(world, person(world, "只知到达"), arrived_on=day)
    _journey(world, person(world, "当日出发次日到"), departed_on=day, arrived_on=day + timedelta(1))
    _journey(world, person(world, "前一天"), departed_on=day - timedelta(days=1),
             arrived_on=day - timedelta(days=1))  # fmt: skip
    _journey(world, person(world, "别的车次"), "G1235", departed_on=day, arrived_on=day)
    _journey(world, case.person, departed_on=day, arrived_on=day)  # the case itself
    (result,) = trips.same_trip(actor=world.a.epidemiologist, case=case)
    assert {m.name for m in result.matches} == {
        "同日出发",
        "隔夜到达",
        "只知到达",
        "当日出发次日到",
    }
    seat = next(m for m in result.matches if m.name == "同日出发")
    assert seat.seat == "05车12F" and seat.registry and not seat.is_contact
    assert re.fullmatch(r"3701\*+\d{3}[\dX]", seat.masked_id)
    assert result.outside == 0


def test_flight_passengers_match_by_number_and_day(world: World):
    case = make_case(world)
    _trip(world, case, transport="flight", number="ca 1234")
    _journey(
        world, person(world, "同机"), "CA1234", departed_on=days_ago(3), arrived_on=days_ago(3)
    )
    _journey(world, person(world, "次日航班"), "CA1234", arrived_on=days_ago(2))
    assert _names(trips.same_trip(actor=world.a.epidemiologist, case=case)) == [{"同机"}]


def _local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=SHANGHAI)


def test_car_passengers_match_within_the_local_day_at_a_checkpoint(world: World):
    case = make_case(world)
    _trip(world, case, transport="car", plate="鄂A12345")
    day = days_ago(3)
    for seq, (name, at) in enumerate(
        (
            ("零点整", _local(day, 0)),
            ("午夜前", _local(day, 23, 59, 59)),
            ("前夜", _local(day - timedelta(days=1), 23, 59, 59)),
            ("次日零点", _local(day + timedelta(days=1), 0)),
        ),
        500,
    ):
        created(passage(world, plate="鄂A12345", passed_at=at, travellers=[
            traveller(full_name=name, id_number=resident_id(seq=seq))]))  # fmt: skip
    created(passage(world, plate="鄂A54321", passed_at=_local(day, 12), travellers=[
        traveller(full_name="别的车", id_number=resident_id(seq=520))]))  # fmt: skip
    (result,) = trips.same_trip(actor=world.a.epidemiologist, case=case)
    assert {m.name for m in result.matches} == {"零点整", "午夜前"}
    assert all(not m.registry and m.traveller_id for m in result.matches)
    assert all("*" in m.masked_id for m in result.matches)


def test_a_traveller_already_in_the_registry_is_shown_as_that_person_once(world: World):
    case = make_case(world)
    _trip(world, case, transport="car", plate="鄂A12345")
    known = person(world, "已登记")
    number = Person.objects.get(pk=known.pk).id_number
    for hour in (9, 15):  # seen twice that day
        created(passage(world, passed_at=_local(days_ago(3), hour), travellers=[
            traveller(full_name="已登记", id_number=number)]))  # fmt: skip
    (result,) = trips.same_trip(actor=world.a.epidemiologist, case=case)
    assert [(m.name, m.person_id, m.registry) for m in result.matches] == [
        ("已登记", known.pk, True)
    ]


def test_persons_outside_the_actors_area_are_counted_not_named(world: World):
    case = make_case(world)
    _trip(world, case, number="G1234")
    day = days_ago(3)
    _journey(world, person(world, "本街道", unit=world.a.grid), departed_on=day)
    other = people.person_create(
        actor=world.a.commander, full_name="另一街道", unit=world.a.street2,
        id_number=resident_id(seq=530),
    )  # fmt: skip
    _journey(world, other, departed_on=day)
    far = people.person_create(
        actor=world.b.commander, full_name="外区", unit=world.b.grid, id_number=resident_id(seq=531)
    )
    people.travel_add(actor=world.b.commander, person=far, origin="湖北省武汉市",
                      transport="train", transport_no="G1234", arrived_on=day)  # fmt: skip
    (mine,) = trips.same_trip(actor=world.a.epidemiologist, case=case)
    assert ({m.name for m in mine.matches}, mine.outside) == ({"本街道", "另一街道"}, 1)
    (street,) = trips.same_trip(actor=world.a.street_admin, case=case)
    assert ({m.name for m in street.matches}, street.outside) == ({"本街道"}, 2)
    (everyone,) = trips.same_trip(actor=world.superuser, case=case)
    assert (len(everyone.matches), everyone.outside) == (3, 0)
    for refused in (world.a.clinician, world.a.viewer, world.b.epidemiologist):
        with pytest.raises(PermissionDenied):
            trips.same_trip(actor=refused, case=case)


# --- the page and the one-click contact ---------------------------------------------------


def test_the_page_is_refused_out_of_scope_and_without_the_role(world: World, client: Client):
    case = make_case(world)
    url = reverse("cases:trips", args=[case.pk])
    client.force_login(world.b.epidemiologist)
    assert client.get(url).status_code == 404
    client.force_login(world.a.clinician)
    assert client.get(url).status_code == 403
    client.force_login(world.a.epidemiologist)
    assert client.get(url).status_code == 200


def test_a_post_without_a_trip_number_is_a_bad_request(world: World, client: Client):
    case = make_case(world)
    client.force_login(world.a.epidemiologist)
    url = reverse("cases:trips", args=[case.pk])
    assert client.post(url, {"action": "publish", "trip": "x"}).status_code == 400
    assert client.post(url, {"action": "publish", "trip": "999999"}).status_code == 404
    assert client.post(url, {"action": "dance"}).status_code == 400


def test_a_trip_is_added_on_the_page_and_its_errors_shown(world: World, client: Client):
    case = make_case(world)
    client.force_login(world.a.epidemiologist)
    url = reverse("cases:trips", args=[case.pk])
    bad = client.post(url, {"action": "add", "trip-transport": "car",
                            "trip-day": days_ago(3).isoformat()})  # fmt: skip
    assert bad.status_code == 200 and bad.context["form"].errors["plate"]
    client.post(url, {"action": "add", "trip-transport": "train", "trip-number": "g1234",
                      "trip-day": days_ago(3).isoformat(), "trip-seat": "5车"})  # fmt: skip
    assert Trip.objects.get().number == "G1234"


def test_add_as_contact_twice_gives_one_contact(world: World, client: Client):
    case = make_case(world)
    trip = _trip(world, case, number="G1234")
    fellow = person(world, "同车乘客")
    _journey(world, fellow, departed_on=days_ago(3))
    client.force_login(world.a.epidemiologist)
    url = reverse("cases:trips", args=[case.pk])
    page = client.get(url).content.decode()
    assert "同车乘客" in page and f'value="p{fellow.pk}"' in page
    for _ in range(2):
        response = client.post(url, {"action": "contact", "trip": trip.pk, "key": f"p{fellow.pk}"})
        assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.person_id, contact.level, contact.setting, contact.last_contact) == (
        fellow.pk,
        "close",
        "transport",
        trip.day,
    )
    (result,) = trips.same_trip(actor=world.a.epidemiologist, case=case)
    assert [m.is_contact for m in result.matches] == [True]


def test_a_checkpoint_traveller_becomes_a_registry_contact_once(world: World):
    case = make_case(world)
    trip = _trip(world, case, transport="car", plate="鄂A12345")
    number = resident_id(seq=540)
    created(passage(world, passed_at=_local(days_ago(3), 10), travellers=[
        traveller(full_name="卡口乘客", id_number=number, phone="13900000540")]))  # fmt: skip
    (result,) = trips.same_trip(actor=world.a.epidemiologist, case=case)
    (match,) = result.matches
    contact = trips.contact_from_match(
        actor=world.a.epidemiologist, case=case, trip=trip, key=match.key
    )
    person_made = contact.person
    assert (person_made.full_name, person_made.id_number, person_made.phone) == (
        "卡口乘客",
        number,
        "13900000540",
    )
    assert Traveller.objects.get().person_id == person_made.pk
    with pytest.raises(ValidationError):  # the old key
        trips.contact_from_match(actor=world.a.epidemiologist, case=case, trip=trip, key=match.key)
    with pytest.raises(ValidationError, match="卡口乘客"):
        trips.contact_from_match(
            actor=world.a.epidemiologist, case=case, trip=trip, key=f"p{person_made.pk}"
        )
    assert Contact.objects.count() == 1 and Person.objects.filter(full_name="卡口乘客").count() == 1


def test_only_a_named_passenger_of_the_trip_can_be_added(world: World):
    case = make_case(world)
    trip = _trip(world, case, number="G1234")
    stranger = person(world, "不在车上")
    with pytest.raises(ValidationError):
        trips.contact_from_match(
            actor=world.a.epidemiologist, case=case, trip=trip, key=f"p{stranger.pk}"
        )
    assert not Contact.objects.exists()


def test_the_page_reads_in_a_bounded_number_of_queries(
    world: World, client: Client, django_assert_max_num_queries
):
    case = make_case(world)
    _trip(world, case, number="G1234")
    _trip(world, case, transport="car", plate="鄂A12345")
    for n in range(5):
        _journey(world, person(world, f"乘客{n}"), departed_on=days_ago(3))
        created(passage(world, passed_at=_local(days_ago(3), 8 + n), travellers=[
            traveller(full_name=f"司机{n}", id_number=resident_id(seq=550 + n))]))  # fmt: skip
    client.force_login(world.a.epidemiologist)
    url = reverse("cases:trips", args=[case.pk])
    with django_assert_max_num_queries(14):
        body = client.get(url).content.decode()
    assert "乘客4" in body and "司机4" in body


# --- the public check --------------------------------------------------------------------


def _check(number: str = "G1234", day: date | None = None, ip: str = "203.0.113.5", **extra):  # type: ignore[no-untyped-def]
    data = {"number": number, "day": (day or days_ago(3)).isoformat(), **extra}
    return Client().post(reverse("tripcheck:check"), data, REMOTE_ADDR=ip)


def test_the_public_check_opens_without_login_in_chinese(world: World):
    response = Client().get("/trip-check/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_a_published_trip_of_a_confirmed_case_answers_with_the_trip_and_nothing_personal(
    world: World,
):
    patient = person(world, "病例本人")
    case = make_case(world, patient)
    _trip(world, case, number="G1234", route="武汉 – 济南", seat="05车12F", published=True)
    response = _check("g 1234")
    body = response.content.decode()
    assert response.status_code == 200
    assert "G1234" in body and "武汉 – 济南" in body
    assert "12F" not in body  # the carriage, never the seat
    assert re.search(r"\b5\b", body)
    assert "12320" in body
    number = Person.objects.get(pk=patient.pk).id_number
    for secret in ("病例本人", number, number[-4:] + "<", case.number, patient.masked_id_number):
        assert secret not in body
    assert not any(word in body for word in ("区人民医院", world.a.grid.name))


@pytest.mark.parametrize(
    ("classification", "published", "matches"),
    [
        ("confirmed", True, True),
        ("asymptomatic", True, True),
        ("confirmed", False, False),
        ("suspected", True, False),
        ("clinical", True, False),
    ],
)
def test_only_published_trips_of_confirmed_or_asymptomatic_cases_match(
    world: World, classification: str, published: bool, matches: bool
):
    onset = None if classification == "asymptomatic" else 4
    case = make_case(world, classification=classification, onset_days_ago=onset)
    trip = _trip(world, case, number="D5678")
    if published:
        trips.trip_publish(actor=world.a.epidemiologist, trip=trip)
    assert bool(trips.trip_check(number="D5678", day=days_ago(3), ip="198.51.100.1")) is matches


def test_an_excluded_case_stops_matching(world: World):
    from fangkong.cases import services

    case = make_case(world, classification="suspected")
    _trip(world, case, number="D5678", published=True)
    services.case_classify(
        actor=world.a.epidemiologist, case=case, to="excluded", reason="核酸阴性"
    )
    assert trips.trip_check(number="D5678", day=days_ago(3), ip=None) == []


def test_the_advice_counts_the_policys_days_from_the_trip(world: World):
    from fangkong.people.models import Policy

    case = make_case(world, onset_days_ago=20)
    _trip(world, case, number="G1234", day=days_ago(19), published=True)
    (answer,) = trips.trip_check(number="G1234", day=days_ago(19), ip=None)
    assert (answer.observe_days, answer.observation_over) == (14, True)
    Policy.objects.create(unit=world.a.district, org_path=world.a.district.path,
                          effective_from=days_ago(30), observation_days=21)  # fmt: skip
    (answer,) = trips.trip_check(number="G1234", day=days_ago(19), ip=None)
    assert (answer.observe_days, answer.observe_until) == (21, days_ago(19) + timedelta(21))
    assert not answer.observation_over


def test_another_day_or_number_is_a_clear_no(world: World):
    case = make_case(world)
    _trip(world, case, number="G1234", published=True)
    for number, day in (("G1234", days_ago(4)), ("G1235", days_ago(3))):
        body = _check(number, day).content.decode()
        assert "alert-success" in body and "alert-danger" not in body.split("<form")[0]


def test_the_public_check_is_rate_limited_per_address(world: World):
    for _ in range(trips.PER_CLIENT):
        assert _check().status_code == 200
    refused = _check()
    assert refused.status_code == 429 and "G1234" not in refused.content.decode()
    assert _check(ip="203.0.113.99").status_code == 200


def test_a_filled_honeypot_looks_nothing_up(world: World):
    case = make_case(world)
    _trip(world, case, number="G1234", published=True)
    for _ in range(trips.PER_CLIENT + 2):
        response = _check(website="http://spam.example")
        assert response.status_code == 200 and "alert-success" in response.content.decode()
