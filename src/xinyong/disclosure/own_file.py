"""The own file: everything the ledger holds about a subject, as the subject itself (or an
authorised reader) sees it."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..evaluate.decisions_since import in_force_rows
from ..ledger import subject_file
from ..schemes import Pack
from ..schemes.measure_terms import measure_terms
from .entries import entries_of, entry_view, evaluation_on
from .publicity import is_public
from .shown import record_view, subject_summary


def full_file(conn: sa.Connection, pack: Pack, subject_id: str, as_of: date) -> dict[str, Any]:
    """The whole file of a subject on ``as_of`` — every record, public or not, with its
    events and whether the public sees it, its links and its list entries in every state.
    Non-public: only for its subject, or for a purpose (and consent) checked by the caller.
    """
    file = subject_file(conn, subject_id, as_of=as_of)
    records = []
    for entry in file.entries:
        view = record_view(pack, entry)
        shown, why = is_public(pack, entry.record, file.subject.kind, entry.status, as_of)
        view.update(
            attributes=dict(entry.attributes),
            public=shown,
            publicity=why,
            superseded_versions=list(entry.superseded_versions),
            events=[
                {
                    "kind": str(e.kind),
                    "effective_on": e.effective_on,
                    "actor": e.actor,
                    "instrument_number": e.instrument_number,
                    "reason": e.reason,
                }
                for e in entry.events
            ],
        )
        records.append(view)
    links = [
        {
            "role": str(link.role),
            "from_subject": link.from_subject,
            "to_subject": link.to_subject,
            "valid_from": link.valid_from,
            "valid_to": link.valid_to,
        }
        for link in file.links
    ]
    rows = entries_of(conn, evaluation_on(conn, pack, as_of), subject_id)
    entries = []
    for row, in_force, ended in in_force_rows(conn, pack, rows, as_of):
        entries.append(
            {
                **entry_view(pack, row),
                "source_record_id": row["source_record_id"],
                "status": row["status"],
                # ended by a decision (revocation, repair, removal) since the evaluation
                "ended_by_decision": ended,
                "in_force": in_force,
                # the consequences it carries: the joint measures attached to the list
                "measures": measure_terms(pack, row["list_id"], as_of) if in_force else [],
            }
        )
    return {
        "as_of": as_of,
        "subject": subject_summary(file.subject),
        "records": records,
        "links": links,
        "lists": entries,
    }
