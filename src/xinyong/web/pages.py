"""A portal page rendered in the visitor's language (``i18n``), or its data as JSON when asked
(``?format=json``): the portal, the staff pages and the error page share it."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..access import Principal
from ..errors import FieldError, InvalidData
from .i18n import negotiate
from .platform import Platform, plain


def locale_of(request: Request) -> str:
    return negotiate(request.cookies.get("lang"), request.headers.get("accept-language"))


def render(
    request: Request, template: str, data: dict[str, Any], who: Principal, status: int = 200
) -> Response:
    """``data`` as JSON when asked (``?format=json``), else as the page."""
    data = plain(data)
    if request.query_params.get("format") == "json":
        return JSONResponse(data, status_code=status)
    platform: Platform = request.app.state.platform
    locale = locale_of(request)
    env = request.app.state.templates[locale]
    csrf = request.scope.get("csrftoken")
    html = env.get_template(template).render(
        data=data,
        who=who,
        path=request.url.path,
        query=str(request.url.query),
        csrftoken=csrf() if csrf else "",
        pack=platform.pack,
        today=platform.today(),
    )
    return HTMLResponse(html, status_code=status)


def form_date(text: str | None, field: str) -> date | None:
    """The date a form's ``field`` holds (empty: none). Raises ``InvalidData`` naming it."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidData(
            f"{text[:40]!r} is not a date",
            code="invalid-date",
            errors=[FieldError(field, "is not a calendar date", "give YYYY-MM-DD")],
        ) from None
