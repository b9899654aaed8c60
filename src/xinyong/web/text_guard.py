"""Text the platform cannot store or show is refused at the door (422), on every route.

The rule is ``xinyong.text``'s for free text: no lone surrogate, NUL or other C0/C1
control character (tab and line breaks allowed). It is applied to the query string and to
JSON and URL-encoded form bodies before any handler runs, so no objection, repair,
commitment, override reason or search term can put such a character into the ledger and
break the subject's file, reports or snapshots later. Identifier fields of records and
decisions get the stricter rule in ``ingest/rows.py``; multipart uploads (evidence files)
are checked by their own handler.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import FieldError, InvalidData
from ..text import storable, text_errors

_CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")
#: Routes whose input is only identifiers, each classified by ``ids.classify`` (which
#: applies the stricter rule and names the fault in its place in a bulk answer) and never
#: stored: only the subject key is.
CLASSIFIED_ONLY = frozenset({"/api/screen", "/api/screen/bulk"})


def unsafe_request_text(query: bytes, content_type: str, body: bytes) -> list[FieldError]:
    """The refused characters in a request's query string and body, by field."""
    errors: list[FieldError] = []
    for name, value in parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True):
        errors += text_errors(f"query.{storable(name)}", value, identifier=False)
    if not body:
        return errors
    if is_checked_body(content_type) and "form-urlencoded" not in content_type:
        try:
            data: Any = json.loads(body)
        except ValueError:
            return errors  # not JSON: the handler's validation says so
        if isinstance(data, dict):  # fields named as the handlers name them
            for name, value in data.items():
                errors += text_errors(storable(str(name)), name, identifier=False)
                errors += text_errors(storable(str(name)), value, identifier=False)
        else:
            errors += text_errors("body", data, identifier=False)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            errors += text_errors(storable(name), value, identifier=False)
    return errors


def is_checked_body(content_type: str) -> bool:
    """The bodies a handler may parse as JSON or a form: FastAPI reads any ``application/json``
    or ``application/*+json`` body as JSON (``merge-patch+json`` too), so all are checked."""
    media = content_type.split(";", 1)[0].strip()
    return media.startswith(_CHECKED_BODIES) or (
        media.startswith("application/") and media.endswith("+json")
    )


class TextGuard:
    """Pure ASGI: buffers JSON and form bodies (already size-limited by ``BodyLimit``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in CLASSIFIED_ONLY:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        query: bytes = scope.get("query_string", b"")
        body = b""
        replay = receive
        if is_checked_body(content_type):
            chunks, more = [], True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body = b"".join(chunks)
            sent = False

            async def replayed() -> Message:
                nonlocal sent
                if sent:
                    return await receive()
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            replay = replayed
        if b"%" in query or body:
            errors = unsafe_request_text(query, content_type, body)
            if errors:
                await _refuse(send, errors)
                return
        await self.app(scope, replay, send)


async def _refuse(send: Send, errors: list[FieldError]) -> None:
    refusal = InvalidData(
        "the request holds characters that cannot be stored or shown: "
        + "; ".join(str(e) for e in errors[:5]),
        code="unsafe-text",
        errors=errors[:20],
    )
    payload = json.dumps(storable(refusal.to_dict()), ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
