"""The pseudonym key's fingerprint: the ledger remembers which key its pseudonyms were made
under, and a platform started with another is refused.

A person's pseudonym is an HMAC of the resident number under the platform key, so under a
different key the same person gets a different pseudonym — and screens ``allow`` while
listed under the old one. The ledger therefore stores the key's fingerprint (never the key):
the first 16 hex digits of the key chain's pseudonym of a fixed label. It tells whether a key
is the one in use; it cannot be turned back into the key, nor be used to make pseudonyms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa

from ..errors import ConfigError, FieldError
from ..ids import PseudonymKey, pseudonymise
from .tables import platform_keys

if TYPE_CHECKING:
    from ..settings import Settings

#: the ``platform_keys`` row of the pseudonym key (chain)
PSEUDONYM_KEY = "pseudonym"
LABEL = "xinyong pseudonym key fingerprint v1"
MISMATCH_FIX = (
    "restore the original XINYONG_PSEUDONYM_KEY (and XINYONG_PSEUDONYM_ROTATIONS) from escrow; "
    "to move to a new key, keep the old one and run `xinyong keys rotate-pseudonym` "
    "(docs/keys.md)"
)


def fingerprint(key: PseudonymKey) -> str:
    """16 hex digits that identify ``key`` (one key, or a chain) without revealing it."""
    return pseudonymise(LABEL, key=key)[1:17]


@dataclass(frozen=True)
class KeyState:
    """How the configured key chain stands against the ledger's recorded fingerprint."""

    #: ``absent``: none recorded yet; ``matches``; ``behind``: the ledger is at the chain
    #: without its newest key (a rotation to run); ``mismatch``: another key altogether
    state: Literal["absent", "matches", "behind", "mismatch"]
    configured: str
    recorded: str | None
    recorded_at: datetime | None


def pseudonym_key_state(conn: sa.Connection, key: tuple[bytes, ...]) -> KeyState:
    row = conn.execute(
        sa.select(platform_keys).where(platform_keys.c.name == PSEUDONYM_KEY)
    ).first()
    configured = fingerprint(key)
    if row is None:
        return KeyState("absent", configured, None, None)
    if row.fingerprint == configured:
        state: Literal["matches", "behind", "mismatch"] = "matches"
    elif len(key) > 1 and row.fingerprint == fingerprint(key[:-1]):
        state = "behind"
    else:
        state = "mismatch"
    return KeyState(state, configured, row.fingerprint, row.created_at)


def record_pseudonym_key(conn: sa.Connection, key: PseudonymKey, *, now: datetime) -> None:
    """Record (or, after a rotation, replace) the fingerprint of the key chain in use."""
    t = platform_keys
    conn.execute(t.delete().where(t.c.name == PSEUDONYM_KEY))
    conn.execute(
        t.insert().values(name=PSEUDONYM_KEY, fingerprint=fingerprint(key), created_at=now)
    )


def check_pseudonym_key(conn: sa.Connection, key: tuple[bytes, ...], *, now: datetime) -> None:
    """Refuse a key chain other than the one the ledger's pseudonyms were made under; the
    first check on a ledger without a fingerprint records it.

    Raises:
        ConfigError: ``pseudonym-key-mismatch`` (another key), or ``pseudonym-rotation-pending``
            (a new key in XINYONG_PSEUDONYM_ROTATIONS the ledger was not re-keyed to yet).
    """
    state = pseudonym_key_state(conn, key)
    if state.state == "absent":
        record_pseudonym_key(conn, key, now=now)
    elif state.state == "behind":
        raise ConfigError(
            "the newest key in XINYONG_PSEUDONYM_ROTATIONS is not applied to the ledger yet: "
            "run `xinyong keys rotate-pseudonym`, or remove that key",
            code="pseudonym-rotation-pending",
            errors=[
                FieldError(
                    "XINYONG_PSEUDONYM_ROTATIONS",
                    "ends with a key the ledger's pseudonyms are not re-keyed to",
                    "run `xinyong keys rotate-pseudonym`",
                )
            ],
        )
    elif state.state == "mismatch":
        raise ConfigError(
            f"XINYONG_PSEUDONYM_KEY is not the key this ledger's pseudonyms were made under "
            f"(fingerprint {state.configured}, the ledger's {state.recorded}, recorded "
            f"{state.recorded_at:%Y-%m-%d}): persons would not be found and listed persons "
            f"would screen as allowed; {MISMATCH_FIX}",
            code="pseudonym-key-mismatch",
            errors=[FieldError("XINYONG_PSEUDONYM_KEY", "is another key", MISMATCH_FIX)],
        )


def pseudonym_key_for(engine: sa.Engine, settings: Settings) -> tuple[bytes, ...]:
    """The key chain to pseudonymise with, once checked against the ledger: the one call
    every command that pseudonymises makes (``check_pseudonym_key``)."""
    from .. import clock

    with engine.begin() as conn:
        check_pseudonym_key(conn, settings.pseudonym_chain, now=clock.now(settings.as_of))
    return settings.pseudonym_chain
