"""The audit log's signed checkpoints and the key that checks them, published to anyone:
copies kept outside the node are what reveal a chain rewritten by an insider."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from ..access import Permission, Principal
from ..errors import NotFound
from ..ledger import checkpoints
from ..ledger.notes import NoteVerifier
from .platform import Platform, PlatformDep
from .principals import require

router = APIRouter(prefix="/api")
PublicReader = Annotated[Principal, Depends(require(Permission.READ_PUBLIC))]


def _verifier(p: Platform) -> NoteVerifier:
    if p.checkpointer is None:
        raise NotFound(
            "this node signs no audit checkpoints: its operator has not set "
            "XINYONG_AUDIT_SIGNING_KEY_FILE",
            code="no-audit-checkpoints",
        )
    return p.checkpointer.signer.verifier


@router.get("/audit/key", tags=["platform"])
def audit_key(p: PlatformDep, _: PublicReader) -> dict[str, Any]:
    """The Ed25519 key that signs the audit checkpoints, as a signed-note verifier key
    (``name+keyid+base64(0x01 || public key)``)."""
    verifier = _verifier(p)
    return {"origin": verifier.name, "key": verifier.vkey}


@router.get("/audit/checkpoints", tags=["platform"])
def audit_checkpoints(p: PlatformDep, _: PublicReader) -> dict[str, Any]:
    """Every signed checkpoint of the audit log (C2SP signed notes: origin, size, base64 root
    hash, signature), with the key; keep a copy and check the log against it later with
    ``xinyong audit verify --checkpoints FILE``."""
    verifier = _verifier(p)
    with p.engine.connect() as conn:
        return checkpoints.published(conn, verifier)
