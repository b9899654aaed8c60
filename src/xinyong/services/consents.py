"""Consents (授权): a subject lets a credit-service agency read its non-public data for a
purpose until a date, and revokes that."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import sqlalchemy as sa

from ..access import Purpose
from ..errors import FieldError, InvalidData
from ..rights import consent
from .work import Actor, Node, command


class Registry(Node, Protocol):
    """A node that knows its credit-service agencies (those it gave credentials to)."""

    def credit_service_agencies(self, conn: sa.Connection) -> set[str]: ...


def grant_consent(
    node: Registry, who: Actor, agency: str, expires_on: date, purpose: str
) -> dict[str, Any]:
    """Record the calling subject's consent to ``agency`` for ``purpose`` until
    ``expires_on`` (inclusive).

    Raises:
        InvalidData: an unknown purpose or agency, or a date already past.
    """
    if purpose not in set(Purpose):
        raise InvalidData(
            "unknown purpose",
            code="unknown-purpose",
            errors=[FieldError("purpose", "is not a known purpose", "use credit_report")],
        )
    with command(node, who, "grant_consent") as work:
        granted = consent.grant(
            work.conn,
            subject_id=who.subject_id or "",
            agency=agency,
            purpose=purpose,
            expires_on=expires_on,
            now=work.now,
            known_agencies=node.credit_service_agencies(work.conn),
        )
        work.audited(who.subject_id, consent_id=granted.consent_id, agency_granted=agency)
    return {"ok": True, **granted.__dict__}


def revoke_consent(node: Node, who: Actor, consent_id: str) -> dict[str, Any]:
    """Revoke one of the calling subject's consents; later reads under it are refused."""
    with command(node, who, "revoke_consent") as work:
        revoked = consent.revoke(
            work.conn, subject_id=who.subject_id or "", consent_id=consent_id, now=work.now
        )
        work.audited(who.subject_id, consent_id=consent_id)
    return {"ok": True, **revoked.__dict__}
