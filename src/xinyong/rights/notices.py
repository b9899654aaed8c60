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
from ..errors import NotFound
from ..evaluate.tables import list_entries
from ..ledger import EventKind, get_subject, subject_file
from ..ledger import tables as t
from ..schemes import Pack
from ..workdays import add_working_days, is_provisional

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
    answer_by = add_working_days(served_on, days) if days else None
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
        "answer_by_if_served": answer_by,
        "provisional": answer_by is not None and is_provisional(served_on, answer_by),
        "exit_conditions": list_type.exit_conditions,
        "remedies": list_type.remedies,
    }


def pending(
    conn: sa.Connection,
    pack: Pack,
    evaluation: str | None,
    agency: str,
    served_on: date,
    *,
    entry: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Prior notices the agency owes: its records' entries awaiting notice in the last
    evaluation whose records have not had one served since (``entry``: only that
    ``(list_id, source_record_id)``)."""
    if evaluation is None:
        return []
    le, r, e = list_entries.c, t.records.c, t.record_events.c
    query = sa.select(list_entries).where(
        le.evaluation_id == evaluation, le.status == "candidate", le.source_agency == agency
    )
    if entry is not None:
        query = query.where(le.list_id == entry[0], le.source_record_id == entry[1])
    owed = []
    for row in conn.execute(query).mappings():
        list_type = pack.lists.get(row["list_id"])
        if list_type is not None and list_type.notice.required:
            ids = row["record_ids"]
            owed.append((row, json.loads(ids) if isinstance(ids, str) else list(ids)))
    every = sorted({i for _, ids in owed for i in ids})
    served: set[str] = set()
    records: dict[str, Any] = {}
    for start in range(0, len(every), 500):
        chunk = every[start : start + 500]
        served.update(
            conn.execute(
                sa.select(e.record_id).where(
                    e.record_id.in_(chunk), e.kind == EventKind.NOTICE_SERVED
                )
            ).scalars()
        )
        records.update(
            (found["record_id"], found)
            for found in conn.execute(sa.select(t.records).where(r.record_id.in_(chunk)))
            .mappings()
            .all()
        )
    return [
        prior_notice(pack, row, records[ids[-1]], served_on)
        for row, ids in owed
        # served since the evaluation: its period is running
        if not served & set(ids) and ids[-1] in records
    ]


def repair_notice(conn: sa.Connection, pack: Pack, record_id: str, today: date) -> dict[str, Any]:
    """The credit-repair notice served with a penalty decision: how long the penalty will be
    published, and from when repair may be sought. Raises ``NotFound`` for an unknown record.
    """
    subject_id = conn.execute(
        sa.select(t.records.c.subject_id).where(t.records.c.record_id == record_id)
    ).scalar()
    entry = (
        next(
            (
                e
                for e in subject_file(conn, subject_id, as_of=today).entries
                if e.record_id == record_id
            ),
            None,
        )
        if subject_id is not None
        else None
    )
    if subject_id is None or entry is None:
        raise NotFound(
            f"no standing record {record_id} (unknown, or superseded by a later version)",
            code="unknown-record",
        )
    subject = get_subject(conn, subject_id)
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
