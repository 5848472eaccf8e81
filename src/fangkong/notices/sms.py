"""Where text messages go: a backend chosen by ``FANGKONG_SMS_BACKEND`` (a dotted path).

- :class:`LogBackend` (the default): sends nothing, writes one log line with the number
  masked, and counts the message as sent. For demos and for installations without a gateway
  that still want the outbox kept.
- :class:`HttpGatewayBackend`: POSTs JSON to ``FANGKONG_SMS_URL`` with the token of
  ``FANGKONG_SMS_TOKEN``; what a deployment connects to its operator's SMS platform.
- :class:`DisabledBackend`: refuses every message, which stays in the outbox as failed
  with the reason (``fangkong send_sms --requeue-failed`` sends them once a gateway is set).

A backend's ``send`` returns when the gateway accepted the message and raises
:class:`SmsError` otherwise. Numbers and the token never reach a log line or an error text.
"""

from __future__ import annotations

import abc
import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from fangkong.core.crypto import mask

logger = logging.getLogger("fangkong.notices.sms")

DEFAULT_BACKEND = "fangkong.notices.sms.LogBackend"
# Answers that will not change if the same message is sent again: a bad number, a refused
# text, a wrong token. Anything else (5xx, 408, 429, no answer) is tried again.
RETRY_STATUSES = frozenset({408, 425, 429})


class SmsError(Exception):
    """The message was not accepted. ``permanent``: trying again will not help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmsBackend(abc.ABC):
    """What a deployment plugs in (``FANGKONG_SMS_BACKEND``): one method, ``send``."""

    @abc.abstractmethod
    def send(self, *, to: str, text: str, ref: str) -> None:
        """Hand one message to the gateway; ``ref`` is the outbox id (for its receipts)."""


class LogBackend(SmsBackend):
    def send(self, *, to: str, text: str, ref: str) -> None:
        logger.info("SMS %s to %s (%d characters), logged only", ref, mask(to), len(text))


class DisabledBackend(SmsBackend):
    def send(self, *, to: str, text: str, ref: str) -> None:
        raise SmsError("SMS sending is disabled (FANGKONG_SMS_BACKEND)", permanent=True)


def _scrub(text: str, to: str) -> str:
    """An error text with the number masked (a gateway may echo it back)."""
    return text.replace(to, mask(to)) if to else text


class HttpGatewayBackend(SmsBackend):
    """``POST <FANGKONG_SMS_URL>`` with ``{"to": "138…", "text": "…", "ref": "42"}`` and
    ``Authorization: Bearer <FANGKONG_SMS_TOKEN>``; any 2xx answer is acceptance."""

    def __init__(
        self, url: str | None = None, token: str | None = None, timeout: float | None = None
    ) -> None:
        self.url = url if url is not None else settings.FANGKONG_SMS_URL
        self.token = token if token is not None else settings.FANGKONG_SMS_TOKEN
        self.timeout = timeout if timeout is not None else settings.FANGKONG_SMS_TIMEOUT_SECONDS
        if not self.url.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                "FANGKONG_SMS_URL must be an http:// or https:// address for HttpGatewayBackend"
            )

    def send(self, *, to: str, text: str, ref: str) -> None:
        body = json.dumps({"to": to, "text": text, "ref": ref}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "fangkong"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            detail = _scrub(_read_snippet(error), to)
            reason = f"HTTP {error.code}" + (f": {detail}" if detail else "")
            permanent = 400 <= error.code < 500 and error.code not in RETRY_STATUSES
            raise SmsError(reason, permanent=permanent) from None
        except urllib.error.URLError as error:
            raise SmsError(f"gateway not reached: {_scrub(str(error.reason), to)}") from None
        except (TimeoutError, OSError) as error:
            raise SmsError(f"gateway not reached: {type(error).__name__}") from None
        if not 200 <= status < 300:
            raise SmsError(f"HTTP {status}")


def _read_snippet(error: urllib.error.HTTPError) -> str:
    try:
        raw = error.read(300)
    except Exception:  # the answer's body is a courtesy; its status decides
        return ""
    return " ".join(raw.decode("utf-8", "replace").split())[:200]


def get_backend(path: str | None = None, **options: Any) -> SmsBackend:
    """The configured backend (a new instance: settings may change between calls in tests)."""
    dotted = path or getattr(settings, "FANGKONG_SMS_BACKEND", "") or DEFAULT_BACKEND
    try:
        backend_class = import_string(dotted)
    except ImportError as error:
        raise ImproperlyConfigured(f"FANGKONG_SMS_BACKEND: cannot import {dotted!r}") from error
    backend = backend_class(**options)
    if not isinstance(backend, SmsBackend):
        raise ImproperlyConfigured(f"FANGKONG_SMS_BACKEND: {dotted!r} is not an SMS backend")
    return backend
