"""One error tree for the whole platform.

Every error carries a machine-readable ``code``, a human ``detail`` that teaches (the
value received, what was expected, how to fix it) and, where there are several problems,
structured ``errors``: a list of ``{"field", "message", "fix"}`` dicts. Adapters (CLI, web)
render these; the domain never formats output itself.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of an input."""

    #: dotted name of the field, e.g. ``attributes.amount`` or ``subject_code``
    field: str
    #: what is wrong, including the value received
    message: str
    #: what to do about it
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def reason(self) -> str:
        """The problem with quoted values and dates masked, for grouping rows by cause.

        >>> FieldError("severity", "is 'x', not a severity class of item a.b").reason
        "severity: is '…', not a severity class of item a.b"
        >>> FieldError("published_on", "is 2026-10-04, after the delivery date 2026-09-30").reason
        'published_on: is …, after the delivery date …'
        """
        masked = re.sub(r"'[^']*'", "'…'", self.message)
        return f"{self.field}: " + re.sub(r"\b\d{4}-\d{2}-\d{2}\b", "…", masked)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" + (f" (fix: {self.fix})" if self.fix else "")


class XinyongError(Exception):
    """Root of every error xinyong raises on purpose."""

    #: HTTP status an adapter should use
    status: ClassVar[int] = 500
    #: default machine-readable code
    default_code: ClassVar[str] = "error"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: list[FieldError] | None = None,
        **context: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.errors = list(errors or [])
        self.context = context

    def to_dict(self) -> dict[str, Any]:
        """The canonical error body: ``{ok, error, errors, status, code}``."""
        return {
            "ok": False,
            "error": self.detail,
            "errors": [e.to_dict() for e in self.errors],
            "status": self.status,
            "code": self.code,
        }


class NotFound(XinyongError):
    """A subject, record, pack or item that was asked for does not exist."""

    status = 404
    default_code = "not-found"


class InvalidData(XinyongError):
    """Input that fails validation: a code, a record, a file row, a YAML pack."""

    status = 422
    default_code = "invalid-data"


class RuleError(XinyongError):
    """A scheme, catalogue or pack breaks a rule-of-law invariant or the pack format."""

    status = 422
    default_code = "rule-error"


class ConflictError(XinyongError):
    """The request conflicts with what the ledger already holds."""

    status = 409
    default_code = "conflict"


class ExchangeError(XinyongError):
    """A package from another node cannot be accepted."""

    status = 422
    default_code = "exchange-error"


class ConfigError(XinyongError):
    """The platform is misconfigured (settings, database URL, secrets)."""

    status = 500
    default_code = "config-error"


class Unauthenticated(XinyongError):
    """The request carries no valid credentials (token or session) where some are needed."""

    status = 401
    default_code = "unauthenticated"


class Forbidden(XinyongError):
    """The caller is known but may not do this: role, agency, purpose or consent is missing."""

    status = 403
    default_code = "forbidden"


class RateLimited(XinyongError):
    """The caller has made too many requests; retry after the stated time."""

    status = 429
    default_code = "rate-limited"


class Unavailable(XinyongError):
    """A service the platform needs (the ledger database) does not answer; retry later."""

    status = 503
    default_code = "unavailable"
