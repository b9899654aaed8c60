"""Answer models of the platform's own routes: the audit log (its key, checkpoints, entries
and verification) and the health probes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import Answer, Timestamp
from .vocabulary import Purpose, Role

# -- the audit log -----------------------------------------------------------------------------


class AuditKeyAnswer(Answer):
    """The Ed25519 key that signs the audit checkpoints (a signed-note verifier key)."""

    origin: str = Field(description="the log's name in its checkpoints")
    key: str = Field(description="``name+keyid+base64(0x01 || public key)``")


class Checkpoint(Answer):
    """A signed checkpoint of the audit log."""

    size: int = Field(ge=1, description="entries the checkpoint covers")
    signed_at: Timestamp
    note: str = Field(description="C2SP signed note: origin, size, base64 root hash, signature")


class CheckpointsAnswer(Answer):
    """Every signed checkpoint of the audit log, with the key that checks them."""

    format: Literal["xinyong-audit-checkpoints/1"]
    origin: str
    key: str
    checkpoints: list[Checkpoint]


class AccessLogEntry(Answer):
    """An entry of a subject's access log: who read or changed its data, when, for which
    purpose (an audit entry, as the subject sees it)."""

    seq: int = Field(ge=1, description="the audit log's sequence number")
    at: Timestamp
    actor: str = Field(description="e.g. ``token:ab12cd34``, ``account:alice``, ``cli:root``")
    role: Role
    agency: str | None
    action: str = Field(description="e.g. ``read_file``, ``submit_record``, ``screen``")
    purpose: Purpose | None
    detail: dict[str, Any] = Field(description="what the action names; its keys vary by action")


class AuditEntry(AccessLogEntry):
    """An audit entry: who did what, about which subject, for what purpose, hash-chained."""

    subject_id: str | None
    prev_hash: str
    entry_hash: str


class AuditLogAnswer(Answer):
    """Audit entries after ``after``, in sequence order."""

    items: list[AuditEntry]
    next_after: int = Field(ge=0, description="``after`` for the next call")


class AuditVerifyAnswer(Answer):
    """The walk of the audit log's hash chain (and of its signed checkpoints)."""

    ok: bool
    entries: int = Field(ge=0)
    problem: str | None = Field(description="``null``: intact; else where and how it breaks")
    seq: int | None = Field(description="the first entry that breaks it")


# -- probes ------------------------------------------------------------------------------------


class HealthAnswer(Answer):
    """Liveness: the process answers (no database touched)."""

    status: Literal["ok"]
    warm: bool = Field(description="the start-up aggregates are computed")


class ReadyChecks(Answer):
    """Each readiness check: ``ok``, or what failed."""

    database: str = Field(description="``ok``, or ``unreachable: <error>``")
    migrations: str | None = Field(
        default=None,
        description="``ok``, or the error code (``database-not-migrated`` …); "
        "absent when the database is unreachable",
    )
    caches: Literal["ok", "warming"]


class ReadyAnswer(Answer):
    """Readiness: database, schema and caches (a 503 carries the same body, ``not-ready``)."""

    status: Literal["ready", "not-ready"]
    checks: ReadyChecks
