"""Portal accounts and API tokens.

Disabling an account or changing its password ends its portal sessions (``sessions``).

Passwords are kept as argon2id hashes (argon2-cffi). An API token is ``xy_<id>_<secret>``:
the id is stored in clear to find the row, the 256-bit secret only as its SHA-256 (a random
secret of that length needs no slow hash). Tokens are scoped to a role, an agency and —
for source agencies — catalogue items; they expire and can be revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..access import Principal, Role
from ..errors import ConflictError, FieldError, InvalidData, NotFound
from ..ids.hiding import is_resident_number
from .sessions import end_sessions_of
from .tables import accounts, api_tokens

_hasher = PasswordHasher()
#: verified against when the username is unknown, so timing does not reveal which names exist
_DUMMY_HASH = _hasher.hash("not-a-password")
MIN_PASSWORD_LENGTH = 10


def _check_scope(role: Role, agency: str | None, subject_id: str | None, now: datetime) -> None:
    errors = []
    agency_roles = {Role.SOURCE_AGENCY, Role.RESPONDING_AGENCY, Role.CREDIT_SERVICE}
    if role in agency_roles and not agency:
        errors.append(FieldError("agency", f"is needed for the {role} role", "give --agency"))
    if role is Role.SUBJECT and not subject_id:
        errors.append(FieldError("subject", "is needed for the subject role", "give --subject"))
    if subject_id and is_resident_number(subject_id, today=now.date()):
        errors.append(
            FieldError(
                "subject",
                "is a raw resident identity number, which is never stored",
                "give the person's pseudonym (ledger.subject.subject_key gives it)",
            )
        )
    if role is Role.PUBLIC:
        errors.append(FieldError("role", "public needs no credentials", "choose another role"))
    if errors:
        raise InvalidData("the credentials' scope is incomplete", code="bad-scope", errors=errors)


def _check_password(password: str) -> None:
    """The one rule for a portal password (new accounts and password changes)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidData(
            "the password is too short",
            code="weak-password",
            errors=[
                FieldError(
                    "password", f"has {len(password)} characters", f"use ≥ {MIN_PASSWORD_LENGTH}"
                )
            ],
        )


def add_account(
    conn: sa.Connection,
    *,
    username: str,
    password: str,
    role: Role,
    now: datetime,
    agency: str | None = None,
    subject_id: str | None = None,
) -> None:
    """Create a portal account.

    Raises:
        InvalidData: the password is too short or the scope is incomplete.
        ConflictError: the username is taken.
    """
    _check_scope(role, agency, subject_id, now)
    _check_password(password)
    exists = conn.execute(
        sa.select(accounts.c.username).where(accounts.c.username == username)
    ).first()
    if exists:
        raise ConflictError(f"account {username!r} exists", code="account-exists")
    conn.execute(
        accounts.insert().values(
            username=username,
            password_hash=_hasher.hash(password),
            role=str(role),
            agency=agency,
            subject_id=subject_id,
            created_at=now,
        )
    )


def disable_account(conn: sa.Connection, username: str, *, now: datetime) -> int:
    """Disable an account and end every session of it at once; how many were open."""
    done = conn.execute(
        accounts.update()
        .where(accounts.c.username == username, accounts.c.disabled_at.is_(None))
        .values(disabled_at=now)
    ).rowcount
    if not done:
        raise NotFound(f"no enabled account {username!r}", code="unknown-account")
    return end_sessions_of(conn, username, now=now, reason="account_disabled")


def change_password(conn: sa.Connection, username: str, password: str, *, now: datetime) -> int:
    """Set an account's password and end every session of it at once; how many were open.

    Raises:
        InvalidData: the password is too short (nothing is changed).
        NotFound: there is no enabled account ``username``.
    """
    _check_password(password)
    done = conn.execute(
        accounts.update()
        .where(accounts.c.username == username, accounts.c.disabled_at.is_(None))
        .values(password_hash=_hasher.hash(password))
    ).rowcount
    if not done:
        raise NotFound(f"no enabled account {username!r}", code="unknown-account")
    return end_sessions_of(conn, username, now=now, reason="password_changed")


def _principal(row: Any, actor: str) -> Principal:
    items = row.get("items")
    return Principal(
        role=Role(row["role"]),
        actor=actor,
        agency=row["agency"],
        subject_id=row["subject_id"],
        items=frozenset(items) if items is not None else None,
    )


def _account(conn: sa.Connection, username: str) -> Any:
    return (
        conn.execute(sa.select(accounts).where(accounts.c.username == username)).mappings().first()
    )


def authenticate(conn: sa.Connection, username: str, password: str) -> Principal | None:
    """The account's principal if the password matches and the account is enabled."""
    row = (
        conn.execute(sa.select(accounts).where(accounts.c.username == username)).mappings().first()
    )
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled_at"] is not None:
        return None
    return _principal(dict(row), f"account:{username}")


def account_principal(conn: sa.Connection, username: str) -> Principal | None:
    """The principal of a logged-in account, re-read on every request (disabling bites)."""
    row = (
        conn.execute(sa.select(accounts).where(accounts.c.username == username)).mappings().first()
    )
    if row is None or row["disabled_at"] is not None:
        return None
    return _principal(dict(row), f"account:{username}")


def credit_service_agencies(conn: sa.Connection) -> set[str]:
    """The credit-service agencies (征信机构) the platform knows: those it has given an account
    or an API token in the credit-service role, whatever their state now. Only such an agency
    reads under a consent (``api.authorise_file_read`` asks for one from that role alone), and
    the pack names none: ``agencies.yaml`` lists the agencies that provide records and
    ``responders.yaml`` those that apply measures; neither reads under a consent."""
    found: set[str] = set()
    for table in (accounts, api_tokens):
        rows = conn.execute(
            sa.select(table.c.agency)
            .where(table.c.role == str(Role.CREDIT_SERVICE), table.c.agency.is_not(None))
            .distinct()
        ).scalars()
        found.update(str(agency) for agency in rows)
    return found


@dataclass(frozen=True)
class IssuedToken:
    token_id: str
    #: shown once, never stored
    token: str
    expires_at: datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    conn: sa.Connection,
    *,
    role: Role,
    label: str,
    now: datetime,
    days: int,
    agency: str | None = None,
    subject_id: str | None = None,
    items: list[str] | None = None,
) -> IssuedToken:
    """Create an API token; the token itself is returned once and kept only as a hash."""
    _check_scope(role, agency, subject_id, now)
    if not 1 <= days <= 730:
        raise InvalidData(
            "a token lives between 1 and 730 days",
            code="bad-token-lifetime",
            errors=[FieldError("days", f"is {days}", "give 1–730")],
        )
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=days)
    conn.execute(
        api_tokens.insert().values(
            token_id=token_id,
            secret_hash=_digest(secret),
            role=str(role),
            agency=agency,
            subject_id=subject_id,
            items=sorted(items) if items is not None else None,
            label=label,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return IssuedToken(token_id, f"xy_{token_id}_{secret}", expires_at)


def token_principal(conn: sa.Connection, token: str, *, now: datetime) -> Principal | None:
    """The principal of a bearer token; ``None`` if malformed, unknown, wrong, revoked or
    expired."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "xy" or len(parts[1]) != 12:
        return None
    row = (
        conn.execute(sa.select(api_tokens).where(api_tokens.c.token_id == parts[1]))
        .mappings()
        .first()
    )
    if row is None or not hmac.compare_digest(row["secret_hash"], _digest(parts[2])):
        return None
    if row["revoked_at"] is not None or row["expires_at"] <= now:
        return None
    return _principal(dict(row), f"token:{parts[1]}")


def revoke_token(conn: sa.Connection, token_id: str, *, now: datetime) -> None:
    done = conn.execute(
        api_tokens.update()
        .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    if not done:
        raise NotFound(f"no live token {token_id!r}", code="unknown-token")


def list_tokens(conn: sa.Connection) -> list[dict[str, Any]]:
    columns = [c for c in api_tokens.c if c.name != "secret_hash"]
    rows = conn.execute(sa.select(*columns).order_by(api_tokens.c.created_at)).mappings()
    return [dict(r) for r in rows]
