"""Dates as the commands take them: ``--as-of`` and friends, and the platform's today."""

from __future__ import annotations

from datetime import date

from .. import clock
from ..errors import FieldError, InvalidData
from ..settings import Settings


def platform_today(settings: Settings) -> date:
    """The date commands act on when none is given: the platform's date (:mod:`xinyong.clock`),
    the same the web platform uses, so the CLI and the API agree."""
    return clock.today(settings.as_of)


def parse_day(value: str | None, settings: Settings, *, option: str = "--as-of") -> date:
    """``value`` as a date, or the platform's today when it is ``None``.

    Raises:
        InvalidData: ``value`` is not an ISO date (``YYYY-MM-DD``), naming the option.
    """
    if value is None:
        return platform_today(settings)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidData(
            f"{option} {value[:40]!r} is not a date",
            code="bad-date",
            errors=[FieldError(option, "is not a date", "write it as YYYY-MM-DD, e.g. 2026-09-30")],
        ) from None
