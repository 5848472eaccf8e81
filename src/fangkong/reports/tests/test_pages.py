"""The daily report pages: submit, zero report, amend, and who has reported."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

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


def test_a_long_list_of_the_missing_comes_a_page_at_a_time(world, login, monkeypatch):
    from fangkong.reports import views

    day = timezone.localdate() - timedelta(days=2)
    monkeypatch.setattr(views, "TO_CALL", 1)
    url = reverse("reports:completeness") + f"?day={day.isoformat()}"
    browser = login(world.a.commander)
    page = browser.get(url)
    figures = page.context["figures"]
    total = figures.total.missing
    assert total > 2
    assert len(figures.missing) == 1 and figures.unlisted == total - 1
    html = page.content.decode()
    assert f"第 1–1 个，共 {total} 个" in html and "from=1&amp;after=" in html
    # Each unit below, with its own count of the missing, opens the same page one level down.
    rows = {r.unit.pk: r for r in page.context["children"]}
    assert rows[world.a.street.pk].missing > 0
    assert reverse("reports:completeness_unit", args=[world.a.street.pk]) in html
    # The next page: the next unit, nearest levels first, and a way back to the first.
    seen = [figures.missing[0].unit]
    for start in range(1, total):
        figures = browser.get(f"{url}&from={start}").context["figures"]
        assert figures.start == start and figures.unlisted == total - start - 1
        seen.append(figures.missing[0].unit)
    assert len(set(seen)) == total
    # The "more" link carries the last unit listed: each page goes on from there down the
    # index (no offset to walk past), and lists the same units as the offsets do.
    followed, html = [], page.content.decode()
    while link := re.search(r'href="(\?day=[^"]*&amp;from=\d+&amp;after=[^"#]*)#to-call"', html):
        page = browser.get(reverse("reports:completeness") + unescape(link.group(1)))
        followed.append(page.context["figures"].missing[0].unit)
        html = page.content.decode()
    assert [seen[0], *followed] == seen
    ranks = [u.level_rank for u in seen]
    assert ranks == sorted(ranks)
    everyone = selectors_all(world, day)
    assert [m.unit for m in everyone.missing] == seen
    last = browser.get(f"{url}&from={total - 1}").content.decode()
    assert "from=0" not in last and "#to-call" in last
    assert f"第 {total}–{total} 个，共 {total} 个" in last
    # Past the end (the list got shorter meanwhile), or nonsense: from the first.
    for asked in (str(total + 5), "x", "-3", "2&after=grid:9999"):
        figures = browser.get(f"{url}&from={asked}").context["figures"]
        assert figures.start == 0 and figures.missing[0].unit == seen[0]
    # A cursor that is not one is ignored: the offset alone counts.
    for nonsense in ("x", "grid:", "nolevel:0001", "grid:00０1"):
        figures = browser.get(f"{url}&from=1&after={nonsense}").context["figures"]
        assert figures.missing[0].unit == seen[1]
    # Units below with deadlines of their own are judged one by one, paged the same way.
    from fangkong.reports import selectors

    now = timezone.now()
    for k in range(1, total):
        after = f"{seen[k - 1].level}:{seen[k - 1].path}"
        by_unit = selectors._completeness_unit_by_unit(
            world.a.district, day, now, 1, k, selectors.parse_after(after)
        )
        assert [m.unit for m in by_unit.missing] == [seen[k]] and by_unit.start == k


def selectors_all(world, day):  # type: ignore[no-untyped-def]
    from fangkong.reports import selectors

    return selectors.completeness(world.a.district, day, limit=1000)


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


def test_the_line_lists_of_a_large_subtree_are_kept_and_their_time_shown(world, login, settings):
    """Counting a city's line lists is slow: a copy is kept for every worker (core.kept),
    and the page says when it was counted once that is not now."""
    from django.core.cache import caches

    from fangkong.core import kept
    from fangkong.reports import prefill

    settings.FANGKONG_KEEP_SLOWER_THAN = -1.0  # every count is slow
    caches[kept.CACHE].clear()
    day = timezone.localdate() - timedelta(days=2)
    url = reverse("reports:completeness") + f"?day={day.isoformat()}"
    browser = login(world.a.commander)
    first = browser.get(url)
    assert "明细统计截至" not in first.content.decode()
    k = kept.key(prefill.line_lists, world.a.district, day)
    at, counts = caches[kept.CACHE].get(k)
    assert counts == prefill.line_lists(world.a.district, day)
    lists = {r.indicator.code: r.line_list for r in first.context["rollup"]}
    assert lists["arrivals"] == counts["arrivals"]
    # A copy two minutes old, with another figure in it: shown as it is, with its time.
    counts = {**counts, "arrivals": counts["arrivals"] + 7}
    before = at - timedelta(minutes=2)
    caches[kept.CACHE].set(k, (before, counts), kept.STALE)
    page = browser.get(url)
    html = page.content.decode()
    assert "明细统计截至" in html
    assert timezone.localtime(before).strftime("%H:%M") in html
    rows = {r.indicator.code: r for r in page.context["rollup"]}
    assert rows["arrivals"].line_list == counts["arrivals"]
    caches[kept.CACHE].clear()


def test_many_units_below_show_those_with_the_most_missing_first(world, login, monkeypatch):
    from fangkong.reports import views

    monkeypatch.setattr(views, "CHILD_ROWS", 1)
    day = timezone.localdate() - timedelta(days=2)
    url = reverse("reports:completeness") + f"?day={day.isoformat()}"
    browser = login(world.a.commander)
    page = browser.get(url)
    children = page.context["children"]
    assert len(children) == 2  # the two streets
    shown = page.context["shown"]
    assert len(shown) == 1
    assert shown[0].missing == max(c.missing for c in children)
    html = page.content.decode()
    assert "先列出未报最多的 1 个单位，共 2 个。" in html and "all=1" in html
    page = browser.get(url + "&all=1")
    assert [r.unit for r in page.context["shown"]] == [r.unit for r in children]
    assert "先列出未报最多的" not in page.content.decode()
