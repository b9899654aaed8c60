"""The audit log under ``/api``: its entries and the walk of its hash chain, for the auditor;
its signed checkpoints and the key that checks them, published to anyone (copies kept outside
the node are what reveal a chain rewritten by an insider)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from ..errors import NotFound
from ..ledger import audit, checkpoints
from ..ledger.notes import NoteVerifier
from .answers import api_router
from .answers.platform import AuditKeyAnswer, AuditLogAnswer, AuditVerifyAnswer, CheckpointsAnswer
from .deps import Auditor, PublicReader
from .platform import Platform, PlatformDep

router = api_router()


def _verifier(p: Platform) -> NoteVerifier:
    if p.checkpointer is None:
        raise NotFound(
            "this node signs no audit checkpoints: its operator has not set "
            "XINYONG_AUDIT_SIGNING_KEY_FILE",
            code="no-audit-checkpoints",
        )
    return p.checkpointer.signer.verifier


@router.get("/audit/key", tags=["platform"])
def audit_key(p: PlatformDep, _: PublicReader) -> AuditKeyAnswer:
    """The Ed25519 key that signs the audit checkpoints, as a signed-note verifier key
    (``name+keyid+base64(0x01 || public key)``)."""
    verifier = _verifier(p)
    return AuditKeyAnswer.model_validate({"origin": verifier.name, "key": verifier.vkey})


@router.get("/audit/checkpoints", tags=["platform"])
def audit_checkpoints(p: PlatformDep, _: PublicReader) -> CheckpointsAnswer:
    """Every signed checkpoint of the audit log (C2SP signed notes: origin, size, base64 root
    hash, signature), with the key; keep a copy and check the log against it later with
    ``xinyong audit verify --checkpoints FILE``."""
    verifier = _verifier(p)
    with p.engine.connect() as conn:
        return CheckpointsAnswer.model_validate(checkpoints.published(conn, verifier))


@router.get("/audit", tags=["platform"])
def audit_log(
    p: PlatformDep,
    _: Auditor,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditLogAnswer:
    """The audit log from sequence number ``after``, with each entry's hashes."""
    with p.engine.connect() as conn:
        rows = audit.entries(conn, after=after, limit=limit)
    return AuditLogAnswer.model_validate(
        {"items": rows, "next_after": rows[-1]["seq"] if rows else after}
    )


@router.get("/audit/verify", tags=["platform"])
def audit_verify(p: PlatformDep, _: Auditor) -> AuditVerifyAnswer:
    """Walk the whole hash chain and the links, and check it against the node's signed
    checkpoints (if it signs them); report the first changed, removed or reordered entry, or a
    chain recomputed or cut after a checkpoint."""
    from ..ledger.checkpoints import verify_node

    verifier = p.checkpointer.signer.verifier if p.checkpointer is not None else None
    with p.engine.connect() as conn:
        result = verify_node(conn, verifier)
    return AuditVerifyAnswer.model_validate(
        {
            "ok": result.ok,
            "entries": result.entries,
            "problem": result.problem,
            "seq": result.seq,
        }
    )
