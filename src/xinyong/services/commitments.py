"""Credit commitments (信用承诺): a subject commits on a matter (the route is optional),
withdraws a pending one, and the authority records whether it was kept."""

from __future__ import annotations

from typing import Any

from ..rights import commitments
from .work import Actor, Node, command


def make_commitment(node: Node, who: Actor, matter: str, text: str | None) -> dict[str, Any]:
    """Commit on ``matter`` (``text`` default: the template); recorded at once as pending."""
    with command(node, who, "make_commitment") as work:
        made = commitments.make(
            work.conn,
            node.pack,
            subject_id=who.subject_id or "",
            matter_id=matter,
            text=text,
            now=work.now,
            today=work.today,
        )
        work.audited(who.subject_id, commitment_id=made["commitment_id"])
    return made


def withdraw_commitment(node: Node, who: Actor, commitment_id: str) -> dict[str, Any]:
    """Withdraw one's own commitment before it is completed."""
    with command(node, who, "withdraw_commitment") as work:
        done = commitments.withdraw(
            work.conn,
            node.pack,
            commitment_id,
            subject_id=who.subject_id or "",
            now=work.now,
            today=work.today,
        )
        work.audited(who.subject_id, commitment_id=commitment_id)
    return done


def find_commitment(node: Node, who: Actor, commitment_id: str, performance: str) -> dict[str, Any]:
    """The authority's finding (kept, broken or false), a new version of its record."""
    with command(node, who, "commitment_finding") as work:
        done = commitments.find(
            work.conn,
            node.pack,
            commitment_id,
            agency=who.agency,
            performance=performance,
            now=work.now,
            today=work.today,
        )
        work.audited(None, commitment_id=commitment_id, performance=performance)
    return done
