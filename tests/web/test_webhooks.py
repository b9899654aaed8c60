"""Webhook delivery against a real local HTTP receiver: signed, retried, idempotent."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from tests.web.conftest import NOW, make_web
from xinyong.keys.sealing import webhook_key
from xinyong.sanctions.webhooks import deliver, register, sign
from xinyong.settings import Settings

KEY = webhook_key(
    Settings(webhook_key="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
)  # type: ignore[arg-type]


class Receiver(BaseHTTPRequestHandler):
    """Answers 503 to the first delivery it sees, then 200; keeps what it received."""

    received: list[tuple[dict[str, str], bytes]] = []
    fail_first = True

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        body = self.rfile.read(int(self.headers["content-length"]))
        type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        status = 503 if type(self).fail_first else 200
        type(self).fail_first = False
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_notices_reach_a_webhook_signed_and_are_retried_with_backoff(
    world_template: Path, tmp_path: Path
) -> None:
    web = make_web(world_template, tmp_path)
    platform = web.client.app.state.platform  # type: ignore[attr-defined]
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/notices"
        with platform.engine.begin() as conn:
            secret = register(conn, platform.pack, "civil_aviation", url, now=NOW, key=KEY)
        first = deliver(platform.engine, key=KEY, now=NOW)
        assert (first.delivered, first.failed) == (1, 1)  # the receiver refused the first
        assert (
            deliver(platform.engine, key=KEY, now=NOW + timedelta(seconds=10)).delivered == 0
        )  # backoff
        retry = deliver(platform.engine, key=KEY, now=NOW + timedelta(seconds=31))
        assert (retry.delivered, retry.failed) == (1, 0)
        assert (
            deliver(platform.engine, key=KEY, now=NOW + timedelta(hours=1)).delivered == 0
        )  # all done
    finally:
        server.shutdown()
        server.server_close()
    deliveries = [h["x-xinyong-delivery"] for h, _ in Receiver.received]
    assert len(deliveries) == 3 and len(set(deliveries)) == 2  # one retried under the same id
    for headers, body in Receiver.received:
        stamp = int(headers["x-xinyong-timestamp"])
        assert headers["x-xinyong-signature"] == sign(secret, stamp, body)
        assert json.loads(body)["responder"] == "civil_aviation"
