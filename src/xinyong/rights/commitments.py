"""Credit commitments (信用承诺): optional, tracked, and recorded.

A subject commits on a matter where the route applies (pack ``commitments.yaml``), in the
matter's template words or its own. The commitment enters the ledger at once as a record of
the catalogue item ``commitment.made`` (``performance: pending``), from the matter's
authority, numbered by the commitment's id. Every later state is a new version of that
record — append-only: the subject may withdraw it before it is completed (``withdrawn``);
the authority finds it ``kept``, ``broken`` or a ``false_commitment``. A broken or false
commitment therefore is a record, through its catalogue item, like any other.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, Forbidden, InvalidData, NotFound
from ..ledger import EffectiveInstrument, Record, RecordValidator, append_record, get_subject
from ..ledger import tables as t
from ..schemes import Pack

ITEM = "commitment.made"
FINDINGS = ("kept", "broken", "false_commitment")


def _versions(conn: sa.Connection, commitment_id: str) -> list[Any]:
    r = t.records.c
    return list(
        conn.execute(
            sa.select(t.records)
            .where(r.item_code == ITEM, r.source_record_id == commitment_id)
            .order_by(r.version)
        ).mappings()
    )


def _append(
    conn: sa.Connection,
    pack: Pack,
    *,
    subject_id: str,
    authority: str,
    commitment_id: str,
    version: int,
    matter: str,
    performance: str,
    made_on: date,
    today: date,
    now: datetime,
) -> str:
    record = Record(
        item_code=ITEM,
        subject_id=subject_id,
        source_agency=authority,
        source_record_id=commitment_id,
        version=version,
        instrument=EffectiveInstrument(
            type="commitment_letter",
            number=f"信用承诺 {commitment_id}",
            issuer=pack.agencies[authority].name_zh,
            issued_on=made_on,
        ),
        decided_on=today,
        severity="not_applicable",
        attributes={"matter": matter[:300], "performance": performance},
        published_on=today,
    )
    append_record(conn, record, RecordValidator(pack.catalogue), recorded_at=now, today=today)
    return record.record_id


def make(
    conn: sa.Connection,
    pack: Pack,
    *,
    subject_id: str,
    matter_id: str,
    text: str | None,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    """Make a commitment; it is recorded at once as ``pending``."""
    matter = pack.commitments.get(matter_id)
    if matter is None:
        raise InvalidData(
            f"no commitment route {matter_id[:80]!r}",
            code="unknown-matter",
            errors=[
                FieldError(
                    "matter", "is not a commitment matter", f"use {', '.join(pack.commitments)}"
                )
            ],
        )
    subject = get_subject(conn, subject_id)
    if ITEM not in pack.catalogue or subject.kind not in pack.catalogue.get(ITEM).subject_kinds:
        raise InvalidData(
            f"a {subject.kind} cannot make this commitment", code="commitment-not-applicable"
        )
    commitment_id = secrets.token_hex(8)
    words = (text or "").strip() or matter.template_zh
    record_id = _append(
        conn,
        pack,
        subject_id=subject_id,
        authority=matter.authority,
        commitment_id=commitment_id,
        version=1,
        matter=f"{matter.name_zh}: {words}",
        performance="pending",
        made_on=today,
        today=today,
        now=now,
    )
    return {
        "commitment_id": commitment_id,
        "matter": matter.id,
        "authority": matter.authority,
        "text": words,
        "performance": "pending",
        "record_id": record_id,
    }


def _current(conn: sa.Connection, commitment_id: str) -> Any:
    versions = _versions(conn, commitment_id)
    if not versions:
        raise NotFound(f"no commitment {commitment_id}", code="unknown-commitment")
    return versions[-1]


def _attributes(row: Any) -> dict[str, Any]:
    attributes = row["attributes"]
    return json.loads(attributes) if isinstance(attributes, str) else dict(attributes)


def _next_version(
    conn: sa.Connection, pack: Pack, row: Any, performance: str, now: datetime, today: date
) -> dict[str, Any]:
    attributes = _attributes(row)
    record_id = _append(
        conn,
        pack,
        subject_id=row["subject_id"],
        authority=row["source_agency"],
        commitment_id=row["source_record_id"],
        version=row["version"] + 1,
        matter=attributes["matter"],
        performance=performance,
        made_on=row["instrument_date"],
        today=today,
        now=now,
    )
    return {
        "commitment_id": row["source_record_id"],
        "performance": performance,
        "version": row["version"] + 1,
        "record_id": record_id,
    }


def _performance(row: Any) -> str:
    return str(_attributes(row)["performance"])


def withdraw(
    conn: sa.Connection,
    pack: Pack,
    commitment_id: str,
    *,
    subject_id: str,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    """The subject withdraws a commitment that is still pending."""
    row = _current(conn, commitment_id)
    if row["subject_id"] != subject_id:
        raise Forbidden("a subject withdraws only its own commitments", code="not-own-commitment")
    if _performance(row) != "pending":
        raise InvalidData(
            f"the commitment is {_performance(row)}; only a pending one can be withdrawn",
            code="commitment-completed",
        )
    return _next_version(conn, pack, row, "withdrawn", now, today)


def find(
    conn: sa.Connection,
    pack: Pack,
    commitment_id: str,
    *,
    agency: str | None,
    performance: str,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    """The authority's finding: ``kept``, ``broken`` or ``false_commitment``."""
    if performance not in FINDINGS:
        raise InvalidData(
            f"performance {performance[:20]!r} is not a finding",
            code="bad-finding",
            errors=[FieldError("performance", "is unknown", f"use {', '.join(FINDINGS)}")],
        )
    row = _current(conn, commitment_id)
    if row["source_agency"] != agency:
        raise Forbidden(
            f"the commitment was made to {row['source_agency']}", code="not-own-commitment"
        )
    if _performance(row) != "pending":
        raise InvalidData(f"the commitment is {_performance(row)}", code="commitment-completed")
    return _next_version(conn, pack, row, performance, now, today)
