"""Credit reports (信用报告): issued to the subject itself, or to a credit-service agency
under the subject's consent, and read back only by whom it was issued to."""

from __future__ import annotations

from typing import Any, Protocol

from ..access import Role
from ..errors import FieldError, Forbidden, InvalidData
from ..rights import report
from .work import Actor, KeyedNode, Node, command


class Issuer(KeyedNode, Protocol):
    """A node that makes reports' verification codes."""

    @property
    def report_key(self) -> bytes: ...


def issue_report(node: Issuer, who: Actor, subject: str | None) -> dict[str, Any]:
    """Issue a report stamped with its date and a verification code: the caller's own (a
    subject: free, within the jurisdiction's yearly number) or, for a credit-service agency,
    ``subject``'s under its consent (refused without one).

    Raises:
        InvalidData: an agency named no subject, or an invalid code.
    """
    own = who.role is Role.SUBJECT
    if own:
        subject_id = who.subject_id or ""
    elif not subject:
        raise InvalidData(
            "whose report?",
            code="subject-required",
            errors=[FieldError("subject", "is missing", "give the subject's code")],
        )
    else:
        subject_id = node.subject_key(subject)
    with command(node, who, "credit_report") as work:
        issued = report.issue(
            work.conn,
            node.pack,
            subject_id=subject_id,
            requested_by=who.actor,
            agency=None if own else who.agency,
            own=own,
            key=node.report_key,
            today=work.today,
            now=work.now,
        )
        work.audited(
            subject_id,
            issued["purpose"],
            report_id=issued["report_id"],
            consent_id=issued["consent_id"],
        )
    return issued


def readable_report(node: Node, who: Actor, report_id: str) -> dict[str, Any]:
    """An issued report, for its subject or the agency it was issued to only.

    Raises:
        Forbidden: it was issued to someone else.
    """
    with node.engine.connect() as conn:
        row = report.get(conn, report_id)
    mine = (who.role is Role.SUBJECT and who.subject_id == row["subject_id"]) or (
        who.role is Role.CREDIT_SERVICE and who.agency == row["agency"]
    )
    if not mine:
        raise Forbidden("the report was issued to someone else", code="not-own-report")
    return row
