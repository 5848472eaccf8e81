"""The daily report pages: submit, zero report, amend, and who has reported."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.reports.models import DailyReport

pytestmark = pytest.mark.django_db


def _url(unit, day):  # type: ignore[no-untyped-def]
    return reverse("reports:report", args=[unit.pk, day.isoformat()])


def _typed(page):  # type: ignore[no-untyped-def]
    return {f"v-{name}": "3" for name in page.context["form"].fields}


def test_a_grid_worker_submits_then_amends_with_a_reason(world, login):
    day = timezone.localdate() - timedelta(days=1)
    client = login(world.a.grid_worker_local)
    page = client.get(_url(world.a.grid, day))
    assert page.status_code == 200 and page.context["may"]
    response = client.post(_url(world.a.grid, day), {"action": "submit", **_typed(page)})
    assert response.status_code == 302
    report = DailyReport.objects.get(unit=world.a.grid, day=day)
    assert report.is_submitted and set(report.values.values()) >= {3}
    refused = client.post(
        _url(world.a.grid, day), {"action": "amend", **_typed(page), "reason": ""}
    )
    assert refused.status_code == 200 and refused.context["amend"].errors
    data = {"action": "amend", **_typed(page), "reason": "漏报两名志愿者"}
    data[next(iter(_typed(page)))] = "5"
    assert client.post(_url(world.a.grid, day), data).status_code == 302
    assert report.amendments.get().reason == "漏报两名志愿者"


def test_a_zero_report_is_one_action(world, login):
    day = timezone.localdate() - timedelta(days=1)
    client = login(world.a.community_officer)
    assert client.post(_url(world.a.community, day), {"action": "zero"}).status_code == 302
    assert DailyReport.objects.get(unit=world.a.community, day=day).zero


def test_others_may_read_in_scope_but_not_submit(world, login):
    day = timezone.localdate() - timedelta(days=1)
    assert (
        login(world.a.viewer).post(_url(world.a.grid, day), {"action": "zero"}).status_code == 403
    )
    assert login(world.b.officer).get(_url(world.a.grid, day)).status_code == 404


def test_the_completeness_page_names_whom_to_call(world, login):
    day = timezone.localdate() - timedelta(days=2)
    page = login(world.a.commander).get(reverse("reports:completeness") + f"?day={day.isoformat()}")
    assert page.status_code == 200
    names = {m.unit.name for m in page.context["figures"].missing}
    assert world.a.grid.name in names and world.a.community.name in names


def test_a_long_list_of_the_missing_is_cut_and_says_how_many_more(world, login, monkeypatch):
    from fangkong.reports import selectors

    day = timezone.localdate() - timedelta(days=2)
    real = selectors.completeness
    monkeypatch.setattr(
        selectors, "completeness", lambda unit, day, now=None: real(unit, day, now, limit=1)
    )
    page = login(world.a.commander).get(reverse("reports:completeness") + f"?day={day.isoformat()}")
    figures = page.context["figures"]
    assert len(figures.missing) == 1 and figures.unlisted == figures.total.missing - 1 > 0
    html = page.content.decode()
    assert f"{figures.unlisted}" in html
    # Each unit below, with its own count of the missing, opens the same page one level down.
    rows = {r.unit.pk: r for r in page.context["children"]}
    assert rows[world.a.street.pk].missing > 0
    assert reverse("reports:completeness_unit", args=[world.a.street.pk]) in html


def test_the_typed_masks_start_from_what_the_supplies_ledger_handed_out(world, login):
    from fangkong.supplies import services as supplies
    from fangkong.supplies.tests.helpers import item, store

    depot = store(world, unit=world.a.community, name="社区仓库")
    masks = item(world, name="一次性医用口罩")
    supplies.stock_receive(actor=world.a.logistics, store=depot, item=masks, quantity=500)
    supplies.stock_issue(
        actor=world.a.logistics, store=depot, item=masks, quantity=120, to_unit=world.a.grid
    )
    page = login(world.a.grid_worker_local).get(_url(world.a.grid, timezone.localdate()))
    assert page.context["form"]["masks_distributed"].value() == 120
    # Only a starting value: what the grid worker types is what is reported.
    other = login(world.a.commander).get(_url(world.a.grid2, timezone.localdate()))
    assert other.context["form"]["masks_distributed"].value() is None


def test_a_post_does_the_pages_work_only_when_it_shows_the_page(world, login, monkeypatch):
    """The figures from the line lists and the suggestions are computed by the submission
    itself, once; the page's own copy only when a page is shown (the deadline burst)."""
    from fangkong.reports import services, suggest

    calls = {"prefill": 0, "suggest": 0}
    prefill, suggested = services.report_prefill, suggest.suggested

    def counted_prefill(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["prefill"] += 1
        return prefill(*args, **kwargs)

    def counted_suggest(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["suggest"] += 1
        return suggested(*args, **kwargs)

    monkeypatch.setattr(services, "report_prefill", counted_prefill)
    monkeypatch.setattr(suggest, "suggested", counted_suggest)
    day = timezone.localdate() - timedelta(days=1)
    client = login(world.a.community_officer)
    assert client.post(_url(world.a.community, day), {"action": "zero"}).status_code == 302
    assert calls == {"prefill": 1, "suggest": 0}
    assert DailyReport.objects.get(unit=world.a.community, day=day).zero
