"""The request's principal: found from its bearer token or portal session (looked up off the
event loop), rate-limited, and the dependency that lets a request through only with a
permission."""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from ..access import ANONYMOUS, Permission, Principal, authorise
from ..errors import Forbidden, RateLimited, Unauthenticated
from .credentials import account_principal, token_principal
from .platform import Platform, PlatformDep
from .sessions import session_account


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def principal(request: Request, p: PlatformDep) -> Principal:
    """The caller. A bearer token that is wrong, expired or revoked is refused outright (not
    treated as anonymous), so a misconfigured client learns at once. Its look-ups run in a
    worker thread, off the event loop; an anonymous caller needs none."""
    from starlette.concurrency import run_in_threadpool

    header = request.headers.get("authorization", "")
    found: Principal | None
    if header.lower().startswith("bearer "):
        found = await run_in_threadpool(_token_principal, p, header[7:].strip())
        if found is None:
            raise Unauthenticated(
                "the API token is unknown, expired or revoked; ask the platform operator for "
                "a new one",
                code="bad-token",
            )
    elif "sid" in request.session:
        found = await run_in_threadpool(session_principal, p, str(request.session["sid"]))
        if found is None:
            request.session.clear()
            found = ANONYMOUS
    else:
        found = ANONYMOUS
    request.state.actor = found.actor
    address = client_address(request)
    key = found.actor if found.actor != "anonymous" else f"ip:{address}"
    if not p.limiter.hit(p.api_limit, key):
        reset, _ = p.limiter.get_window_stats(p.api_limit, key)
        raise RateLimited(
            f"more than {p.settings.api_rate_limit} requests; retry in "
            f"{max(1, int(reset - time.time()))} s",
        )
    return Principal(found.role, found.actor, found.agency, found.subject_id, found.items, address)


def _token_principal(p: Platform, token: str) -> Principal | None:
    with p.engine.connect() as conn:
        return token_principal(conn, token, now=p.clock())


def session_principal(p: Platform, session_id: str) -> Principal | None:
    """The principal of a live portal session (``sessions``), its account re-read."""
    idle = timedelta(minutes=p.settings.session_idle_minutes)
    with p.engine.begin() as conn:
        username = session_account(conn, session_id, now=p.clock(), idle=idle)
        return account_principal(conn, username) if username is not None else None


def check_csrf(request: Request, token: str = "") -> None:
    """The CSRF check asgi-csrf makes, for the multipart requests it lets through
    (``app.checks_own_csrf``): a request that sends cookies and no bearer token must carry
    the value of the ``csrftoken`` cookie, as the form's ``csrftoken`` field or the
    ``x-csrftoken`` header.

    Raises:
        Forbidden: the token is missing or stale.
    """
    bearer = request.headers.get("authorization", "").startswith("Bearer ")
    if bearer or not request.headers.get("cookie"):
        return
    expected = request.scope.get("csrftoken")
    sent = token or request.headers.get("x-csrftoken", "")
    # as bytes: ``compare_digest`` refuses a str with other than ASCII characters (a 500)
    if expected is None or not secrets.compare_digest(sent.encode(), expected().encode()):
        raise Forbidden("the form's CSRF token is missing or stale", code="csrf-failed")


def require(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets the request through only if its principal holds ``permission``."""

    async def dependency(who: Annotated[Principal, Depends(principal)]) -> Principal:
        authorise(who, permission)
        return who

    dependency.permission = permission  # type: ignore[attr-defined]  # read by ``openapi``
    return dependency
