"""A stand-in SMS gateway on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Gateway:
    url: str
    status: int = 200
    answer: str = '{"ok": true}'
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    """An HTTP server that records each POST and answers with ``gateway.status``."""
    state = Gateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "json": json.loads(self.rfile.read(length) or b"null"),
                }
            )
            body = state.answer.encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def use_gateway(settings, gateway: Gateway) -> Gateway:  # type: ignore[no-untyped-def]
    settings.FANGKONG_SMS_BACKEND = "fangkong.notices.sms.HttpGatewayBackend"
    settings.FANGKONG_SMS_URL = gateway.url
    settings.FANGKONG_SMS_TOKEN = "s3cret-token"
    settings.FANGKONG_SMS_TIMEOUT_SECONDS = 5
    return gateway
