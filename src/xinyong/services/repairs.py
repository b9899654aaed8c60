"""Credit repair commands (信用修复): a subject applies, the source agency decides, and
either may add evidence to an open case (objections too)."""

from __future__ import annotations

from typing import Any

from ..rights import evidence, repair
from .work import Actor, Node, command


def apply_for_repair(
    node: Node,
    who: Actor,
    record_id: str,
    corrective_action: str,
    evidence: list[str],
    commitment: str,
) -> dict[str, Any]:
    """A repair application for one of the calling subject's penalty records (free); every
    eligibility condition is checked at once and named if it fails."""
    with command(node, who, "apply_repair") as work:
        filed = repair.apply(
            work.conn,
            node.pack,
            subject_id=who.subject_id or "",
            record_id=record_id,
            corrective_action=corrective_action,
            evidence=evidence,
            commitment=commitment,
            actor=who.actor,
            now=work.now,
            today=work.today,
        )
        work.audited(who.subject_id, repair_id=filed["repair_id"])
    return filed


def decide_repair(
    node: Node, who: Actor, repair_id: str, outcome: str, reasons: str
) -> dict[str, Any]:
    """The source agency grants or refuses, with reasons; on a grant publicity stops, lists
    that end on repair end, and screening and lift notices follow at once."""
    with command(node, who, "decide_repair") as work:
        row = repair.decide(
            work.conn,
            node.pack,
            repair_id,
            agency=who.agency,
            outcome=outcome,
            reasons=reasons,
            actor=who.actor,
            now=work.now,
            today=work.today,
        )
        work.audited(row["subject_id"], repair_id=repair_id, outcome=outcome)
        work.follows(row["subject_id"])
    return row


def attach_evidence(
    node: Node,
    who: Actor,
    case_kind: str,
    case_id: str,
    *,
    filename: str,
    declared_type: str,
    content: bytes,
    max_bytes: int,
) -> dict[str, Any]:
    """Store one file (PDF, PNG or JPEG, at most ``max_bytes``; the content decides the
    type) on the calling subject's own open objection or repair application."""
    with command(node, who, "attach_evidence") as work:
        stored = evidence.attach(
            work.conn,
            case_kind=case_kind,
            case_id=case_id,
            subject_id=who.subject_id or "",
            filename=filename,
            declared_type=declared_type,
            content=content,
            actor=who.actor,
            now=work.now,
            max_bytes=max_bytes,
        )
        work.audited(
            who.subject_id,
            evidence_id=stored["evidence_id"],
            sha256=stored["sha256"],
            **{f"{case_kind}_id": case_id},
        )
    return stored
