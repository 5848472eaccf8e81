"""Typed indicators start from what the support modules recorded: volunteers checked in at
duty posts, disinfections logged, masks handed out; nothing recorded suggests nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.duty import services as duty
from fangkong.duty.tests.helpers import at, on, person, post, shift
from fangkong.places.tests.helpers import local, logged, place
from fangkong.reports.suggest import suggested

pytestmark = pytest.mark.django_db

CODES = ["volunteers_on_duty", "places_disinfected", "masks_distributed"]


def test_suggestions_come_from_the_records_of_the_subtree_and_day(world) -> None:  # type: ignore[no-untyped-def]
    day = timezone.localdate() - timedelta(days=1)
    assert suggested(world.a.community.path, day, CODES) == {}
    assignment = on(world, shift(world, post(world), at(day, 8), 8), person(world))
    duty.check_in(actor=world.a.commander, assignment=assignment, now=assignment.starts_at)
    toilet = place(world)  # in the first grid
    logged(world, toilet, local(day, 8))
    logged(world, toilet, local(day, 15))
    assert suggested(world.a.community.path, day, CODES) == {
        "volunteers_on_duty": 1, "places_disinfected": 2,
    }  # fmt: skip
    assert suggested(world.a.grid2.path, day, CODES) == {}
    assert suggested(world.a.community.path, day - timedelta(days=1), CODES) == {}
    assert suggested(world.b.district.path, day, CODES) == {}


def test_the_report_form_starts_from_the_suggestion(world, login) -> None:  # type: ignore[no-untyped-def]
    day = timezone.localdate()
    toilet = place(world)
    logged(world, toilet, local(day, 8), now=local(day, 8))
    page = login(world.a.grid_worker_local).get(
        reverse("reports:report", args=[world.a.grid.pk, day.isoformat()])
    )
    assert page.status_code == 200
    assert page.context["form"]["places_disinfected"].value() == 1
