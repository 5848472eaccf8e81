"""Edit, approve and publish, and correct: who may, and what a published bulletin keeps."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fangkong.accounts.models import AuditEntry
from fangkong.bulletin import services
from fangkong.bulletin.models import Bulletin, Revision, State
from fangkong.bulletin.tests.helpers import days_ago, known_district, published
from fangkong.core.testing import World

pytestmark = pytest.mark.django_db


def draft(w: World, day_ago: int = 1) -> Bulletin:
    return services.bulletin_generate(
        actor=w.a.commander, unit=w.a.district, day=days_ago(day_ago), language="zh-hans"
    )


def test_approving_publishes_and_records_who_and_when(world: World):
    made = draft(world)
    services.bulletin_edit(actor=world.a.admin, bulletin=made, title="通报", text="第一段。")
    done = services.bulletin_publish(actor=world.a.commander, bulletin=made)
    assert done.state == State.PUBLISHED
    assert done.approved_by == world.a.commander and done.edited_by == world.a.admin
    assert done.published_at == done.approved_at is not None
    assert AuditEntry.objects.filter(target_type="bulletin.bulletin", target_id=str(done.pk))


def test_an_approved_bulletin_is_locked(world: World):
    done = published(world, days_ago(1))
    with pytest.raises(ValidationError) as edit:
        services.bulletin_edit(actor=world.a.commander, bulletin=done, title="x", text="y")
    assert edit.value.code == "locked"
    with pytest.raises(ValidationError):
        services.bulletin_generate(actor=world.a.commander, unit=world.a.district, day=done.day)
    with pytest.raises(ValidationError):
        services.bulletin_publish(actor=world.a.commander, bulletin=done)
    assert Bulletin.objects.get(pk=done.pk).text == done.text


def test_a_day_is_published_only_once_it_is_over(world: World):
    today = draft(world, 0)
    with pytest.raises(ValidationError) as refused:
        services.bulletin_publish(actor=world.a.commander, bulletin=today)
    assert refused.value.code == "too_early"


def test_a_correction_keeps_the_previous_text_who_and_why(world: World):
    done = published(world, days_ago(1))
    first_text, first_approver = done.text, done.approved_by
    corrected = services.bulletin_correct(
        actor=world.a.admin, bulletin=done, reason="核减一例重复报告", title=done.title,
        text="更正后的通报。",
    )  # fmt: skip
    assert corrected.revision == 2 and corrected.text == "更正后的通报。"
    assert corrected.is_published and corrected.approved_by == world.a.admin
    kept = Revision.objects.get(bulletin=done)
    assert (kept.number, kept.text, kept.reason) == (1, first_text, "核减一例重复报告")
    assert kept.approved_by == first_approver and kept.corrected_by == world.a.admin


def test_a_correction_can_take_the_figures_again(world: World):
    known = known_district(world)
    done = published(world, known.day)
    Bulletin.objects.filter(pk=done.pk).update(figures={**done.figures, "new_confirmed": 9})
    done.refresh_from_db()
    corrected = services.bulletin_correct(
        actor=world.a.commander, bulletin=done, reason="数字有误", refresh=True
    )
    assert corrected.figure("new_confirmed") == 1
    assert Revision.objects.get(bulletin=done).figures["new_confirmed"] == 9


def test_a_correction_needs_a_reason_a_change_and_a_published_bulletin(world: World):
    made = draft(world)
    with pytest.raises(ValidationError):
        services.bulletin_correct(
            actor=world.a.commander, bulletin=made, reason="x", title="t", text="t"
        )
    done = services.bulletin_publish(actor=world.a.commander, bulletin=made)
    with pytest.raises(ValidationError):
        services.bulletin_correct(
            actor=world.a.commander, bulletin=done, reason=" ", title="t", text="t"
        )
    with pytest.raises(ValidationError):
        services.bulletin_correct(
            actor=world.a.commander, bulletin=done, reason="x", title=done.title, text=done.text
        )


@pytest.mark.parametrize(
    "who",
    ["epidemiologist", "officer", "viewer", "grid_worker", "street_admin", "street_officer"],
)
def test_other_roles_may_not_publish(world: World, who: str):
    made = draft(world)
    with pytest.raises(PermissionDenied):
        services.bulletin_publish(actor=world.a.users[who], bulletin=made)


def test_the_other_district_may_not_publish_or_edit(world: World):
    made = draft(world)
    for act in (
        lambda: services.bulletin_publish(actor=world.b.commander, bulletin=made),
        lambda: services.bulletin_edit(actor=world.b.admin, bulletin=made, title="x", text="y"),
    ):
        with pytest.raises(PermissionDenied):
            act()


def test_pages_refuse_other_roles_and_hide_the_bulletin_from_the_other_district(
    world: World, client
):
    made = draft(world)
    pages = [
        ("get", reverse("bulletin:edit", args=[made.pk])),
        ("post", reverse("bulletin:publish", args=[made.pk])),
        ("get", reverse("bulletin:new", args=[world.a.district.pk])),
    ]
    expected = {
        world.a.viewer: 403,
        world.a.epidemiologist: 403,
        world.a.street_admin: 404,  # holds the permission, at a street: no district in sight
        world.b.commander: 404,
        world.b.admin: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        for method, url in pages:
            assert getattr(client, method)(url).status_code == status, (user.username, url)
    assert Bulletin.objects.get(pk=made.pk).state == State.DRAFT


def test_the_hq_drafts_edits_and_publishes_through_the_pages(world: World, client):
    client.force_login(world.a.commander)
    day = days_ago(1).isoformat()
    response = client.post(
        reverse("bulletin:new", args=[world.a.district.pk]), {"day": day, "language": "zh-hans"}
    )
    made = Bulletin.objects.get(unit=world.a.district)
    assert response.url == reverse("bulletin:edit", args=[made.pk])
    client.post(reverse("bulletin:edit", args=[made.pk]), {"title": "标题", "text": "正文。"})
    client.post(reverse("bulletin:publish", args=[made.pk]))
    made.refresh_from_db()
    assert (made.title, made.text, made.state) == ("标题", "正文。", State.PUBLISHED)
    # Locked: a POST to the edit page changes nothing and leads to the correction.
    locked = client.post(reverse("bulletin:edit", args=[made.pk]), {"title": "x", "text": "y"})
    assert locked.url == reverse("bulletin:correct", args=[made.pk])
    assert Bulletin.objects.get(pk=made.pk).text == "正文。"
    page = client.get(reverse("bulletin:manage")).content.decode()
    assert "标题" in page


def test_the_list_costs_the_same_for_many_bulletins(
    world: World, client, django_assert_max_num_queries
):
    for n in range(1, 8):
        draft(world, n)
    client.force_login(world.a.commander)
    client.get(reverse("bulletin:manage"))  # the session and the grants, once
    with django_assert_max_num_queries(8):
        page = client.get(reverse("bulletin:manage"))
    html = page.content.decode()
    assert all(
        reverse("bulletin:edit", args=[pk]) in html
        for pk in Bulletin.objects.values_list("pk", flat=True)
    )
