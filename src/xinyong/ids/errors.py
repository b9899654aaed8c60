"""Errors raised by identifier validation."""

from __future__ import annotations

from ..errors import InvalidData


class IdentifierError(InvalidData):
    """A code that fails validation.

    ``context`` carries ``position`` (1-based, where one character is at fault) and
    ``expected`` (what that position should hold) when they are known.
    """

    default_code = "invalid-identifier"

    @property
    def position(self) -> int | None:
        value = self.context.get("position")
        return int(value) if value is not None else None

    @property
    def expected(self) -> str | None:
        value = self.context.get("expected")
        return str(value) if value is not None else None
