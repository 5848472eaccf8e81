"""The inbox: one's own notices only, newest first, unread marked; opening marks read; the
navbar's badge costs one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.core.testing import World
from fangkong.notices.models import Notice, NoticeKind
from fangkong.notices.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _notice(user, title: str, link: str = "", minutes_ago: int = 0) -> Notice:  # type: ignore[no-untyped-def]
    [made] = notify([user], kind=NoticeKind.GENERAL, title=title, link=link)
    Notice.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return made


def test_the_inbox_shows_ones_own_notices_newest_first_with_the_unread_marked(world: World, login):
    _notice(world.a.officer, "旧通知", minutes_ago=30)
    newer = _notice(world.a.officer, "新通知", minutes_ago=1)
    _notice(world.a.viewer, "别人的通知")
    Notice.objects.filter(pk=newer.pk).update(read_at=timezone.now())

    page = login(world.a.officer).get(reverse("notices:inbox"))

    html = page.content.decode()
    assert [n.title for n in page.context["page"]] == ["新通知", "旧通知"]
    assert "别人的通知" not in html
    assert html.count('class="list-group-item p-0 unread') == 1
    assert 'id="unread-count">1<' in html


def test_opening_a_notice_marks_it_read_and_follows_its_link(world: World, login):
    notice = _notice(world.a.grid_worker_local, "请报日报", link="/reports/")
    client = login(world.a.grid_worker_local)
    response = client.post(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response.url == "/reports/"
    assert Notice.objects.get(pk=notice.pk).read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("notices:inbox")).content.decode()


def test_a_notice_without_a_link_opens_back_into_the_inbox(world: World, login):
    notice = _notice(world.a.officer, "知悉即可")
    response = login(world.a.officer).post(reverse("notices:open", args=[notice.pk]))
    assert response.url == reverse("notices:inbox")


def test_another_users_notice_does_not_exist_for_you(world: World, login):
    notice = _notice(world.a.officer, "只给干部")
    for intruder in (world.a.commander, world.b.officer, world.superuser):
        response = login(intruder).post(reverse("notices:open", args=[notice.pk]))
        assert response.status_code == 404, intruder.username
    assert Notice.objects.get(pk=notice.pk).read_at is None


def test_opening_takes_a_post(world: World, login):
    notice = _notice(world.a.officer, "x")
    assert login(world.a.officer).get(reverse("notices:open", args=[notice.pk])).status_code == 405


def test_mark_all_read_touches_only_ones_own(world: World, login):
    for n in range(3):
        _notice(world.a.officer, f"通知{n}")
    theirs = _notice(world.a.viewer, "别人的")
    response = login(world.a.officer).post(reverse("notices:read_all"))
    assert response.status_code == 302
    assert not Notice.objects.filter(recipient=world.a.officer, read_at__isnull=True).exists()
    assert Notice.objects.get(pk=theirs.pk).read_at is None


def test_the_navbar_badge_is_one_query_on_any_page(world: World, login):
    for n in range(5):
        _notice(world.a.officer, f"通知{n}")
    client = login(world.a.officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home"))
    counting = [q["sql"] for q in queries if "notices_notice" in q["sql"]]
    assert len(counting) == 1
    assert 'id="unread-count">5<' in page.content.decode()


def test_the_badge_caps_at_99(world: World, login):
    Notice.objects.bulk_create(Notice(recipient=world.a.officer, title="x") for _ in range(120))
    assert "99+" in login(world.a.officer).get(reverse("home")).content.decode()
