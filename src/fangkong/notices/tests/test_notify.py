"""Writing notices: one per user, an SMS only to a mobile on file, numbers sealed."""

from __future__ import annotations

import logging

import pytest

from fangkong.core.testing import World
from fangkong.notices.models import Notice, NoticeKind, SmsMessage, SmsState
from fangkong.notices.services import notify
from fangkong.notices.tests.helpers import give_phone, stored_numbers

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"


def test_notify_writes_a_notice_to_each_user_and_texts_only_those_with_a_mobile(world: World):
    give_phone(world.a.grid_worker_local, "138 1234 5678")
    give_phone(world.a.viewer, "0531-88000000")  # a landline takes no text
    users = [world.a.grid_worker_local, world.a.officer, world.a.viewer]

    made = notify(
        users, kind=NoticeKind.GENERAL, title="防汛会议", body="明早八点", link="/reports/",
        sms=True, actor=world.a.commander,
    )  # fmt: skip

    assert sorted(n.recipient_id for n in made) == sorted(u.pk for u in users)
    assert Notice.objects.filter(sender=world.a.commander, read_at__isnull=True).count() == 3
    sms = SmsMessage.objects.get()
    assert (sms.recipient, sms.to, sms.state) == (world.a.grid_worker_local, MOBILE, "queued")
    assert sms.notice is not None and sms.notice.recipient == world.a.grid_worker_local
    assert sms.text == "防汛会议: 明早八点"
    assert sms.masked_to == "138****5678"


def test_the_number_is_sealed_in_the_database(world: World):
    give_phone(world.a.grid_worker_local, MOBILE)
    notify([world.a.grid_worker_local], kind=NoticeKind.GENERAL, title="x", sms=True)
    [raw] = stored_numbers()
    assert MOBILE not in raw and "5678" not in raw


def test_without_sms_nothing_is_queued(world: World):
    give_phone(world.a.grid_worker_local, MOBILE)
    notify([world.a.grid_worker_local], kind=NoticeKind.GENERAL, title="x")
    assert Notice.objects.count() == 1 and not SmsMessage.objects.exists()


def test_each_user_once_and_an_inactive_user_not_at_all(world: World):
    gone = world.a.viewer
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    made = notify(
        [world.a.officer, world.a.officer, gone], kind=NoticeKind.GENERAL, title="x", sms=True
    )
    assert [n.recipient_id for n in made] == [world.a.officer.pk]


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_a_notice_never_leads_to_another_site(world: World, link: str):
    with pytest.raises(ValueError):
        notify([world.a.officer], kind=NoticeKind.GENERAL, title="x", link=link)
    assert not Notice.objects.exists()


def test_the_sms_goes_out_when_the_notice_is_committed_and_the_log_shows_no_number(
    world: World, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    give_phone(world.a.grid_worker_local, MOBILE)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.a.grid_worker_local], kind=NoticeKind.GENERAL, title="x", sms=True)
        assert SmsMessage.objects.get().state == SmsState.QUEUED
    sms = SmsMessage.objects.get()
    assert sms.state == SmsState.SENT and sms.sent_at is not None and sms.attempts == 1
    assert "138****5678" in caplog.text
    assert MOBILE not in caplog.text
