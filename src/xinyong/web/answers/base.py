"""What every answer model shares: exactly the declared fields, pages, timestamps, citations.

An answer model is the contract of one kind of API answer. It forbids undeclared fields, so a
view that grows a field without its model fails the tests (as a response-validation error)
instead of reaching callers undocumented.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

T = TypeVar("T")


class Answer(BaseModel):
    """An API answer's body, or a part of one."""

    model_config = ConfigDict(extra="forbid")


class Paged(Answer, Generic[T]):
    """One page of results (``disclosure.shown.Page``)."""

    items: list[T]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    total: int = Field(ge=0, description="results on all pages")
    pages: int = Field(ge=1)


#: a moment with its UTC offset, as the platform wrote it (ISO 8601)
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
#: a legal basis in words, e.g. ``企业信息公示暂行条例 Art 6`` (``Pack.cite``)
Citation = Annotated[str, Field(description="instrument title and article, as the pack cites it")]
