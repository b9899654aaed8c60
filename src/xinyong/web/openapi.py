"""The API's OpenAPI document, completed: every error status an operation can answer, each
with the one error body (``errors.XinyongError.to_dict``), and the two ways a caller proves
who it is (a bearer token, or the portal's session cookie), so Swagger's Authorize sends a
token and a generated client knows what to expect.

Which errors an operation answers follows from what it is:

- any operation: 400 (an undecodable or malformed request, ``app.RequestGuard``) and 503
  (the database unavailable, or today's screening index still being built);
- one that finds its caller (``principals.principal``): 401 for a bad token, 429 over the
  rate limit, 404 (what it names or reads does not exist, or is not the caller's to see);
  403 as well if its permission is not the public's;
- one with parameters or a body: 422 and 404; with a body: 413 (too large); one that
  writes: 409 (a conflict with what is stored).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from ..access import GRANTS, Permission, Role

#: the body of every error answer
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["ok", "error", "errors", "status", "code"],
    "properties": {
        "ok": {"type": "boolean", "enum": [False]},
        "error": {"type": "string", "description": "what went wrong, for a person"},
        "errors": {
            "type": "array",
            "description": "one item per field at fault, with what to do about it",
            "items": {
                "type": "object",
                "required": ["field", "message", "fix"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "fix": {"type": "string"},
                },
            },
        },
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "stable and machine-readable"},
    },
}

SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "an API token the platform's operator issued (`xinyong web token`)",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "xinyong_session",
        "description": "the portal's signed session cookie, after signing in at /login",
    },
}

WHY = {
    400: "The request cannot be read (undecodable, malformed, or a control character).",
    401: "The bearer token is unknown, expired or revoked, or the operation needs one.",
    403: "The caller's role does not hold this operation's permission.",
    404: "What the request names does not exist (or is not the caller's to see).",
    409: "The request conflicts with what is stored.",
    413: "The request body is too large.",
    422: "A parameter or the body is invalid; `errors` names each field and its fix.",
    429: "Too many requests; retry after `Retry-After` seconds.",
    503: "The database is unavailable, or today's screening index is still being built; "
    "retry after `Retry-After` seconds.",
}
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: the schema FastAPI gives every 422 it adds by itself
VALIDATION_ERROR = "#/components/schemas/HTTPValidationError"


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that checks its caller by hand (not through
    ``principals.require``), for the statuses it adds."""
    return {status: _error(status) for status in statuses}


def _error(status: int) -> dict[str, Any]:
    return {
        "description": WHY[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with its errors and security schemes (built once)."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    components["securitySchemes"] = SECURITY_SCHEMES
    # included routers are resolved lazily (FastAPI 0.165): walk them as ``get_openapi`` does
    for context in routing.iter_route_contexts(app.routes):
        route: Any = context
        if not isinstance(context.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _complete(operation, route.dependant, method)
    app.openapi_schema = schema
    return schema


def _complete(operation: dict[str, Any], dependant: Dependant, method: str) -> None:
    permission, finds_caller = _permission(dependant)
    public = permission is not None and Role.PUBLIC in GRANTS.get(permission, frozenset())
    has_body = dependant.body_params != []
    has_params = has_body or any(
        (dependant.path_params, dependant.query_params, dependant.header_params)
    )
    statuses = {400, 503}
    if finds_caller:
        statuses |= {401, 404, 429} | (set() if public else {403})
        operation["security"] = (
            [{}, {"bearer": []}, {"session": []}]
            if public
            else [
                {"bearer": []},
                {"session": []},
            ]
        )
    if has_params:
        statuses |= {404, 422}
    if has_body:
        statuses.add(413)
    if method in WRITES:
        statuses.add(409)
    responses = operation.setdefault("responses", {})
    for status in sorted(statuses):
        # a route's own declaration (readiness's 503) stays; FastAPI's 422 is replaced, since
        # invalid input answers with the one error body too (``app.validation_error``)
        own = responses.get(str(status), {})
        schema = own.get("content", {}).get("application/json", {}).get("schema", {})
        if not own or schema.get("$ref") == VALIDATION_ERROR:
            responses[str(status)] = _error(status)


def _permission(dependant: Dependant) -> tuple[Permission | None, bool]:
    """The permission ``principals.require`` checks for this operation (``None``: none), and
    whether the operation finds its caller at all."""
    from .principals import principal

    found: Permission | None = None
    finds = False
    stack = [dependant]
    while stack:
        current = stack.pop()
        permission = getattr(current.call, "permission", None)
        if isinstance(permission, Permission):
            found = permission
        finds = finds or current.call is principal
        stack.extend(current.dependencies)
    return found, finds
