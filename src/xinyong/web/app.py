"""``create_app(settings)``: the API, the portal and what guards them.

Layers (``guards``), outermost first: a guard that turns undecodable or malformed
requests into a 400 (never a 500) and logs each request without query strings and with
identity numbers masked; a request-size limit (413); CSRF protection for cookie-authenticated
form posts (asgi-csrf, double-submit cookie; bearer-token calls need none); signed session
cookies (Starlette, itsdangerous) carrying only the id of a server-side session
(``sessions``); security headers; then the routes. Errors have one JSON shape under ``/api``
and with ``?format=json``, and an error page on the portal (``error_answers``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from importlib import resources

import sqlalchemy as sa
from asgi_csrf import asgi_csrf
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from .. import workdays
from ..clock import real_now
from ..keys import check_pseudonym_key
from ..ledger import make_engine, require_current
from ..logs import ACCESS_LOGGER
from ..schemes import load_pack
from ..settings import Settings, load_settings
from . import (
    api,
    audit_api,
    consent_api,
    dispatch_api,
    evidence_api,
    health,
    me_portal,
    objections_api,
    openapi,
    portal,
    rights_api,
    sanctions_api,
    staff,
    subjects_api,
)
from .error_answers import install_error_handlers
from .guards import (
    BodyLimit,
    MultipartForms,
    RequestGuard,
    SecurityHeaders,
    checks_own_csrf,
    csrf_failed,
    note_route,
)
from .i18n import environments
from .platform import Platform
from .sessions import SESSION_LIFETIME
from .text_guard import TextGuard

log = logging.getLogger("xinyong.web")


log = logging.getLogger("xinyong.web")


access_log = logging.getLogger(ACCESS_LOGGER)


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
        dependencies=[Depends(note_route)],
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
    app.include_router(subjects_api.router)
    app.include_router(consent_api.router)
    app.include_router(sanctions_api.router)
    app.include_router(dispatch_api.router)
    app.include_router(audit_api.router)
    app.include_router(objections_api.router)
    app.include_router(evidence_api.router)
    app.include_router(rights_api.router)
    app.include_router(portal.router)
    app.include_router(me_portal.router)
    app.include_router(staff.router)
    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files(__package__).joinpath("static"))),
        name="static",
    )
    install_error_handlers(app)
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
        send_csrf_failed=csrf_failed,
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


def app_from_environment() -> FastAPI:
    """The app for ``XINYONG_*`` settings (what ``xinyong serve`` runs, as a uvicorn factory)."""
    return create_app(load_settings())
