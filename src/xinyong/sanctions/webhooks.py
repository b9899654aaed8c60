"""Pushing notices to responders' webhooks, signed, retried with backoff, idempotent.

Each notice is POSTed as JSON to the responder's registered URL with:

- ``X-Xinyong-Delivery``: the notice id — the same on every retry, so a receiver that has
  seen it can answer 2xx and do nothing (idempotent delivery);
- ``X-Xinyong-Timestamp``: seconds since the epoch;
- ``X-Xinyong-Signature``: ``sha256=`` HMAC-SHA256 under the responder's secret of
  ``<timestamp>.<body>``.

The secrets are stored encrypted (AES-256-GCM, :mod:`xinyong.keys.sealing`).

A 2xx answer marks the notice delivered. Anything else (or no answer) is retried after
30 s × 2^(attempts-1), at most six hours, and the error kept. Pulling
(``GET /api/dispatch``) works the same with or without a webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, InvalidData
from ..keys.sealing import is_sealed, seal, unseal
from ..schemes import Pack
from .tables import dispatch_notices, webhooks

MAX_BACKOFF = timedelta(hours=6)
#: (url, body, headers) → HTTP status; raises on no answer
Post = Callable[[str, bytes, dict[str, str]], int]


def register(
    conn: sa.Connection, pack: Pack, responder: str, url: str, *, now: datetime, key: bytes
) -> str:
    """Register (or replace) a responder's webhook; returns the new shared secret, stored
    encrypted under ``key`` (``keys.sealing.webhook_key``)."""
    if responder not in pack.responders:
        raise InvalidData(
            f"{responder!r} is not a responding agency of the pack",
            code="unknown-responder",
            errors=[FieldError("responder", "is unknown", "use a code from responders.yaml")],
        )
    if not url.startswith(("https://", "http://")):
        raise InvalidData(
            "the webhook must be an http(s) URL",
            code="bad-url",
            errors=[FieldError("url", f"is {url[:80]!r}", "give https://…")],
        )
    secret = secrets.token_urlsafe(32)
    conn.execute(webhooks.delete().where(webhooks.c.responder == responder))
    conn.execute(
        webhooks.insert().values(
            responder=responder,
            url=url,
            secret=seal(secret, responder=responder, key=key),
            created_at=now,
        )
    )
    return secret


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    import httpx

    return httpx.post(url, content=body, headers=headers, timeout=10.0).status_code


@dataclass(frozen=True)
class DeliveryRun:
    delivered: int
    failed: int


def _body(row: dict[str, Any]) -> bytes:
    keys = (
        "notice_id",
        "seq",
        "responder",
        "event",
        "subject_id",
        "list_id",
        "source_agency",
        "source_record_id",
        "effective_on",
        "expires_on",
        "measures",
    )
    return json.dumps(
        {k: row[k] for k in keys}, ensure_ascii=False, default=str, sort_keys=True
    ).encode("utf-8")


def seal_plaintext(conn: sa.Connection, *, key: bytes) -> int:
    """Encrypt every webhook secret still stored in plaintext; returns how many."""
    rows = conn.execute(sa.select(webhooks.c.responder, webhooks.c.secret)).all()
    plain = [r for r in rows if not is_sealed(r.secret)]
    for r in plain:
        sealed = seal(r.secret, responder=r.responder, key=key)
        conn.execute(
            webhooks.update().where(webhooks.c.responder == r.responder).values(secret=sealed)
        )
    return len(plain)


def deliver(engine: sa.Engine, *, now: datetime, key: bytes, post: Post = http_post) -> DeliveryRun:
    """One pass: POST every due, undelivered notice of every responder with a webhook
    (secrets still in plaintext are encrypted under ``key`` first)."""
    d = dispatch_notices.c
    with engine.begin() as conn:
        seal_plaintext(conn, key=key)
    with engine.connect() as conn:
        hooks = {
            r.responder: (r.url, unseal(r.secret, responder=r.responder, key=key))
            for r in conn.execute(sa.select(webhooks))
        }
        due = (
            [
                dict(r)
                for r in conn.execute(
                    sa.select(dispatch_notices)
                    .where(
                        d.responder.in_(sorted(hooks)),
                        d.webhook_delivered_at.is_(None),
                        sa.or_(d.webhook_next_at.is_(None), d.webhook_next_at <= now),
                    )
                    .order_by(d.seq)
                ).mappings()
            ]
            if hooks
            else []
        )
    delivered = failed = 0
    for row in due:
        url, secret = hooks[row["responder"]]
        body = _body(row)
        stamp = int(now.timestamp())
        headers = {
            "content-type": "application/json",
            "x-xinyong-delivery": row["notice_id"],
            "x-xinyong-timestamp": str(stamp),
            "x-xinyong-signature": sign(secret, stamp, body),
        }
        try:
            status = post(url, body, headers)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except Exception as exc:  # no answer: network, timeout
            error = f"{type(exc).__name__}: {exc}"[:500]
        attempts = row["webhook_attempts"] + 1
        values: dict[str, Any] = {"webhook_attempts": attempts, "webhook_error": error}
        if error is None:
            values["webhook_delivered_at"] = now
            delivered += 1
        else:
            values["webhook_next_at"] = now + min(
                timedelta(seconds=30 * 2 ** (attempts - 1)), MAX_BACKOFF
            )
            failed += 1
        with engine.begin() as conn:
            conn.execute(
                dispatch_notices.update().where(d.notice_id == row["notice_id"]).values(**values)
            )
    return DeliveryRun(delivered, failed)
