"""What a source agency submits one at a time, through the ingest validation as a delivered
row would pass it: a record, or a decision about one of its own records (``revoked``,
``early_exit``, ``lifted`` for a restriction order, ``exception_permitted``, ``extended``,
``notice_served``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import sqlalchemy as sa

from ..ids import Mode
from ..ingest import submit
from ..ingest.service import IngestOptions
from ..ledger import audit
from ..ledger import tables as t
from .work import Actor, Node, audited


class Receiver(Node, Protocol):
    """A node that validates as ingest does: its pseudonym keys and its USCC mode."""

    @property
    def key(self) -> tuple[bytes, ...]: ...
    @property
    def uscc_mode(self) -> Mode: ...


@dataclass(frozen=True)
class RecordDecision:
    """One decision, in the decisions format's terms."""

    source_record_id: str
    decision: str
    effective_on: date
    instrument_number: str
    reason: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, str]:
        return {
            "source_record_id": self.source_record_id,
            "decision": self.decision,
            "effective_on": self.effective_on.isoformat(),
            "instrument_number": self.instrument_number,
            "reason": self.reason or "",
            "attributes": json.dumps(dict(self.attributes), ensure_ascii=False)
            if self.attributes
            else "",
        }


def submit_decision(node: Receiver, who: Actor, decision: RecordDecision) -> dict[str, Any]:
    """Validate and append ``decision`` about the calling agency's record, audited in the
    same transaction; the subject is re-derived (screening, lift notices) before this
    returns.

    Raises:
        InvalidData: the decision is invalid, or the agency delivered no such record.
    """
    options = _options(node)

    def log(conn: sa.Connection, done: submit.DecisionSubmitted) -> None:
        detail = {
            "decision": decision.decision,
            "source_record_id": decision.source_record_id,
            "new": done.new,
        }
        audit.append(conn, [audited(node, who, "submit_decision", done.subject_id, None, detail)])

    done = submit.submit_decision(
        node.engine,
        node.pack,
        source=who.agency or "",
        row=decision.row(),
        options=options,
        before_commit=log,
    )
    node.follow_decision(done.subject_id)
    return {"ok": True, "subject_id": done.subject_id, "new": done.new}


def submit_record(node: Receiver, who: Actor, row: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and append one record (the records format's fields) for the calling agency,
    audited in the same transaction; an invalid record is refused with every reason and
    nothing is stored.

    Raises:
        InvalidData: every reason the row fails validation.
    """
    text_row = {k: "" if v is None else str(v) for k, v in row.items()}

    def log(conn: sa.Connection, submitted: submit.Submitted) -> None:
        subject = conn.execute(
            sa.select(t.records.c.subject_id).where(t.records.c.record_id == submitted.record_id)
        ).scalar_one()
        detail = {"record_id": submitted.record_id, "new": submitted.new}
        audit.append(conn, [audited(node, who, "submit_record", subject, None, detail)])

    submitted = submit.submit_record(
        node.engine,
        node.pack,
        source=who.agency or "",
        row=text_row,
        options=_options(node),
        before_commit=log,
    )
    return {"ok": True, "record_id": submitted.record_id, "new": submitted.new}


def _options(node: Receiver) -> IngestOptions:
    return IngestOptions(
        key=node.key, delivered_on=node.today(), recorded_at=node.now(), mode=node.uscc_mode
    )
