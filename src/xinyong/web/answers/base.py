"""What every answer model shares: exactly the declared fields, pages, timestamps, citations.

An answer model is the contract of one kind of API answer. It forbids undeclared fields, so a
view that grows a field without its model fails the tests (as a response-validation error)
instead of reaching callers undocumented.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

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


#: a moment, sent in ISO 8601 with its UTC offset (``Z`` for UTC)
Timestamp = Annotated[datetime, Field(description="ISO 8601, with its UTC offset")]
#: a legal basis in words, e.g. ``企业信息公示暂行条例 Art 6`` (``Pack.cite``)
Citation = Annotated[str, Field(description="instrument title and article, as the pack cites it")]


class OneOf:
    """``Annotated`` metadata for a string from a vocabulary defined in code (a tuple of the
    domain's, such as ``rights.objections.OUTCOMES``): the schema lists it as the ``enum``
    and an answer holding anything else fails, so the vocabulary is written once."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = tuple(values)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["enum"] = list(self.values)
        return found

    def _check(self, value: str) -> str:
        if value not in self.values:
            raise ValueError(f"{value!r} is not one of {', '.join(self.values)}")
        return value
