"""Consent: a subject lets one credit-service agency read its non-public data for one purpose.

A consent is valid on a date when it was granted, has not been revoked, and ``expires_on`` is
not before that date. Nothing here reads the clock: callers pass the moment.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..clock import business_date
from ..errors import FieldError, InvalidData, NotFound
from .tables import consents


@dataclass(frozen=True)
class Consent:
    consent_id: str
    subject_id: str
    agency: str
    purpose: str
    granted_at: datetime
    expires_on: date
    revoked_at: datetime | None

    def valid_on(self, day: date) -> bool:
        return self.revoked_at is None and business_date(self.granted_at) <= day <= self.expires_on


def _consent(row: Any) -> Consent:
    return Consent(**dict(row))


def grant(
    conn: sa.Connection,
    *,
    subject_id: str,
    agency: str,
    purpose: str,
    expires_on: date,
    now: datetime,
    known_agencies: Collection[str],
) -> Consent:
    """Record the subject's consent to ``agency``, one of ``known_agencies`` (the
    credit-service agencies the platform knows:
    ``web.credentials.credit_service_agencies``).

    Raises:
        InvalidData: the agency is unknown (``unknown-agency``) or ``expires_on`` is in the
            past (``consent-expired``); nothing is recorded.
    """
    if agency not in known_agencies:
        known = ", ".join(sorted(known_agencies)[:20]) or "none yet"
        raise InvalidData(
            f"agency {agency[:64]!r} is not a credit-service agency of this platform",
            code="unknown-agency",
            errors=[
                FieldError(
                    "agency",
                    f"is {agency[:64]!r}, not a credit-service agency of this platform",
                    f"give the code of one: {known}",
                )
            ],
        )
    if expires_on < business_date(now):
        raise InvalidData(
            f"expires_on {expires_on} is before today ({business_date(now)})",
            code="consent-expired",
            errors=[
                FieldError("expires_on", f"is {expires_on}, in the past", "give a future date")
            ],
        )
    consent = Consent(
        secrets.token_hex(8), subject_id, agency, purpose, now, expires_on, revoked_at=None
    )
    conn.execute(consents.insert().values(**consent.__dict__))
    return consent


def revoke(conn: sa.Connection, *, subject_id: str, consent_id: str, now: datetime) -> Consent:
    """Revoke one of the subject's consents (another subject's consent is not found)."""
    c = consents.c
    row = (
        conn.execute(
            sa.select(consents).where(c.consent_id == consent_id, c.subject_id == subject_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no consent {consent_id!r} of this subject", code="unknown-consent")
    if row["revoked_at"] is None:
        conn.execute(consents.update().where(c.consent_id == consent_id).values(revoked_at=now))
    return _consent({**row, "revoked_at": row["revoked_at"] or now})


def of_subject(conn: sa.Connection, subject_id: str) -> list[Consent]:
    rows = conn.execute(
        sa.select(consents)
        .where(consents.c.subject_id == subject_id)
        .order_by(consents.c.granted_at, consents.c.consent_id)
    ).mappings()
    return [_consent(r) for r in rows]


def valid_consent(
    conn: sa.Connection, *, subject_id: str, agency: str, purpose: str, day: date
) -> Consent | None:
    """A consent covering this read on ``day``, if the subject gave one."""
    c = consents.c
    rows = conn.execute(
        sa.select(consents).where(
            c.subject_id == subject_id,
            c.agency == agency,
            c.purpose == purpose,
            c.revoked_at.is_(None),
            c.expires_on >= day,
        )
    ).mappings()
    found = [_consent(r) for r in rows]
    return next((x for x in found if x.valid_on(day)), None)
