"""Structured logs: one JSON object per line on standard error, each with a UTC timestamp.

``xinyong serve`` installs :func:`log_config` for its own loggers and uvicorn's, so an
operator's log shipper reads every line the same way. The request log (``xinyong.access``)
is one line per request: time, method, route template, status, duration, actor and the
request's path parameters with identity numbers masked. Query strings are never logged (a
name or number searched for is the searcher's business, not the log's).

>>> import logging
>>> record = logging.makeLogRecord({"name": "xinyong.access", "levelname": "INFO",
...     "msg": "request", "created": 0.0, "fields": {"status": 200}})
>>> JsonFormatter().format(record)
'{"time": "1970-01-01T00:00:00.000Z", "level": "info", "logger": "xinyong.access", \
"message": "request", "status": 200}'
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

#: the logger of the request log
ACCESS_LOGGER = "xinyong.access"


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time (UTC, milliseconds), level, logger, message, the
    record's ``fields`` (``extra={"fields": {...}}``) and, for errors, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "time": at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(level: str = "info", *, access_log: bool = True) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for ``xinyong serve``: JSON lines on standard error
    for xinyong's loggers and uvicorn's; the request log at INFO unless ``access_log`` is off
    (uvicorn's own access log stays off: it logs raw query strings)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "xinyong": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            ACCESS_LOGGER: {
                "handlers": ["stderr"],
                "level": "INFO" if access_log else "WARNING",
                "propagate": False,
            },
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
