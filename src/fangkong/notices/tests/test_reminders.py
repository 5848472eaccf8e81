"""Reminding overdue daily reports: the right people only, a cool-down that holds, and who
may press the button."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.core.testing import World
from fangkong.notices.models import Notice, ReportReminder, SmsMessage
from fangkong.notices.reminders import remind_missing_reports
from fangkong.notices.tests.helpers import give_phone
from fangkong.reports import services as report_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _day() -> date:
    """A day whose every deadline has passed."""
    return timezone.localdate() - timedelta(days=2)


def _reminded(day: date | None = None) -> dict[str, str]:
    """username → link of each notice."""
    return {
        n.recipient.username: n.link
        for n in Notice.objects.select_related("recipient").filter(kind="report_missing")
    }


def test_those_who_answer_for_an_overdue_unit_get_a_notice_and_an_sms(world: World):
    give_phone(world.a.grid_worker_local, "13812345678")
    day = _day()

    count = remind_missing_reports(actor=world.a.commander, unit=world.a.community, day=day)

    # The community's officer and the first grid's worker; the second grid has nobody.
    assert count == 2
    assert _reminded() == {
        "a_community_officer": reverse("reports:report", args=[world.a.community.pk, str(day)]),
        "a_grid_worker_local": reverse("reports:report", args=[world.a.grid.pk, str(day)]),
    }
    sms = SmsMessage.objects.get()
    assert sms.recipient == world.a.grid_worker_local
    assert world.a.grid.name in sms.text
    notice = Notice.objects.get(recipient=world.a.grid_worker_local)
    assert notice.sender == world.a.commander and world.a.grid.name in notice.title
    entry = AuditEntry.objects.get(actor=world.a.commander, org_path=world.a.community.path)
    assert entry.changes == {"units": 2, "users": 2}


def test_a_unit_that_reported_is_not_reminded(world: World):
    day = _day()
    report_services.report_zero(actor=world.a.grid_worker_local, unit=world.a.grid, day=day)
    assert remind_missing_reports(actor=world.a.commander, unit=world.a.community, day=day) == 1
    assert set(_reminded()) == {"a_community_officer"}


def test_a_unit_whose_deadline_has_not_passed_is_not_reminded(world: World):
    day = _day()
    # Grids report by 10:00 the next day, communities by 11:00 (the default policy).
    between = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(10, 30)))
    remind_missing_reports(actor=world.a.commander, unit=world.a.community, day=day, now=between)
    assert set(_reminded()) == {"a_grid_worker_local"}
    today = timezone.localdate()
    assert remind_missing_reports(actor=world.a.commander, unit=world.a.district, day=today) == 0


def test_reminders_stay_inside_the_district(world: World):
    day = _day()
    remind_missing_reports(actor=world.a.commander, unit=world.a.district, day=day)
    assert _reminded() and all(name.startswith("a_") for name in _reminded())
    with pytest.raises(PermissionDenied):
        remind_missing_reports(actor=world.b.commander, unit=world.a.community, day=day)
    with pytest.raises(PermissionDenied):
        remind_missing_reports(actor=world.a.grid_worker_local, unit=world.a.grid, day=day)


def test_the_cool_down_holds_for_everyone_and_then_lets_go(world: World, settings):
    settings.FANGKONG_REMINDER_COOLDOWN_SECONDS = 3600
    day, now = _day(), timezone.now()

    def remind(actor, unit, minutes: int) -> int:  # type: ignore[no-untyped-def]
        later = now + timedelta(minutes=minutes)
        return remind_missing_reports(actor=actor, unit=unit, day=day, now=later)

    assert remind(world.a.street_officer, world.a.community, 0) == 2
    assert remind(world.a.commander, world.a.community, 59) == 0
    # The street itself was not reminded before: only its officers are now.
    assert remind(world.a.commander, world.a.street, 59) == 2
    assert remind(world.a.commander, world.a.community, 61) == 2
    assert ReportReminder.objects.get(unit=world.a.grid, day=day).times == 2
    assert Notice.objects.filter(recipient=world.a.grid_worker_local).count() == 2


def test_an_officer_reminds_from_the_completeness_page(world: World, login):
    day = _day()
    response = login(world.a.community_officer).post(
        reverse("notices:remind_reports", args=[world.a.community.pk, day.isoformat()])
    )
    back = reverse("reports:completeness_unit", args=[world.a.community.pk])
    assert response.status_code == 302 and response.url == f"{back}?day={day.isoformat()}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["2 people reminded."]
    again = login(world.a.community_officer).post(
        reverse("notices:remind_reports", args=[world.a.community.pk, day.isoformat()])
    )
    assert [str(m) for m in get_messages(again.wsgi_request)][-1].startswith("No one reminded")


def test_who_may_press_the_button(world: World, login):
    url = reverse("notices:remind_reports", args=[world.a.community.pk, _day().isoformat()])
    assert login(world.a.grid_worker).post(url).status_code == 403
    assert login(world.a.grid_worker_local).post(url).status_code == 404  # sees its grid only
    assert login(world.a.viewer).post(url).status_code == 403
    assert login(world.a.street2_officer).post(url).status_code == 404
    assert login(world.b.commander).post(url).status_code == 404
    assert login(world.a.commander).get(url).status_code == 405
    bad_day = reverse("notices:remind_reports", args=[world.a.community.pk, "2020-02-31"])
    assert login(world.a.commander).post(bad_day).status_code == 404
    assert not Notice.objects.exists()


def _button(user, unit, missing: int) -> str:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "notices/_remind_button.html",
        {"unit": unit, "day": _day(), "missing_count": missing},
        request=request,
    )


def test_the_button_shows_only_to_those_who_may_remind_and_only_when_units_are_overdue(
    world: World,
):
    action = reverse("notices:remind_reports", args=[world.a.community.pk, _day().isoformat()])
    assert action in _button(world.a.community_officer, world.a.community, 3)
    assert "<form" not in _button(world.a.community_officer, world.a.community, 0)
    assert "<form" not in _button(world.a.grid_worker_local, world.a.community, 3)
    assert "<form" not in _button(world.b.commander, world.a.community, 3)


def test_the_cron_command_reminds_the_whole_installation(world: World):
    out = io.StringIO()
    call_command("remind_reports", "--day", _day().isoformat(), stdout=out)
    names = set(_reminded())
    assert {"a_grid_worker_local", "b_grid_worker_local", "a_commander", "b_officer"} <= names
    assert out.getvalue().strip() == f"{len(names)} reminded for {_day().isoformat()}"
    with pytest.raises(CommandError):
        call_command("remind_reports", "--day", "yesterday")
