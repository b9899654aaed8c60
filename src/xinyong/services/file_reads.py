"""Reads of a subject's non-public data: whoever reads states a purpose their role may state,
a subject reads only its own file, and a credit-service agency reads a person's file only under
the person's consent for that agency and purpose (征信业管理条例 Art 18). The API's file,
explanation and record reads, and the reports a credit-service agency requests, ask here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..access import Principal, Purpose, Role, stated_purpose
from ..errors import Forbidden
from ..ledger import get_subject
from ..rights import consent
from .work import Node


@dataclass(frozen=True)
class FileRead:
    """A read of a subject's non-public data, authorised: its purpose and the consent it
    rests on (for a credit-service agency reading a person), both named in the audit log."""

    purpose: Purpose
    consent_id: str | None = None

    def audited(self) -> dict[str, Any]:
        """The audit entry's purpose and detail."""
        consent_named = {"consent_id": self.consent_id} if self.consent_id else {}
        return {"purpose": str(self.purpose), **consent_named}


def authorise_file_read(
    node: Node, conn: sa.Connection, who: Principal, subject_id: str, purpose: str | None
) -> FileRead:
    """Purpose, ownership and consent checks for a read of a subject's non-public data."""
    stated = stated_purpose(who, purpose)
    if who.role is Role.SUBJECT and who.subject_id != subject_id:
        raise Forbidden("a subject may read only its own file", code="not-own-file")
    subject = get_subject(conn, subject_id)
    if who.role is Role.CREDIT_SERVICE and subject.kind.is_person:
        found = consent.valid_consent(
            conn,
            subject_id=subject_id,
            agency=who.agency or "",
            purpose=str(stated),
            day=node.today(),
        )
        if found is None:
            raise Forbidden(
                "reading a person's non-public data needs the person's consent for this agency "
                "and purpose; none is in force",
                code="consent-required",
            )
        return FileRead(stated, found.consent_id)
    return FileRead(stated)
