"""Every error as one answer: the JSON error body under ``/api``, for ``/metrics`` and with
``?format=json``, an error page on the portal — with any resident number masked, and the
exceptions the layers below raise (validation, HTTP, a database that stopped answering,
anything unexpected) turned into it."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from ..errors import FieldError, InvalidData, RateLimited, Unavailable, XinyongError
from ..ids.hiding import mask_numbers
from ..text import storable
from .guards import masked

log = logging.getLogger("xinyong.web")


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
    from .pages import render

    response = render(request, "error.html", body, ANONYMOUS, status=exc.status)
    if headers:
        response.headers.update(headers)
    return response


def install_error_handlers(app: FastAPI) -> None:
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


def _without_numbers(body: dict[str, Any], today: date) -> dict[str, Any]:
    """An error body with any resident number in its texts masked: whatever raised it, an
    error never echoes one."""
    return {
        **body,
        "error": mask_numbers(body["error"], today=today),
        "errors": [{k: mask_numbers(v, today=today) for k, v in e.items()} for e in body["errors"]],
    }
