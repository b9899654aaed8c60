"""How every command runs: in one transaction, stamped from the node's one clock, with its
audit entry appended in that transaction, and its follow-up after the commit.

The web platform (``web.platform.Platform``) is a :class:`Node`; :class:`LedgerNode` is one
for the command line and scripts (its follow-up sends the lift notices; no screening index
runs in its process). A command never half-applies: if it raises, neither its change nor
its audit entry is kept, and nothing follows::

    with command(node, who, "decide_repair") as work:
        row = repair.decide(work.conn, node.pack, ..., now=work.now, today=work.today)
        work.audited(row["subject_id"], repair_id=repair_id).follows(row["subject_id"])
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

import sqlalchemy as sa

from ..access import Role
from ..clock import platform_now, real_now
from ..ids import Mode
from ..ledger import audit
from ..schemes import Pack


class Actor(Protocol):
    """Who acts: a request's principal, or an operator at the command line."""

    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> Any: ...
    @property
    def agency(self) -> str | None: ...
    @property
    def subject_id(self) -> str | None: ...


class Node(Protocol):
    """What a command needs of the node it runs on."""

    engine: sa.Engine
    pack: Pack

    def clock(self) -> datetime:
        """The real clock, for the audit log (domain stamps: ``now`` and ``today``)."""
        ...

    def now(self) -> datetime: ...
    def today(self) -> date: ...
    def follow_decision(self, subject_id: str) -> None: ...


class KeyedNode(Node, Protocol):
    """A node that turns a code a caller sent into a subject key (a resident number into
    its pseudonym, at the boundary), checked as ingest checks it."""

    def subject_key(self, code: str, field: str = "subject") -> str: ...


def audited(
    node: Node,
    who: Actor,
    action: str,
    subject_id: str | None,
    purpose: str | None = None,
    detail: dict[str, Any] | None = None,
) -> audit.AuditEvent:
    """What ``who`` did on ``node``, now by its real clock, ready for the audit log."""
    return event_of(who, action, node.clock(), subject_id, purpose, detail)


def event_of(
    who: Actor,
    action: str,
    at: datetime,
    subject_id: str | None = None,
    purpose: str | None = None,
    detail: dict[str, Any] | None = None,
) -> audit.AuditEvent:
    """What ``who`` did at ``at``, ready for the audit log."""
    return audit.AuditEvent(
        actor=who.actor,
        role=str(who.role),
        agency=who.agency,
        action=action,
        at=at,
        subject_id=subject_id,
        purpose=purpose,
        detail=detail or {},
    )


@dataclass
class Work:
    """One command's transaction and stamps, and what its audit entry will say."""

    conn: sa.Connection
    now: datetime
    today: date
    subject_id: str | None = None
    purpose: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    #: the subject re-derived after the commit (screening, lift notices)
    followed: str | None = None

    def audited(self, subject_id: str | None, purpose: str | None = None, **detail: Any) -> Work:
        """What the audit entry names: the subject, the purpose, and the detail."""
        self.subject_id, self.purpose = subject_id, purpose
        self.detail.update(detail)
        return self

    def follows(self, subject_id: str) -> Work:
        """After the commit, re-derive ``subject_id`` (its screening and notices follow)."""
        self.followed = subject_id
        return self


@contextmanager
def command(node: Node, who: Actor, action: str) -> Iterator[Work]:
    """Run the body as command ``action`` of ``who`` (see the module's example)."""
    with node.engine.begin() as conn:
        work = Work(conn, node.now(), node.today())
        yield work
        audit.append(conn, [audited(node, who, action, work.subject_id, work.purpose, work.detail)])
    if work.followed is not None:
        node.follow_decision(work.followed)


@dataclass(frozen=True)
class Operator:
    """An actor at the command line or in a script (``actor`` as the audit log names it)."""

    actor: str
    role: Role = Role.OPERATOR
    agency: str | None = None
    subject_id: str | None = None


@dataclass
class LedgerNode:
    """A node for commands run outside the web platform, on ``day`` (the real clock's time
    of day, or ``moment`` if set: a script's own timeline) and with the real clock for the
    audit log; ``key`` and ``uscc_mode`` validate submissions as ingest does."""

    engine: sa.Engine
    pack: Pack
    day: date
    key: tuple[bytes, ...] = ()
    uscc_mode: Mode = Mode.STRICT
    moment: datetime | None = None

    def clock(self) -> datetime:
        return real_now()

    def now(self) -> datetime:
        return self.moment or platform_now(self.day, real_now())

    def today(self) -> date:
        return self.day

    def follow_decision(self, subject_id: str) -> None:
        """Responders holding the subject's entries get lift (or new entry) notices."""
        from ..sanctions.dispatch import dispatch_subjects

        dispatch_subjects(self.engine, self.pack, [subject_id], self.day, now=self.now())
