"""Credit reports: the subject's own (free, a number per year set by the pack) and reports
for a credit-service agency under the subject's consent (refused without one in force).

A report is the subject's whole file as of a date — records with their status and history,
list entries, grades — stamped with that date and a verification code. The code is an
HMAC of the report's canonical JSON under the platform key; the platform keeps each issued
report's digest, so ``xinyong report verify CODE [--file report.json]`` can say whether a
code was issued, for whom and as of when, and whether a copy is unaltered.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, Forbidden, InvalidData, NotFound
from ..schemes import Pack
from .consent import valid_consent
from .grade_notices import whole_file
from .tables import credit_reports


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def issue(
    conn: sa.Connection,
    pack: Pack,
    *,
    subject_id: str,
    requested_by: str,
    agency: str | None,
    own: bool,
    key: bytes,
    today: date,
    now: datetime,
) -> dict[str, Any]:
    """Issue a report. Own: within the yearly free number. For an agency: only under the
    subject's consent to that agency for ``credit_report`` in force today."""
    c = credit_reports.c
    consent_id = None
    if own:
        allowed = pack.procedure("own_reports_per_year", today)
        year_start = date(today.year, 1, 1)
        issued = conn.execute(
            sa.select(sa.func.count()).where(
                c.subject_id == subject_id, c.purpose == "subject_access", c.as_of >= year_start
            )
        ).scalar_one()
        if allowed is not None and issued >= allowed:
            raise InvalidData(
                f"{issued} own reports were issued this year; the jurisdiction allows {allowed}",
                code="report-quota",
                errors=[FieldError("year", f"{today.year}", "ask again next year")],
            )
    else:
        consent = valid_consent(
            conn, subject_id=subject_id, agency=agency or "", purpose="credit_report", day=today
        )
        if consent is None:
            raise Forbidden(
                "a credit report for an agency needs the subject's consent to that agency for "
                "credit_report, in force today",
                code="consent-required",
            )
        consent_id = consent.consent_id
    report_id = secrets.token_hex(8)
    body = whole_file(conn, pack, subject_id, today, own=own)
    body["report"] = {
        "report_id": report_id,
        "as_of": today.isoformat(),
        "issued_at": now.isoformat(timespec="seconds"),
        "for": "the subject" if own else agency,
        "pack": f"{pack.id} {pack.meta.version}",
    }
    data = canonical(body)
    digest = hashlib.sha256(data).hexdigest()
    code = hmac.new(key, data, hashlib.sha256).hexdigest()[:20].upper()
    row = {
        "report_id": report_id,
        "verification_code": code,
        "subject_id": subject_id,
        "requested_by": requested_by,
        "agency": agency,
        "purpose": "subject_access" if own else "credit_report",
        "consent_id": consent_id,
        "as_of": today,
        "issued_at": now,
        "digest": digest,
        "body": json.loads(data),
    }
    conn.execute(credit_reports.insert().values(**row))
    return row


def verify(conn: sa.Connection, code: str, copy: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the platform knows of a verification code; with ``copy``, whether it is unaltered.

    Raises:
        NotFound: no report was issued with this code.
    """
    row = (
        conn.execute(
            sa.select(credit_reports).where(
                credit_reports.c.verification_code == code.strip().upper()
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("no report was issued with this verification code", code="unknown-code")
    found = {
        "report_id": row["report_id"],
        "subject_id": row["subject_id"],
        "as_of": row["as_of"],
        "issued_at": row["issued_at"],
        "for": row["agency"] or "the subject",
    }
    if copy is not None:
        found["unaltered"] = hashlib.sha256(canonical(copy)).hexdigest() == row["digest"]
    return found


def get(conn: sa.Connection, report_id: str) -> dict[str, Any]:
    row = (
        conn.execute(sa.select(credit_reports).where(credit_reports.c.report_id == report_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no report {report_id}", code="unknown-report")
    return dict(row)
