"""Written notices the subject is owed before a consequence: the prior notice before a list
entry takes effect (告知书), and the credit-repair notice issued with a penalty decision
(信用修复告知书; the two "served together", 两书同达).

A prior notice states the list and its legal basis, the reasons (the triggering record: item,
instrument, date), the evidence (ledger record ids), the subject's rights (statement and
defence, objection, reconsideration or litigation) and the deadline to answer in PRC working
days counted from service. It is generated here for every candidate entry that needs one;
the source agency serves it and records the service as a ``notice_served`` decision
(``POST /api/decisions``), from which the entry's notice period runs.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..disclosure.publicity import publicity_window
from ..evaluate.tables import list_entries
from ..ledger import EventKind, get_subject, subject_file
from ..ledger import tables as t
from ..schemes import Pack
from ..workdays import add_working_days

RIGHTS = (
    "You may make a statement and defence to the deciding authority within the period below; "
    "you may object to the record on the platform; and you may apply for administrative "
    "reconsideration or bring an administrative lawsuit against the decision."
)


def prior_notice(pack: Pack, row: Any, record: Any, served_on: date) -> dict[str, Any]:
    """The notice for one candidate entry, if served on ``served_on``."""
    list_type = pack.lists[row["list_id"]]
    period = list_type.notice.period
    days = None
    if period is not None:
        found = list_type.parameters[period].at(served_on)
        days = int(found[0]) if found and found[0] is not None else None
    item = pack.catalogue.get(record["item_code"])
    record_ids = row["record_ids"]
    if isinstance(record_ids, str):
        record_ids = json.loads(record_ids)
    return {
        "kind": "prior_notice",
        "subject_id": row["subject_id"],
        "list_id": list_type.id,
        "list_zh": list_type.name_zh,
        "list_en": list_type.name_en,
        "legal_basis": [pack.cite(r) for r in list_type.legal_basis],
        "reasons": {
            "item": f"{item.name_zh} / {item.name_en}",
            "instrument": f"{record['instrument_number']} ({record['instrument_issuer']})",
            "decided_on": record["decided_on"],
        },
        "evidence": list(record_ids),
        "source_agency": row["source_agency"],
        "source_record_id": row["source_record_id"],
        "rights": RIGHTS,
        "answer_within_working_days": days,
        "answer_by_if_served": add_working_days(served_on, days) if days else None,
        "exit_conditions": list_type.exit_conditions,
        "remedies": list_type.remedies,
    }


def pending(
    conn: sa.Connection, pack: Pack, evaluation: str | None, agency: str, served_on: date
) -> list[dict[str, Any]]:
    """Prior notices the agency owes: its records' entries awaiting notice in the last
    evaluation whose records have not had one served since."""
    if evaluation is None:
        return []
    le, r = list_entries.c, t.records.c
    rows = conn.execute(
        sa.select(list_entries).where(
            le.evaluation_id == evaluation,
            le.status == "candidate",
            le.source_agency == agency,
        )
    ).mappings()
    found = []
    e = t.record_events.c
    for row in rows:
        list_type = pack.lists.get(row["list_id"])
        if list_type is None or not list_type.notice.required:
            continue
        ids = (
            row["record_ids"]
            if not isinstance(row["record_ids"], str)
            else json.loads(row["record_ids"])
        )
        served = conn.execute(
            sa.select(sa.func.min(e.effective_on)).where(
                e.record_id.in_(ids), e.kind == EventKind.NOTICE_SERVED
            )
        ).scalar()
        if served is not None:
            continue  # served since the evaluation: its period is running
        record = conn.execute(sa.select(t.records).where(r.record_id == ids[-1])).mappings().first()
        if record is not None:
            found.append(prior_notice(pack, row, record, served_on))
    return found


def repair_notice(conn: sa.Connection, pack: Pack, record_id: str, today: date) -> dict[str, Any]:
    """The credit-repair notice served with a penalty decision: how long the penalty will be
    published, and from when repair may be sought. Raises ``NotFound`` for an unknown record.
    """
    subject_id = conn.execute(
        sa.select(t.records.c.subject_id).where(t.records.c.record_id == record_id)
    ).scalar()
    if subject_id is None:
        from ..errors import NotFound

        raise NotFound(f"no record {record_id}", code="unknown-record")
    subject = get_subject(conn, subject_id)
    entry = next(
        e for e in subject_file(conn, subject_id, as_of=today).entries if e.record_id == record_id
    )
    window = publicity_window(pack, entry.record, subject.kind)
    return {
        "kind": "repair_notice",
        "subject_id": subject_id,
        "record_id": record_id,
        "instrument": entry.record.instrument.number,
        "published": bool(window and window.displayed),
        "publicity": window.reason if window else "not penalty information",
        "repair_from": window.repair_from if window else None,
        "publicity_ends": window.stops_on if window else None,
        "how": "After the minimum period, apply for credit repair with the corrective action, "
        "its evidence and a credit commitment; repair is free. Publicity ends by itself at the "
        "end of the maximum period.",
    }
