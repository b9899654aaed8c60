"""Screening commands a responder runs: many subjects at once, a name, and the override that
serves a subject despite a deny. The single check (``POST /api/screen``) stays in its route:
it is the hot path, one look-up and one queued audit entry.

Each answers from the node's screening index (``sanctions.index``) and is audited with its
caller and purpose: a bulk call is one audit entry linked to every subject it named, so each
subject's access log shows it; an override is stored and audited in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from ..access import Principal, Purpose
from ..errors import FieldError, InvalidData
from ..ledger import audit
from ..sanctions.index import ScreeningIndex
from ..sanctions.names import NameIndex
from ..sanctions.tables import screening_overrides
from .work import KeyedNode, audited

#: what a name screening says of its candidates
NAME_NOTE = "name matches are candidates, never a decision: confirm the identifier first"


class ScreeningNode(KeyedNode, Protocol):
    """A node with a screening index (the web platform)."""

    def subject_keys(
        self, codes: Sequence[str], field: str = "subjects"
    ) -> list[str | InvalidData]: ...
    def screening(self, wait: float | None = None) -> ScreeningIndex: ...
    def screening_names(self, wait: float | None = None) -> NameIndex: ...
    def audit_later(
        self,
        principal: Principal,
        action: str,
        *,
        subject_id: str | None = None,
        purpose: str | None = None,
        **detail: Any,
    ) -> None: ...


def screen_bulk(
    node: ScreeningNode,
    who: Principal,
    codes: Sequence[str],
    action: str,
    purpose: Purpose,
    field: str = "subjects",
) -> dict[str, Any]:
    """Outcomes for ``codes`` in order (``invalid`` for a code that is no subject key), the
    full decision of each not simply allowed and the error of each invalid one (naming
    ``{field}.{position}``), by position; counted, and audited as one entry linked to every
    valid subject."""
    index = node.screening()
    keys = node.subject_keys(codes, field)
    details: dict[int, Any] = {
        i: {"error": k.errors[0].to_dict()}
        for i, k in enumerate(keys)
        if isinstance(k, InvalidData)
    }
    valid = [k for k in keys if isinstance(k, str)]
    found = iter(index.outcomes(valid, action, keys=True))
    outcomes = [next(found) if isinstance(k, str) else "invalid" for k in keys]
    for i, (k, outcome) in enumerate(zip(keys, outcomes, strict=True)):
        if isinstance(k, str) and outcome != "allow":
            details[i] = index.check(k, action).to_dict()
    counts = dict(Counter(outcomes))
    record_bulk(node, who, action, purpose, valid, counts)
    return {
        "action": action,
        "as_of": index.day,
        "counts": counts,
        "outcomes": outcomes,
        "details": details,
    }


def record_bulk(
    node: ScreeningNode,
    who: Principal,
    action: str,
    purpose: Purpose,
    subjects: Sequence[str],
    counts: dict[str, int],
) -> None:
    """The audit entry of one bulk screening, linked to each subject it named."""
    digest = hashlib.sha256("\n".join(subjects).encode()).hexdigest()
    event = audited(
        node,
        who,
        "screen_bulk",
        None,
        str(purpose),
        {"for_action": action, "counts": counts, "subjects_sha256": digest},
    )
    with node.engine.begin() as conn:
        audit.append_linked(conn, event, subjects)


def screen_name(
    node: ScreeningNode, who: Principal, name: str, action: str, limit: int, purpose: Purpose
) -> dict[str, Any]:
    """Scored, explained candidates for ``name`` among the subjects measures apply to, each
    with the outcome it would have if confirmed. Never a deny: a name is not an identity."""
    index = node.screening()
    candidates = []
    for match in node.screening_names().search(name, limit=limit):
        decision = index.check(match.subject_id, action)
        candidates.append(
            {
                **match.to_dict(),
                "outcome_if_confirmed": decision.outcome,
                "grounds": decision.to_dict()["grounds"],
            }
        )
    node.audit_later(
        who, "screen_name", purpose=str(purpose), for_action=action, candidates=len(candidates)
    )
    named = any(c["outcome_if_confirmed"] != "allow" for c in candidates)
    return {
        "action": action,
        "outcome": "advise" if named else "allow",
        "note": NAME_NOTE,
        "candidates": candidates,
    }


def override(
    node: ScreeningNode, who: Principal, subject: str, action: str, reason: str
) -> dict[str, Any]:
    """Serve ``subject`` for ``action`` despite the caller's agency's measures, with a written
    reason: stored and audited together.

    Raises:
        InvalidData: no measure of the caller's agency applies (nothing to override).
    """
    subject_id = node.subject_key(subject)
    decision = node.screening().check(subject_id, action)
    measures = [g.measure_id for g in decision.grounds if g.implementing_agency == who.agency]
    if decision.outcome == "allow" or not measures:
        raise InvalidData(
            "nothing to override: no measure of your agency applies",
            code="nothing-to-override",
            errors=[
                FieldError("subject", f"is {decision.outcome} for {action}", "no override needed")
            ],
        )
    override_id = secrets.token_hex(8)
    with node.engine.begin() as conn:
        conn.execute(
            screening_overrides.insert().values(
                override_id=override_id,
                at=node.now(),
                agency=who.agency or "",
                actor=who.actor,
                subject_id=subject_id,
                action=action,
                measures=measures,
                reason=reason,
            )
        )
        event = audited(
            node,
            who,
            "override",
            subject_id,
            detail={"for_action": action, "measures": measures, "reason": reason},
        )
        audit.append(conn, [event])
    return {"ok": True, "override_id": override_id, "outcome": "overridden", "measures": measures}
