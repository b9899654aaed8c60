"""``create_app(settings)``: the API, the portal and what guards them.

Layers, outermost first: a guard that turns undecodable or malformed requests into a 400
(never a 500) and logs each request without query strings and with identity numbers masked;
a request-size limit (413); CSRF protection for cookie-authenticated form posts (asgi-csrf,
double-submit cookie; bearer-token calls need none); signed session cookies (Starlette,
itsdangerous) carrying only the id of a server-side session (``sessions``); security
headers; then the routes. Errors have one JSON shape under ``/api`` and with
``?format=json``, and an error page on the portal.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from importlib import resources
from typing import Any

import sqlalchemy as sa
from asgi_csrf import asgi_csrf
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import workdays
from ..clock import real_now
from ..errors import FieldError, InvalidData, RateLimited, Unavailable, XinyongError
from ..ids.hiding import mask_numbers
from ..keys import check_pseudonym_key
from ..ledger import make_engine, require_current
from ..logs import ACCESS_LOGGER
from ..schemes import load_pack
from ..settings import Settings, load_settings
from ..text import storable
from . import (
    api,
    audit_api,
    consent_api,
    health,
    openapi,
    portal,
    rights_api,
    sanctions_api,
    staff,
)
from .i18n import environments
from .metrics import observe_request
from .platform import Platform
from .sessions import SESSION_LIFETIME
from .text_guard import TextGuard

log = logging.getLogger("xinyong.web")
access_log = logging.getLogger(ACCESS_LOGGER)
_RESIDENT_NUMBER = re.compile(r"\d{15}(?:\d{2}[\dXx])?")
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def create_app(
    settings: Settings,
    *,
    engine: sa.Engine | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The web platform for ``settings`` (the database must be migrated: ``xinyong init``)."""
    engine = engine or make_engine(settings)
    require_current(engine)
    with engine.begin() as conn:
        check_pseudonym_key(conn, settings.pseudonym_chain, now=(clock or real_now)())
    pack = load_pack(settings.jurisdiction, extra_path=settings.packs_path)
    workdays.configure(settings.calendar_path)
    platform = Platform(settings, engine, pack, clock=clock or real_now)
    app = FastAPI(
        dependencies=[Depends(_note_route)],
        lifespan=_warm_up,
        title="xinyong",
        summary="Public credit information platform: catalogue, subjects, records, lists, "
        "grades, explanations",
        version=pack.meta.version,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.platform = platform
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]

    @app.get("/api/docs", include_in_schema=False)
    async def api_docs() -> Response:
        """Swagger UI from the vendored copy (no CDN), allowed its one inline script."""
        page = get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="xinyong API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )
        page.headers["content-security-policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
        )
        return page

    app.state.templates = environments(
        {"static": "/static", "agencies": pack.agencies, "responders": pack.responders}
    )
    app.include_router(health.router)
    app.include_router(api.router)
    app.include_router(consent_api.router)
    app.include_router(sanctions_api.router)
    app.include_router(audit_api.router)
    app.include_router(rights_api.router)
    app.include_router(portal.router)
    app.include_router(staff.router)
    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files(__package__).joinpath("static"))),
        name="static",
    )
    _install_error_handlers(app)
    production = settings.env == "production"

    secret = settings.session_secret.get_secret_value()
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="xinyong_session",
        max_age=int(SESSION_LIFETIME.total_seconds()),
        same_site="lax",
        https_only=production,
    )
    app.add_middleware(
        asgi_csrf,
        signing_secret=secret,
        always_protect={"/login", "/logout"},
        skip_if_scope=checks_own_csrf,
        cookie_secure=production,
        send_csrf_failed=_csrf_failed,
    )
    app.add_middleware(MultipartForms)
    app.add_middleware(TextGuard)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.max_body_bytes + settings.evidence_max_bytes,
    )
    app.add_middleware(RequestGuard)
    return app


@asynccontextmanager
async def _warm_up(app: FastAPI) -> AsyncIterator[None]:
    """At start, the platform's background work begins (``Platform.start``: the ledger-wide
    aggregates computed, so the first visitor of the statistics or double-publicity page does
    not wait for them); at shutdown it ends before the app does."""
    from starlette.concurrency import run_in_threadpool

    platform: Platform = app.state.platform
    platform.start()
    yield
    await run_in_threadpool(platform.close)  # it waits for background work: not on the loop


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/api")
        or path == "/metrics"
        or request.query_params.get("format") == "json"
    )


def error_response(request: Request, exc: XinyongError) -> Response:
    retry = exc.context.get("retry_after", 60 if isinstance(exc, RateLimited) else None)
    headers = {"retry-after": str(retry)} if retry is not None else None
    # an error may name a field that holds a lone surrogate, or echo a resident number
    body = storable(_without_numbers(exc.to_dict(), request.app.state.platform.today()))
    if _wants_json(request):
        return JSONResponse(body, status_code=exc.status, headers=headers)
    from ..access import ANONYMOUS
    from .portal import render

    response = render(request, "error.html", body, ANONYMOUS, status=exc.status)
    if headers:
        response.headers.update(headers)
    return response


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(XinyongError)
    async def domain_error(request: Request, exc: XinyongError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        # the input is not echoed: it may be a raw identity number
        errors = [
            FieldError(
                ".".join(str(part) for part in e["loc"][1:]) or str(e["loc"][0]),
                e["msg"],
                "see /api/docs for this parameter",
            )
            for e in exc.errors()
        ]
        return error_response(
            request, InvalidData("the request is invalid", code="invalid-request", errors=errors)
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        error = XinyongError(str(exc.detail), code=f"http-{exc.status_code}")
        error.status = exc.status_code  # type: ignore[misc]
        return error_response(request, error)

    @app.exception_handler(sa.exc.OperationalError)
    @app.exception_handler(sa.exc.InterfaceError)
    async def database_down(request: Request, exc: Exception) -> Response:
        """The database stopped answering: a 503 the caller may retry, not a 500."""
        log.error("ledger database unavailable on %s: %s", masked(request.url.path), exc)
        return error_response(
            request,
            Unavailable(
                "the ledger database does not answer; retry shortly (the operator sees it at "
                "/api/health/ready)",
                code="database-unavailable",
            ),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, _exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, masked(request.url.path))
        return error_response(request, XinyongError("internal error; it has been logged"))


def masked(path: str) -> str:
    """A path fit for a log: identity-number-like digit runs hidden."""
    return _RESIDENT_NUMBER.sub("[id]", path)


def _without_numbers(body: dict[str, Any], today: date) -> dict[str, Any]:
    """An error body with any resident number in its texts masked: whatever raised it, an
    error never echoes one."""
    return {
        **body,
        "error": mask_numbers(body["error"], today=today),
        "errors": [{k: mask_numbers(v, today=today) for k, v in e.items()} for e in body["errors"]],
    }


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


async def _csrf_failed(_scope: Scope, send: Send, _message_id: Any) -> None:
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


async def _note_route(request: Request) -> None:
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


def app_from_environment() -> FastAPI:
    """The app for ``XINYONG_*`` settings (what ``xinyong serve`` runs, as a uvicorn factory)."""
    return create_app(load_settings())
