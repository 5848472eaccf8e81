"""The SMS backends and the outbox: a gateway on 127.0.0.1 that says yes, no, or nothing;
bounded retries; nothing lost; numbers and the token never in a log line."""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from fangkong.core.testing import World
from fangkong.notices import outbox
from fangkong.notices.models import NoticeKind, SmsMessage, SmsState
from fangkong.notices.services import notify
from fangkong.notices.sms import HttpGatewayBackend, SmsBackend, get_backend
from fangkong.notices.tasks import send_sms
from fangkong.notices.tests.conftest import Gateway
from fangkong.notices.tests.helpers import give_phone

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"


@pytest.fixture
def queued(world: World) -> SmsMessage:
    give_phone(world.a.grid_worker_local, MOBILE)
    notify([world.a.grid_worker_local], kind=NoticeKind.GENERAL, title="请报日报", sms=True)
    return SmsMessage.objects.get()


def _reload(message: SmsMessage) -> SmsMessage:
    return SmsMessage.objects.get(pk=message.pk)


def test_the_gateway_gets_json_with_the_token_and_a_2xx_marks_the_message_sent(
    use_gateway: Gateway, queued: SmsMessage
):
    done = outbox.deliver()
    assert done.sent == 1
    [request] = use_gateway.requests
    assert request["json"] == {"to": MOBILE, "text": "请报日报", "ref": str(queued.pk)}
    assert request["headers"]["Authorization"] == "Bearer s3cret-token"
    message = _reload(queued)
    assert (message.state, message.attempts, message.last_error) == (SmsState.SENT, 1, "")


def test_a_refusing_gateway_keeps_the_message_with_the_reason_and_retries_a_bounded_number_of_times(
    settings, use_gateway: Gateway, queued: SmsMessage, caplog
):
    caplog.set_level(logging.INFO)
    settings.FANGKONG_SMS_MAX_ATTEMPTS = 3
    settings.FANGKONG_SMS_RETRY_SECONDS = 60
    use_gateway.status, use_gateway.answer = 500, f'{{"error": "busy", "to": "{MOBILE}"}}'
    start = timezone.now()

    first = outbox.deliver(now=start)
    message = _reload(queued)
    assert first.retrying == [queued.pk] and first.next_at == start + timedelta(seconds=60)
    assert (message.state, message.attempts) == (SmsState.QUEUED, 1)
    assert message.last_error.startswith("HTTP 500") and "busy" in message.last_error
    assert MOBILE not in message.last_error and "138****5678" in message.last_error

    assert outbox.deliver(now=start + timedelta(seconds=30)).retrying == []  # not due yet
    assert len(use_gateway.requests) == 1

    outbox.deliver(now=start + timedelta(seconds=61))
    last = outbox.deliver(now=start + timedelta(hours=1))
    message = _reload(queued)
    assert last.failed == 1
    assert (message.state, message.attempts) == (SmsState.FAILED, 3)
    assert message.last_error.startswith("HTTP 500")

    outbox.deliver(now=start + timedelta(days=1))
    assert len(use_gateway.requests) == 3  # the bound holds
    assert MOBILE not in caplog.text and "s3cret-token" not in caplog.text
    assert "138****5678" in caplog.text


def test_a_gateway_that_rejects_the_message_is_not_asked_again(
    use_gateway: Gateway, queued: SmsMessage
):
    use_gateway.status = 400
    assert outbox.deliver().failed == 1
    message = _reload(queued)
    assert message.state == SmsState.FAILED and message.last_error.startswith("HTTP 400")


def test_an_unreachable_gateway_loses_nothing(settings, queued: SmsMessage):
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FANGKONG_SMS_BACKEND = "fangkong.notices.sms.HttpGatewayBackend"
    settings.FANGKONG_SMS_URL = f"http://127.0.0.1:{port}/sms"
    done = outbox.deliver()
    message = _reload(queued)
    assert done.retrying == [queued.pk]
    assert message.state == SmsState.QUEUED and message.last_error.startswith("gateway not reached")


def test_the_log_backend_logs_a_masked_number_only(queued: SmsMessage, caplog):
    caplog.set_level(logging.INFO, logger="fangkong.notices")
    assert outbox.deliver().sent == 1
    assert "138****5678" in caplog.text and MOBILE not in caplog.text
    assert "请报日报" not in caplog.text


def test_the_disabled_backend_keeps_messages_as_failed_until_they_are_queued_again(
    settings, queued: SmsMessage
):
    settings.FANGKONG_SMS_BACKEND = "fangkong.notices.sms.DisabledBackend"
    assert outbox.deliver().failed == 1
    assert _reload(queued).last_error.startswith("SMS sending is disabled")
    settings.FANGKONG_SMS_BACKEND = "fangkong.notices.sms.LogBackend"
    call_command("send_sms", "--requeue-failed", stdout=(out := io.StringIO()))
    assert _reload(queued).state == SmsState.SENT
    assert "1 failed messages queued again" in out.getvalue() and "1 sent" in out.getvalue()


class _Broken(SmsBackend):
    def send(self, *, to: str, text: str, ref: str) -> None:
        raise RuntimeError(f"cannot reach {to}")


def test_a_backend_that_breaks_keeps_the_message_queued(queued: SmsMessage, caplog):
    done = outbox.deliver(backend=_Broken())
    message = _reload(queued)
    assert done.retrying == [queued.pk]
    assert message.last_error == "backend error: RuntimeError"
    assert MOBILE not in caplog.text


def test_a_message_another_sender_has_claimed_is_not_sent_twice(
    use_gateway: Gateway, queued: SmsMessage
):
    stale = _reload(queued)  # read by a second sender before the first one sends
    outbox.deliver()
    out = outbox.Delivery()
    outbox._send_one(stale, get_backend(), timezone.now(), out)
    assert len(use_gateway.requests) == 1 and out.sent == 0


def test_the_task_sends_what_it_is_given(queued: SmsMessage):
    send_sms.enqueue([queued.pk])
    assert _reload(queued).state == SmsState.SENT


def test_the_cron_command_sends_what_is_due(queued: SmsMessage):
    call_command("send_sms", stdout=(out := io.StringIO()))
    assert "1 sent, 0 to retry, 0 failed; 0 queued in all" in out.getvalue()


def test_the_gateway_backend_needs_an_http_address(settings):
    settings.FANGKONG_SMS_URL = ""
    with pytest.raises(ImproperlyConfigured):
        HttpGatewayBackend()
    with pytest.raises(ImproperlyConfigured):
        get_backend("fangkong.notices.sms.NoSuchBackend")


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    """``fangkong check`` as a demo installation with only ``env`` of the FANGKONG_ settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FANGKONG_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", "from fangkong.cli import main; main()", "check"],
        env={**clean, "FANGKONG_DEMO": "1", **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_an_http_gateway_without_an_address_stops_the_start():
    backend = "fangkong.notices.sms.HttpGatewayBackend"
    refused = _start(FANGKONG_SMS_BACKEND=backend)
    assert refused.returncode != 0 and "FANGKONG_SMS_URL" in refused.stderr
    started = _start(FANGKONG_SMS_BACKEND=backend, FANGKONG_SMS_URL="https://sms.example.gov.cn/")
    assert started.returncode == 0, started.stderr
