"""Objection commands (异议): filed by a subject, checked by the platform, extended or
decided by the source agency the objection is routed to. The API, the portal, the staff
pages and the demo call these and nothing else to change an objection."""

from __future__ import annotations

from typing import Any

from ..rights import objections
from .work import Actor, Node, command


def file_objection(
    node: Node, who: Actor, target_kind: str, target: str, grounds: str
) -> dict[str, Any]:
    """File an objection for the calling subject: its records are marked disputed at once,
    and it is routed to their source agency with the jurisdiction's deadlines."""
    with command(node, who, "file_objection") as work:
        filed = objections.file(
            work.conn,
            node.pack,
            subject_id=who.subject_id or "",
            target_kind=target_kind,
            target=target,
            grounds=grounds,
            actor=who.actor,
            now=work.now,
            today=work.today,
        )
        work.audited(who.subject_id, objection_id=filed["objection_id"])
    return filed


def extend_objection(node: Node, who: Actor, objection_id: str, reason: str) -> dict[str, Any]:
    """Extend the decision deadline once, by the jurisdiction's extension, with a reason."""
    with command(node, who, "extend_objection") as work:
        row = objections.extend(
            work.conn, node.pack, objection_id, agency=who.agency, reason=reason
        )
        work.audited(row["subject_id"], objection_id=objection_id)
    return row


def check_objection(node: Node, who: Actor, objection_id: str, note: str) -> dict[str, Any]:
    """The platform's check of an open objection, with a note the subject sees."""
    with command(node, who, "check_objection") as work:
        row = objections.check(
            work.conn, node.pack, objection_id, actor=who.actor, note=note, today=work.today
        )
        work.audited(row["subject_id"], objection_id=objection_id)
    return row


def decide_objection(
    node: Node,
    who: Actor,
    objection_id: str,
    outcome: str,
    reasons: str,
    changes: dict[str, Any] | None = None,
    statement: str | None = None,
    records: list[str] | None = None,
) -> dict[str, Any]:
    """The provider's decision with written reasons; the dispute mark is lifted, the
    decision enters the ledger, and screening and lift notices follow at once."""
    with command(node, who, "decide_objection") as work:
        row = objections.decide(
            work.conn,
            objection_id,
            agency=who.agency,
            outcome=outcome,
            reasons=reasons,
            actor=who.actor,
            now=work.now,
            today=work.today,
            changes=changes,
            statement=statement,
            records=records,
        )
        work.audited(row["subject_id"], objection_id=objection_id, outcome=outcome)
        work.follows(row["subject_id"])
    return row
