"""Evidence a subject uploads to its own objection or repair application.

Only PDF, PNG and JPEG are accepted, and the type is read from the content's first bytes: a
file whose content is not what its declared type says is refused, so nothing executable or
scriptable (HTML, SVG, office macros) is ever stored or served back. Each file is bounded in
size (``XINYONG_EVIDENCE_MAX_BYTES``) and each case in number of files; the SHA-256 is kept so
the deciding agency and the subject see the same bytes. Uploads are accepted while the case
is open. The subject, the agency the case is routed to and the operator may read them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, Forbidden, InvalidData, NotFound
from .tables import evidence, objections, repairs

#: media type → the bytes its content starts with
SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}
FILES_PER_CASE = 10
#: what a browser declares for a file it cannot type; the content decides
GENERIC = "application/octet-stream"
CASES = {"objection": (objections, "objection_id"), "repair": (repairs, "repair_id")}
_UNSAFE = re.compile(r"[^\w.\- ()\u3000-\u9fff]")


def sniff(content: bytes) -> str | None:
    """The accepted media type ``content`` really is, if any."""
    return next((m for m, sig in SIGNATURES.items() if content.startswith(sig)), None)


def _case(conn: sa.Connection, case_kind: str, case_id: str) -> dict[str, Any]:
    table, key = CASES[case_kind]
    row = conn.execute(sa.select(table).where(table.c[key] == case_id)).mappings().first()
    if row is None:
        raise NotFound(f"no {case_kind} {case_id}", code=f"unknown-{case_kind}")
    return dict(row)


def attach(
    conn: sa.Connection,
    *,
    case_kind: str,
    case_id: str,
    subject_id: str,
    filename: str,
    declared_type: str,
    content: bytes,
    actor: str,
    now: datetime,
    max_bytes: int,
) -> dict[str, Any]:
    """Store one file of evidence for the subject's own open case (in ``conn``'s transaction).

    Raises:
        NotFound: no such case.
        Forbidden: the case is another subject's.
        InvalidData: the case is decided, the file is empty, too large, of a type not
            accepted, not what it says it is, or one too many.
    """
    case = _case(conn, case_kind, case_id)
    if case["subject_id"] != subject_id:
        raise Forbidden(f"the {case_kind} is another subject's", code=f"not-own-{case_kind}")
    errors = []
    if case["status"] == "decided":
        errors.append(FieldError("case", "is decided", "evidence is taken while it is open"))
    sniffed = sniff(content)
    if not content:
        errors.append(FieldError("file", "is empty", "choose the file again"))
    elif len(content) > max_bytes:
        errors.append(
            FieldError("file", f"has {len(content)} bytes", f"send at most {max_bytes} bytes")
        )
    elif sniffed is None:
        errors.append(
            FieldError("file", "is not a PDF, PNG or JPEG file", "scan or save it as one of them")
        )
    elif declared_type.split(";")[0].strip().lower() not in (sniffed, "", GENERIC):
        errors.append(
            FieldError(
                "file", f"is declared {declared_type[:40]!r} but is {sniffed}", "send it as it is"
            )
        )
    count = conn.execute(
        sa.select(sa.func.count()).where(
            evidence.c.case_kind == case_kind, evidence.c.case_id == case_id
        )
    ).scalar_one()
    if count >= FILES_PER_CASE:
        errors.append(
            FieldError("file", f"would be number {count + 1}", f"at most {FILES_PER_CASE}")
        )
    if errors:
        raise InvalidData("the evidence was not accepted", code="bad-evidence", errors=errors)
    name = _UNSAFE.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1])[:200] or "evidence"
    row = {
        "evidence_id": secrets.token_hex(8),
        "case_kind": case_kind,
        "case_id": case_id,
        "subject_id": subject_id,
        "filename": name,
        "media_type": sniffed,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
        "uploaded_by": actor,
        "uploaded_at": now,
    }
    conn.execute(evidence.insert().values(**row))
    return {k: v for k, v in row.items() if k != "content"}


def of_cases(conn: sa.Connection, case_kind: str, case_ids: list[str]) -> dict[str, list[Any]]:
    """The files of each of ``case_ids`` (one query), without their content."""
    columns = [c for c in evidence.c if c.name != "content"]
    found: dict[str, list[Any]] = {case_id: [] for case_id in case_ids}
    for start in range(0, len(case_ids), 500):
        rows = conn.execute(
            sa.select(*columns)
            .where(
                evidence.c.case_kind == case_kind,
                evidence.c.case_id.in_(case_ids[start : start + 500]),
            )
            .order_by(evidence.c.uploaded_at)
        ).mappings()
        for row in rows:
            found[row["case_id"]].append(dict(row))
    return found


def read(
    conn: sa.Connection, evidence_id: str, *, subject_id: str | None, agency: str | None
) -> dict[str, Any]:
    """One file with its content, for its subject, the case's agency, or (both ``None``) the
    operator. Raises ``NotFound`` for anyone else, so ids cannot be probed."""
    row = conn.execute(sa.select(evidence).where(evidence.c.evidence_id == evidence_id)).first()
    found = dict(row._mapping) if row is not None else None
    if found is not None:
        case = _case(conn, found["case_kind"], found["case_id"])
        mine = subject_id is not None and found["subject_id"] == subject_id
        routed = agency is not None and case["provider"] == agency
        if mine or routed or (subject_id is None and agency is None):
            return found
    raise NotFound(f"no evidence {evidence_id}", code="unknown-evidence")
