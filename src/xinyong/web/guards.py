"""The ASGI layers that guard every request before a route sees it, outermost first: a guard
that turns undecodable or malformed requests into a 400 (never a 500) and logs each request
without query strings and with identity numbers masked; a request-size limit (413); the refusal
of multipart forms that would skip CSRF protection; security headers."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import FieldError
from ..logs import ACCESS_LOGGER
from .metrics import observe_request

access_log = logging.getLogger(ACCESS_LOGGER)


_RESIDENT_NUMBER = re.compile(r"\d{15}(?:\d{2}[\dXx])?")


def masked(path: str) -> str:
    """A path fit for a log: identity-number-like digit runs hidden."""
    return _RESIDENT_NUMBER.sub("[id]", path)


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _problem(status: int, code: str, detail: str, field: str = "", fix: str = "") -> dict[str, Any]:
    errors = [FieldError(field, detail, fix).to_dict()] if field else []
    return {"ok": False, "error": detail, "errors": errors, "status": status, "code": code}


#: the routes that read a multipart body and check its CSRF token themselves
#: (``principals.check_csrf``): the evidence uploads of the portal and of the API
CHECKS_OWN_CSRF = re.compile(r"^(/me|/api)/(objections|repairs)/[^/]+/evidence$")


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return b""


def _multipart(scope: Scope) -> bool:
    return _header(scope, b"content-type").lower().startswith(b"multipart/form-data")


def checks_own_csrf(scope: Scope) -> bool:
    """A multipart request to a route that checks its own CSRF token: asgi-csrf 0.11's
    multipart parser calls python-multipart with an argument newer versions no longer take,
    and fails on a boundary it does not expect (a 500 either way), so it must not see one."""
    return _multipart(scope) and CHECKS_OWN_CSRF.match(scope["path"]) is not None


class MultipartForms:
    """Refuses, before asgi-csrf would parse it, a multipart request without a bearer token
    to any other route: only the evidence forms send files, and such a request would
    otherwise fail in asgi-csrf's parser (``/login`` is protected even without cookies) or
    skip the CSRF check."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in ("GET", "HEAD", "OPTIONS")
            and _multipart(scope)
            and not _header(scope, b"authorization").startswith(b"Bearer ")
            and not checks_own_csrf(scope)
        ):
            body = _problem(
                403,
                "csrf-failed",
                "a form with files is accepted only where evidence is uploaded",
                "content-type",
                "send the form url-encoded, or JSON with a bearer token",
            )
            await _send_json(send, 403, body)
            return
        await self.app(scope, receive, send)


async def csrf_failed(_scope: Scope, send: Send, _message_id: Any) -> None:
    await _send_json(
        send,
        403,
        _problem(
            403,
            "csrf-failed",
            "the form's CSRF token is missing or does not match its cookie",
            "csrftoken",
            "reload the page and submit the form again; API clients use a bearer token",
        ),
    )


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response that does not set its own (pure ASGI: no
    per-request task or body buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with a 413, declared or streamed; evidence
    uploads (paths ending ``/evidence``) may carry up to ``upload_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None) -> None:
        self.app, self.max_bytes = app, max_bytes
        self.upload_bytes = upload_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if scope["path"].endswith("/evidence") else self.max_bytes
        too_big = _problem(
            413,
            "body-too-large",
            f"the request body is larger than {limit} bytes",
            "body",
            "send less per request (bulk loads go through `xinyong ingest`)",
        )
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_json(send, 413, too_big)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _send_json(send, 413, too_big)


class _TooLarge(Exception):
    pass


class RequestGuard:
    """Outermost: a request the inner layers cannot even parse (undecodable form bodies,
    multipart without a boundary) is a 400, not a 500; each request is logged, masked."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0
        scope.setdefault("state", {})  # shared with the inner layers' copies of the scope

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except (UnicodeDecodeError, IndexError, ValueError, AssertionError):
            if status:
                raise
            status = 400
            await _send_json(
                send,
                400,
                _problem(400, "malformed-request", "the request body cannot be decoded"),
            )
        fields = request_fields(scope, status, started)
        observe_request(fields["method"], fields["route"], status, fields["duration_ms"] / 1000)
        access_log.info("request", extra={"fields": fields})


async def note_route(request: Request) -> None:
    """Leave the matched route's template and parameters for the request log (the middleware
    layers between it and the router copy the scope, but share its ``state``)."""
    route = request.scope.get("route")
    request.state.route = getattr(route, "path", None)
    request.state.path_params = request.path_params


def request_fields(scope: Scope, status: int, started: float) -> dict[str, Any]:
    """One request-log line: the route's template (never the raw path) and its path parameters
    masked, the status, the duration and the actor (``principal`` records it; unrouted requests
    and routes that need no principal have none)."""
    state = scope.get("state") or {}
    template = state.get("route")
    params = state.get("path_params") or {}
    return {
        "method": scope["method"],
        # an unmatched path is one label, not a new series per path (nor a raw path)
        "route": template or "<unmatched>",
        "params": {k: masked(str(v)) for k, v in params.items()},
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "actor": state.get("actor"),
    }
