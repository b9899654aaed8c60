"""Written notices a source agency serves: the notice of an adverse grade (as a grading
scheme's authority) and the credit-repair notice served with a penalty decision (两书同达).
Prior notices of listing are served as a ``notice_served`` decision (``decisions``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..errors import Forbidden
from ..ledger import tables as t
from ..rights import grade_notices
from ..rights.notices import repair_notice as notice
from .work import Actor, KeyedNode, Node, command


def serve_grade_notice(node: KeyedNode, who: Actor, subject: str, scheme_id: str) -> dict[str, Any]:
    """Record that the notice of ``subject``'s adverse grade was served today (by the
    scheme's authority only); the grade is visible to others from tomorrow."""
    subject_id = node.subject_key(subject)
    with command(node, who, "serve_grade_notice") as work:
        served = grade_notices.serve(
            work.conn,
            node.pack,
            agency=who.agency,
            subject_id=subject_id,
            scheme_id=scheme_id,
            actor=who.actor,
            today=work.today,
            now=work.now,
        )
        work.audited(subject_id, scheme_id=scheme_id, grade=served["grade"])
    return served


def repair_notice(node: Node, who: Actor, record_id: str) -> dict[str, Any]:
    """The repair notice of one of the calling agency's own records.

    Raises:
        Forbidden: the record is another agency's.
    """
    with node.engine.connect() as conn:
        owner = conn.execute(
            sa.select(t.records.c.source_agency).where(t.records.c.record_id == record_id)
        ).scalar()
        if owner is not None and owner != who.agency:
            raise Forbidden("an agency serves notices about its own records", code="not-own-record")
        return notice(conn, node.pack, record_id, node.today())
