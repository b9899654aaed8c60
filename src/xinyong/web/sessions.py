"""Portal sessions, kept server-side so that they can be ended.

The session cookie (signed by Starlette under ``XINYONG_SESSION_SECRET``) carries only a
random 256-bit session id; the platform keeps its SHA-256, the account, when it began and
when it was last used. A session is live while it is not ended, was used within the idle
timeout (``XINYONG_SESSION_IDLE_MINUTES``) and is younger than ``SESSION_LIFETIME``. Logout
ends it; a password change or disabling the account ends every session of the account, so a
cookie copied before is refused at its next request.

Sessions run on the real clock (``Platform.clock``), never the pinned platform date: a
copied cookie ages in real time.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from .tables import portal_sessions

#: the longest a session lives, however active (the cookie's max-age too)
SESSION_LIFETIME = timedelta(hours=8)
#: ``last_seen_at`` is written at most this often (an idle timeout is minutes long)
TOUCH_EVERY = timedelta(seconds=60)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(conn: sa.Connection, username: str, *, now: datetime) -> str:
    """Begin a session for ``username``; the id (for the cookie) is returned, its hash kept."""
    session_id = secrets.token_urlsafe(32)
    conn.execute(
        portal_sessions.insert().values(
            session_hash=_hash(session_id), username=username, created_at=now, last_seen_at=now
        )
    )
    return session_id


def session_account(
    conn: sa.Connection, session_id: str, *, now: datetime, idle: timedelta
) -> str | None:
    """The account of a live session, marking it used; ``None`` if the session is unknown,
    ended, idle longer than ``idle`` or older than ``SESSION_LIFETIME``."""
    s = portal_sessions.c
    row = conn.execute(
        sa.select(s.username, s.created_at, s.last_seen_at, s.ended_at).where(
            s.session_hash == _hash(session_id)
        )
    ).first()
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > SESSION_LIFETIME:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        conn.execute(
            portal_sessions.update()
            .where(s.session_hash == _hash(session_id))
            .values(last_seen_at=now)
        )
    return str(row.username)


def end_session(conn: sa.Connection, session_id: str, *, now: datetime) -> bool:
    """End one session (logout); whether it was live."""
    s = portal_sessions.c
    done = conn.execute(
        portal_sessions.update()
        .where(s.session_hash == _hash(session_id), s.ended_at.is_(None))
        .values(ended_at=now, end_reason="logout")
    ).rowcount
    return bool(done)


def end_sessions_of(conn: sa.Connection, username: str, *, now: datetime, reason: str) -> int:
    """End every open session of ``username`` (password changed, account disabled); how many."""
    s = portal_sessions.c
    done: int = conn.execute(
        portal_sessions.update()
        .where(s.username == username, s.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    ).rowcount
    return done
