"""The API's answer models: one pydantic model per kind of answer, declared by every route, so
the OpenAPI document states each body exactly and FastAPI checks every answer against it.

``AnswerRoute`` serialises an answer with only the fields the view set: a field a view leaves
out (an objection not yet decided has no ``decision``) stays out of the body, as before.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute


class AnswerRoute(APIRoute):
    """An API route whose answer leaves out the fields its view did not set."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        kwargs["response_model_exclude_unset"] = True
        super().__init__(path, endpoint, **kwargs)


def api_router(**kwargs: Any) -> APIRouter:
    """A router of API routes (under ``/api`` unless ``prefix`` says otherwise)."""
    kwargs.setdefault("prefix", "/api")
    return APIRouter(route_class=AnswerRoute, **kwargs)
