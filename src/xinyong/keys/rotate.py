"""Re-keying the pseudonyms: every stored person id ``p`` becomes ``rekey(p, new key)``.

The raw resident numbers are never stored, so a new key cannot be applied to them; instead
the pseudonyms are layered. After rotating from the chain ``(k1, …, kn)`` to
``(k1, …, kn, k_new)`` a number is pseudonymised as HMAC(k1, number) re-keyed by each later
key in turn, and every stored pseudonym is re-keyed by ``k_new`` once, here, in one
transaction (an interrupted rotation leaves nothing changed; run it again). The fingerprint
is replaced at the end, and the rotation itself is an audit entry (``xinyong keys``).

What it buys: someone holding an old key (or old keys) alone can no longer confirm a guessed
number against the stored ledger; every key of the chain is needed. What it does not: the
root key is still needed to pseudonymise new numbers (all keys stay secret and in escrow),
and the audit log is not rewritten (its hash chain covers the subject ids of its entries and
``screening_subjects``), so its entries from before the rotation keep the old pseudonyms — to
them the old keys still apply, and a subject's access log shows reads since the rotation.
No mapping of old to new pseudonyms is kept: it would link the two for anyone holding the
old key and the database, undoing the point of the rotation (docs/keys.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..errors import ConfigError, FieldError
from ..ids import is_pseudonym, rekey
from ..ids.resident import PSEUDONYM_PREFIX
from ..ledger import tables as lt
from ..migrations.drift import declared_metadata
from .fingerprint import fingerprint, pseudonym_key_state, record_pseudonym_key

#: every column that holds a subject id and is re-keyed: (table, column). ``subjects`` is
#: handled first (its key is referenced by foreign keys). Left out on purpose, because the
#: audit log's hash chain covers them: ``audit_log.subject_id``,
#: ``screening_subjects.subject_id``.
SUBJECT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("subject_links", "from_subject"),
    ("subject_links", "to_subject"),
    ("records", "subject_id"),
    ("list_entries", "subject_id"),
    ("grades", "subject_id"),
    ("consents", "subject_id"),
    ("objections", "subject_id"),
    ("repairs", "subject_id"),
    ("credit_reports", "subject_id"),
    ("evidence", "subject_id"),
    ("grade_notices", "subject_id"),
    ("dispatch_notices", "subject_id"),
    ("screening_overrides", "subject_id"),
    ("accounts", "subject_id"),
    ("api_tokens", "subject_id"),
)
#: subject-id columns deliberately not re-keyed (the audit chain covers them)
KEPT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("audit_log", "subject_id"),
    ("screening_subjects", "subject_id"),
)


@dataclass(frozen=True)
class Rotation:
    persons: int
    rows: int
    from_fingerprint: str
    to_fingerprint: str


def _person_ids(conn: sa.Connection) -> set[str]:
    found: set[str] = set()
    for table, column in (("subjects", "subject_id"), *SUBJECT_COLUMNS):
        col = declared_metadata().tables[table].c[column]
        query = sa.select(col).distinct().where(col.startswith(PSEUDONYM_PREFIX))
        found.update(v for v in conn.execute(query).scalars() if is_pseudonym(v))
    return found


def rotate_pseudonyms(conn: sa.Connection, chain: tuple[bytes, ...], *, now: datetime) -> Rotation:
    """Re-key every stored person id by ``chain[-1]``, in the caller's transaction (which
    also records the rotation in the audit log); the ledger must be at ``chain[:-1]``.

    Raises:
        ConfigError: ``no-rotation-key`` (no later key configured), ``pseudonym-key-mismatch``
            (the ledger is not at the chain without its newest key).
    """
    if len(chain) < 2:
        raise ConfigError(
            "no key to rotate to: add the new key to XINYONG_PSEUDONYM_ROTATIONS "
            "(keep XINYONG_PSEUDONYM_KEY as it is)",
            code="no-rotation-key",
            errors=[FieldError("XINYONG_PSEUDONYM_ROTATIONS", "is unset", "append the new key")],
        )
    state = pseudonym_key_state(conn, chain)
    if state.state != "behind":
        raise ConfigError(
            "the ledger is "
            + ("already re-keyed to this chain" if state.state == "matches" else "not at")
            + f" the configured chain without its newest key (ledger fingerprint "
            f"{state.recorded}, wanted {fingerprint(chain[:-1])}): set XINYONG_PSEUDONYM_KEY "
            "and XINYONG_PSEUDONYM_ROTATIONS to the keys in use, then the new key last",
            code="pseudonym-key-mismatch",
            errors=[FieldError("XINYONG_PSEUDONYM_ROTATIONS", "does not extend the ledger's keys")],
        )
    new_key = chain[-1]
    mapping = {old: rekey(old, key=new_key) for old in sorted(_person_ids(conn))}
    subjects = lt.subjects
    rows = 0
    if mapping:
        olds = list(mapping)
        for start in range(0, len(olds), 500):
            batch = olds[start : start + 500]
            found = conn.execute(
                sa.select(subjects).where(subjects.c.subject_id.in_(batch))
            ).mappings()
            copies = [{**row, "subject_id": mapping[row["subject_id"]]} for row in found]
            if copies:
                conn.execute(subjects.insert(), copies)
                rows += len(copies)
        pairs = [{"old": old, "new": new} for old, new in mapping.items()]
        for table, column in SUBJECT_COLUMNS:
            t = declared_metadata().tables[table]
            result = conn.execute(
                t.update()
                .where(t.c[column] == sa.bindparam("old"))
                .values({column: sa.bindparam("new")}),
                pairs,
            )
            rows += max(result.rowcount, 0)
        for start in range(0, len(olds), 500):
            conn.execute(
                subjects.delete().where(subjects.c.subject_id.in_(olds[start : start + 500]))
            )
    record_pseudonym_key(conn, chain, now=now)
    return Rotation(len(mapping), rows, state.recorded or "", fingerprint(chain))
