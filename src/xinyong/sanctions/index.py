"""The screening index: exact-identifier checks answered from memory, following the ledger.

Built from the newest materialised evaluation (its entries in force of lists that memoranda
target; what the ledger received after that evaluation ran is re-derived at once), the
consumption-restriction orders, and the links through which measures reach persons.
Only subjects with something to rest a decision on are held; everyone else is
allowed without a look-up beyond one dict miss. Decisions are cached per (subject, action).

It follows change: :meth:`ScreeningIndex.follow` reads what the ledger received since it
last looked — new records, record events (revocations, lifts, repairs, early exits,
exception permits), new links — and re-derives those subjects from the ledger. A background
thread (:meth:`start_following`) calls it every ``poll_seconds``, so a lift made anywhere
(another worker, ``xinyong ingest``) is answered within that time; the platform's own
decision endpoint refreshes the subject before it answers, so there the very next check
already allows. Checks never wait for either.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..clock import real_now
from ..ids import Kind, Mode, classify, is_pseudonym
from ..ledger.subject import invalid_subject
from ..schemes import Pack
from . import standing as st
from .decide import Decision, Standing, actions_of, allow, decide

log = logging.getLogger("xinyong.sanctions")
#: subjects re-derived per pass when a large delivery changed many at once
REFRESH_CHUNK = 2000
#: USCC keys remembered as valid before the memory is cleared
KEYS_SEEN_MAX = 1_000_000


class ScreeningIndex:
    def __init__(
        self,
        engine: sa.Engine,
        pack: Pack,
        *,
        poll_seconds: float = 0.5,
        clock: Callable[[], datetime] = real_now,
        mode: Mode = Mode.STRICT,
        exceptions: frozenset[str] | None = None,
    ) -> None:
        self.engine, self.pack, self.poll_seconds, self.clock = engine, pack, poll_seconds, clock
        #: how a subject key that is not held is checked (``ids.classify``), as at ingest
        self.mode, self.exceptions = mode, exceptions
        #: USCC keys already found valid (the bulk path checks each code once)
        self._keys_seen: set[str] = set()
        self.actions = actions_of(pack)
        self.day: date | None = None
        self.evaluation: str | None = None
        self.standings: dict[str, Standing] = {}
        self._decisions: dict[tuple[str, str], Decision] = {}
        self._seen: datetime | None = None
        #: (subject, recorded_at) already re-derived among rows newer than the horizon
        self._recent: set[tuple[str, datetime]] = set()
        #: action → subject → outcome, filled per action on first use (the fast path)
        self._by_action: dict[str, dict[str, str]] = {}
        #: every derivation takes a ticket before it reads the ledger; a standing is applied
        #: only over one derived from an earlier ticket (a later read sees at least as much)
        self._tickets = itertools.count(1)
        self._built_ticket = 0
        self._applied: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._follower: threading.Thread | None = None

    # -- building -----------------------------------------------------------------------

    def build(self, day: date, evaluation: str | None) -> None:
        """Everything afresh, as of ``day`` from ``evaluation`` (the newest by that day)."""
        ticket = self._ticket()
        with self.engine.connect() as conn:
            # what the ledger received after the evaluation ran is re-derived at the first
            # follow; without an evaluation, only what arrives from now on
            seen = st.evaluated_at(conn, evaluation) if evaluation else st.high_water(conn)
            listings = st.materialised_listings(conn, self.pack, evaluation, day)
            orders = st.orders(conn, day)
            organisations = set(listings) | set(orders)
            links = st.links_to(conn, self.pack, organisations, day)
        standings = st.assemble(listings, orders, links, set(organisations) | set(links))
        with self._lock:  # a refresh that read the ledger before this build is not applied
            self.day, self.evaluation, self._built_ticket = day, evaluation, ticket
            self.standings, self._decisions, self._by_action = standings, {}, {}
            self._applied = {}
            horizon = self._horizon()
            self._seen = min(seen, horizon) if seen is not None else None
            self._recent = set()

    @classmethod
    def for_subjects(
        cls,
        engine: sa.Engine,
        pack: Pack,
        day: date,
        subjects: Iterable[str],
        *,
        mode: Mode = Mode.STRICT,
    ) -> ScreeningIndex:
        """An index holding only ``subjects``, derived afresh from the ledger (no
        materialised evaluation needed): for one-off checks from the CLI or a script."""
        index = cls(engine, pack, mode=mode)
        index.day = day
        index.refresh(subjects)
        return index

    def refresh(self, subjects: Iterable[str]) -> None:
        """Re-derive ``subjects`` (and the persons who stand for them) from the ledger."""
        assert self.day is not None, "build the index first"
        day = self.day
        touched = set(subjects)
        if not touched:
            return
        ticket = self._ticket()
        with self.engine.connect() as conn:
            organisations = touched | st.organisations_of(conn, self.pack, touched, day)
            listings = st.derived_listings(self.engine, self.pack, organisations, day)
            orders = st.orders(conn, day, organisations)
            links = st.links_to(conn, self.pack, organisations, day)
        persons = touched | set(links)
        fresh = st.assemble(listings, orders, links, organisations | persons)
        with self._lock:
            # what a derivation that read the ledger later has applied stays
            redone = {
                s
                for s in organisations | persons
                if ticket > max(self._built_ticket, self._applied.get(s, 0))
            }
            for subject_id in redone:
                self._applied[subject_id] = ticket
                if subject_id in fresh:
                    self.standings[subject_id] = fresh[subject_id]
                else:
                    self.standings.pop(subject_id, None)
            # a new dict, after the standings (see ``check``); copied at once first, since
            # checks write to the old one without the lock
            kept = self._decisions.copy()
            self._decisions = {k: v for k, v in kept.items() if k[0] not in redone}
            for action, table in self._by_action.items():
                for subject_id in redone:
                    table.pop(subject_id, None)
                    if subject_id in self.standings:
                        table[subject_id] = self._decided(subject_id, action).outcome

    def _ticket(self) -> int:
        with self._lock:
            return next(self._tickets)

    def _horizon(self) -> datetime:
        """Rows recorded after this may still be joined by others of the same second."""
        return self.clock().replace(microsecond=0) - timedelta(seconds=2)

    def follow(self) -> int:
        """Re-derive the subjects the ledger changed since the last look; how many.

        ``recorded_at`` has one-second resolution, so the look-back keeps a two-second
        margin: rows newer than the horizon are read again next time, and skipped if seen.
        """
        with self.engine.connect() as conn:
            rows = st.changed_since(conn, self._seen)
        fresh = sorted({s for s, at in rows if (s, at) not in self._recent})
        for start in range(0, len(fresh), REFRESH_CHUNK):
            self.refresh(fresh[start : start + REFRESH_CHUNK])
        horizon = self._horizon()
        self._recent = {(s, at) for s, at in rows if at > horizon}
        if rows:
            newest = min(max(at for _, at in rows), horizon)
            self._seen = max(newest, self._seen) if self._seen is not None else newest
        return len(fresh)

    def start_following(self) -> threading.Thread:
        """Follow the ledger every ``poll_seconds`` in a daemon thread until :meth:`stop`."""

        def loop() -> None:
            wait = self.poll_seconds
            while not self._stop.wait(wait):
                try:
                    self.follow()
                    wait = self.poll_seconds
                except Exception:  # retried, less often while it keeps failing
                    log.exception("following the ledger failed; retrying in %.0f s", wait * 2)
                    wait = min(wait * 2, 60.0)

        thread = threading.Thread(target=loop, name="screening-follow", daemon=True)
        thread.start()
        self._follower = thread
        return thread

    def stop(self, wait: float = 0.0) -> None:
        """Stop following the ledger; wait up to ``wait`` seconds for a follow running now."""
        self._stop.set()
        if wait > 0 and self._follower is not None:
            self._follower.join(wait)

    # -- checking -----------------------------------------------------------------------

    def check(self, subject_id: str, action: str) -> Decision:
        """The decision for one subject key (USCC or pseudonym) and action.

        Raises:
            InvalidData: ``subject_id`` is not a subject key (a code with a wrong check
                character, a raw resident number, anything else): never an "allow".
        """
        key = (subject_id, action)
        # read before the standing, without the lock (checks never wait): a refresh replaces
        # the standings first and then this dict, so a decision from a replaced standing can
        # only land in a dict no longer used
        cache = self._decisions
        found = cache.get(key)
        if found is not None:
            return found
        standing = self.standings.get(subject_id)
        assert self.day is not None, "build the index first"
        if standing is None:
            self.require_key(subject_id)
            return allow(subject_id, action, self.day)
        found = decide(self.pack, standing, action, self.day)
        cache[key] = found
        return found

    def _decided(self, subject_id: str, action: str) -> Decision:
        """``check`` for a subject held, with the lock held (the standing cannot change)."""
        key = (subject_id, action)
        found = self._decisions.get(key)
        if found is None:
            assert self.day is not None, "build the index first"
            found = decide(self.pack, self.standings[subject_id], action, self.day)
            self._decisions[key] = found
        return found

    def outcome(self, subject_id: str, action: str) -> str:
        """Only the outcome: the fast path (two dict look-ups) for bulk checks. The first call
        for an action decides it for every subject held."""
        found = self._outcome_table(action).get(subject_id)
        if found is None:
            self.require_key(subject_id)
            return "allow"
        return found

    def outcomes(self, subject_ids: Iterable[str], action: str, *, keys: bool = False) -> list[str]:
        """Outcomes for many subjects at once (the bulk path). Raises ``InvalidData`` for
        the first that is not a subject key (see :meth:`require_key`), unless ``keys`` says
        every one is a subject key already (``ledger.subject.subject_keys`` made them)."""
        if not keys:
            return [self.outcome(s, action) for s in subject_ids]
        table = self._outcome_table(action)
        return [table.get(s, "allow") for s in subject_ids]

    def _outcome_table(self, action: str) -> dict[str, str]:
        table = self._by_action.get(action)
        if table is None:
            with self._lock:
                table = {s: self._decided(s, action).outcome for s in self.standings}
                self._by_action[action] = table
        return table

    def require_key(self, subject_id: str) -> None:
        """Return if ``subject_id`` is a subject key in normal form: a pseudonym, or a USCC
        valid under the index's mode and exception list (``ids.classify``, as at ingest).

        Raises:
            InvalidData: naming the fault; a resident number is told to use its pseudonym.
        """
        if subject_id in self._keys_seen or is_pseudonym(subject_id):
            return
        assert self.day is not None, "build the index first"
        found = classify(subject_id, mode=self.mode, exceptions=self.exceptions, today=self.day)
        if found.kind is Kind.USCC and found.code == subject_id:
            if len(self._keys_seen) >= KEYS_SEEN_MAX:
                self._keys_seen.clear()
            self._keys_seen.add(subject_id)
            return
        if found.kind is Kind.RESIDENT_ID:
            found = replace(
                found,
                kind=Kind.INVALID,
                reason="is a resident identity number, not a subject key: screen its "
                "pseudonym (ledger.subject.subject_key)",
            )
        elif found.kind is Kind.USCC:
            found = replace(
                found, kind=Kind.INVALID, reason=f"is not in normal form: give {found.code}"
            )
        raise invalid_subject(found)

    def __len__(self) -> int:
        return len(self.standings)
