"""The indicator pages: who may open them, adding a typed indicator, editing, and taking an
indicator out of use instead of deleting it once reports carry it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.reports import services, services_indicators
from fangkong.reports.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    """The pages in the source language, so that the texts checked here stay put when the
    translations come."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _new(**values: object) -> dict[str, object]:
    return {"code": "thermometers", "name": "体温计发放", "level": "grid", "order": 200,
            "active": "on"} | values  # fmt: skip


def _errors(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_only_holders_of_the_permission_open_the_pages(world: World, login):
    pk = Indicator.objects.get(code="arrivals").pk
    urls = [
        reverse("reports:indicators"),
        reverse("reports:indicator_create"),
        reverse("reports:indicator", args=[pk]),
    ]
    for url in urls:
        assert login(world.superuser).get(url).status_code == 200
        # One district's administrator may not change the data set of both districts.
        refused = (world.a.admin, world.a.commander, world.a.officer, world.a.viewer, world.nobody)
        for user in refused:
            assert login(user).get(url).status_code == 403, (url, user.username)
    from fangkong.orgunits.models import OrgUnit

    OrgUnit.objects.filter(pk=world.b.district.pk).update(depth=2)  # a alone at the top
    assert login(world.a.admin).get(urls[0]).status_code == 200
    assert login(world.a.users["street_admin"]).get(urls[0]).status_code == 403
    assert login(world.a.admin).get(reverse("reports:indicator", args=[99999])).status_code == 404
    assert login(world.a.commander).post(urls[1], _new()).status_code == 403
    assert not Indicator.objects.filter(code="thermometers").exists()


def test_the_list_shows_order_code_level_kind_source_and_use(world: World, login):
    Indicator.objects.filter(code="letters_sent").update(active=False)
    page = login(world.superuser).get(reverse("reports:indicators"))
    html = page.content.decode()
    codes = [i.code for i, _ in page.context["rows"]]
    assert codes[:2] == ["arrivals", "home_observation"]
    assert "masks_distributed" in codes
    assert "New arrivals registered (arrivals)" in html
    assert "Typed" in html and "Computed" in html and "Not in use" in html


def test_an_administrator_adds_a_typed_indicator(world: World, login):
    response = login(world.superuser).post(
        reverse("reports:indicator_create"), _new(code=" Thermometers ")
    )
    assert response.status_code == 302 and response.url == reverse("reports:indicators")
    made = Indicator.objects.get(code="thermometers")
    assert (made.name, made.level, made.order, made.active) == ("体温计发放", "grid", 200, True)
    assert (made.computed, made.source) == (False, "")
    assert AuditEntry.objects.filter(target_type="reports.indicator", action="create").exists()
    # It is in every report of the level from now on, to be typed in.
    assert made in services.indicators_for(world.a.grid)


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"code": "masks_distributed"}, "code", "already used"),
        ({"code": "9lives"}, "code", "starting with a letter"),
        ({"code": "体温计"}, "code", "lower-case letters"),
        ({"code": ""}, "code", "a code"),
        ({"name": ""}, "name", "a name"),
        ({"level": "building"}, "level", "level"),
        ({"order": "-1"}, "order", "order"),
        ({"order": "abc"}, "order", "order"),
    ],
)
def test_a_mistake_is_named_on_its_field(world: World, login, values, field, words):
    response = login(world.superuser).post(reverse("reports:indicator_create"), _new(**values))
    assert response.status_code == 200
    errors = _errors(response)
    assert list(errors) == [field]
    assert words in errors[field][0]
    assert not Indicator.objects.filter(code="thermometers").exists()


def test_editing_changes_name_level_order_and_use_but_never_the_code(world: World, login):
    typed = Indicator.objects.get(code="masks_distributed")
    response = login(world.superuser).post(
        reverse("reports:indicator", args=[typed.pk]),
        {"code": "other", "name": "口罩", "level": "community", "order": 5, "action": "save"},
    )
    assert response.status_code == 302
    typed.refresh_from_db()
    assert (typed.code, typed.name, typed.level, typed.order, typed.active) == (
        "masks_distributed", "口罩", "community", 5, False)  # fmt: skip
    change = AuditEntry.objects.filter(target_type="reports.indicator", action="update").get()
    assert change.changes["level"] == ["grid", "community"]


def test_a_default_indicator_may_keep_its_default_label(world: World, login):
    typed = Indicator.objects.get(code="volunteers_on_duty")
    response = login(world.superuser).post(
        reverse("reports:indicator", args=[typed.pk]),
        {"name": "", "level": "grid", "order": 1, "active": "on"},
    )
    assert response.status_code == 302
    assert Indicator.objects.get(pk=typed.pk).label == "Volunteers on duty"


def test_a_computed_indicator_takes_its_source_from_the_known_ones(world: World, login):
    computed = Indicator.objects.get(code="confirmed")
    url = reverse("reports:indicator", args=[computed.pk])
    page = login(world.superuser).get(url)
    assert "source" in page.context["form"].fields
    refused = login(world.superuser).post(
        url, {"name": "", "level": "grid", "order": 1, "active": "on", "source": "os.system"}
    )
    assert list(_errors(refused)) == ["source"]
    assert "computed from" in _errors(refused)["source"][0]
    login(world.superuser).post(
        url, {"name": "", "level": "grid", "order": 1, "active": "on", "source": "suspected"}
    )
    assert Indicator.objects.get(pk=computed.pk).source == "suspected"


def test_a_typed_indicator_has_no_source_to_choose(world: World, login):
    typed = Indicator.objects.get(code="masks_distributed")
    page = login(world.superuser).get(reverse("reports:indicator", args=[typed.pk]))
    assert "source" not in page.context["form"].fields
    with pytest.raises(Exception, match="source"):
        services_indicators.indicator_update(
            actor=world.superuser, indicator=typed, source="arrivals"
        )


def test_an_indicator_no_report_carries_is_deleted(world: World, login):
    made = services_indicators.indicator_create(
        actor=world.superuser, code="thermometers", name="体温计", level="grid"
    )
    url = reverse("reports:indicator", args=[made.pk])
    assert login(world.superuser).get(url).context["deletable"]
    response = login(world.superuser).post(url, {"action": "remove"})
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=made.pk).exists()
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[-1] == "Indicator “体温计” deleted."


def test_an_indicator_reports_carry_is_taken_out_of_use_not_deleted(world: World, login):
    typed = Indicator.objects.get(code="masks_distributed")
    day = timezone.localdate() - timedelta(days=1)
    services.report_zero(actor=world.a.grid_worker_local, unit=world.a.grid, day=day)
    url = reverse("reports:indicator", args=[typed.pk])
    assert not login(world.superuser).get(url).context["deletable"]
    response = login(world.superuser).post(url, {"action": "remove"})
    assert response.status_code == 302
    typed.refresh_from_db()
    assert typed.active is False
    assert "taken out of use" in [str(m) for m in get_messages(response.wsgi_request)][-1]
    # The next reports no longer ask for it.
    assert typed not in services.indicators_for(world.a.grid)


def test_a_computed_indicator_is_never_deleted(world: World):
    computed = Indicator.objects.get(code="arrivals")
    assert services_indicators.indicator_remove(actor=world.superuser, indicator=computed) is False
    assert Indicator.objects.get(pk=computed.pk).active is False


def test_the_services_refuse_without_the_permission(world: World):
    typed = Indicator.objects.get(code="masks_distributed")
    with pytest.raises(PermissionDenied):
        services_indicators.indicator_update(actor=world.a.commander, indicator=typed, order=1)
    with pytest.raises(PermissionDenied):
        services_indicators.indicator_remove(actor=world.b.officer, indicator=typed)
    with pytest.raises(PermissionDenied):
        services_indicators.indicator_create(actor=world.a.viewer, code="x", name="x", level="grid")
