"""The screening index: exact-identifier checks answered from memory, following the ledger.

Built from the newest materialised evaluation (its active entries of lists that memoranda
target), the consumption-restriction orders, and the links through which measures reach
persons. Only subjects with something to rest a decision on are held; everyone else is
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

import logging
import threading
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa

from ..ledger import tables as t
from ..schemes import Pack
from . import standing as st
from .decide import Decision, Standing, actions_of, allow, decide

log = logging.getLogger("xinyong.sanctions")
#: subjects re-derived per pass when a large delivery changed many at once
REFRESH_CHUNK = 2000


class ScreeningIndex:
    def __init__(self, engine: sa.Engine, pack: Pack, *, poll_seconds: float = 0.5) -> None:
        self.engine, self.pack, self.poll_seconds = engine, pack, poll_seconds
        self.actions = actions_of(pack)
        self.day: date | None = None
        self.evaluation: str | None = None
        self.standings: dict[str, Standing] = {}
        self._decisions: dict[tuple[str, str], Decision] = {}
        self._seen: datetime | None = None
        self._seen_at_mark: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    # -- building -----------------------------------------------------------------------

    def build(self, day: date, evaluation: str | None) -> None:
        """Everything afresh, as of ``day`` from ``evaluation`` (the newest by that day)."""
        with self.engine.connect() as conn:
            seen = _high_water(conn)
            listings = st.materialised_listings(conn, self.pack, evaluation, day)
            orders = st.orders(conn, day)
            organisations = set(listings) | set(orders)
            links = st.links_to(conn, self.pack, organisations, day)
        standings = st.assemble(listings, orders, links, set(organisations) | set(links))
        with self._lock:
            self.day, self.evaluation = day, evaluation
            self.standings, self._decisions = standings, {}
            self._seen = seen

    @classmethod
    def for_subjects(
        cls, engine: sa.Engine, pack: Pack, day: date, subjects: Iterable[str]
    ) -> ScreeningIndex:
        """An index holding only ``subjects``, derived afresh from the ledger (no
        materialised evaluation needed): for one-off checks from the CLI or a script."""
        index = cls(engine, pack)
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
        with self.engine.connect() as conn:
            organisations = touched | st.organisations_of(conn, self.pack, touched, day)
            listings = st.derived_listings(self.engine, self.pack, organisations, day)
            orders = st.orders(conn, day, organisations)
            links = st.links_to(conn, self.pack, organisations, day)
        persons = touched | set(links)
        fresh = st.assemble(listings, orders, links, organisations | persons)
        with self._lock:
            for subject_id in organisations | persons:
                if subject_id in fresh:
                    self.standings[subject_id] = fresh[subject_id]
                else:
                    self.standings.pop(subject_id, None)
            self._decisions = {
                k: v for k, v in self._decisions.items() if k[0] not in organisations | persons
            }

    def follow(self) -> int:
        """Re-derive the subjects the ledger changed since the last look; how many."""
        with self.engine.connect() as conn:
            rows = _changed_since(conn, self._seen)
        mark = self._seen
        changed = sorted(
            {s for s, at in rows if mark is None or at > mark or s not in self._seen_at_mark}
        )
        for start in range(0, len(changed), REFRESH_CHUNK):
            self.refresh(changed[start : start + REFRESH_CHUNK])
        if rows:
            newest = max(at for _, at in rows)
            at_newest = {s for s, at in rows if at == newest}
            self._seen_at_mark = at_newest | (self._seen_at_mark if newest == mark else set())
            self._seen = newest
        return len(changed)

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
        return thread

    def stop(self) -> None:
        self._stop.set()

    # -- checking -----------------------------------------------------------------------

    def check(self, subject_id: str, action: str) -> Decision:
        """The decision for one subject key (USCC or pseudonym) and action."""
        key = (subject_id, action)
        found = self._decisions.get(key)
        if found is not None:
            return found
        standing = self.standings.get(subject_id)
        assert self.day is not None, "build the index first"
        if standing is None:
            return allow(subject_id, action, self.day)
        found = decide(self.pack, standing, action, self.day)
        self._decisions[key] = found
        return found

    def outcome(self, subject_id: str, action: str) -> str:
        """Only the outcome: the fast path for bulk checks of mostly unlisted subjects."""
        if subject_id not in self.standings:
            return "allow"
        return self.check(subject_id, action).outcome

    def __len__(self) -> int:
        return len(self.standings)


def _high_water(conn: sa.Connection) -> datetime | None:
    """The newest ``recorded_at`` of what the index follows."""
    marks = [
        conn.execute(sa.select(sa.func.max(table.c.recorded_at))).scalar()
        for table in (t.records, t.record_events, t.subject_links)
    ]
    return max((m for m in marks if m is not None), default=None)


def _changed_since(conn: sa.Connection, seen: datetime | None) -> list[tuple[str, datetime]]:
    """(subject, recorded_at) of records, record events and links recorded at or after
    ``seen`` (timestamps have one-second resolution: the caller drops what it saw)."""
    r, e, sl = t.records.c, t.record_events.c, t.subject_links.c
    since = seen or datetime.min
    found: list[tuple[str, datetime]] = [
        (s, at)
        for s, at in conn.execute(
            sa.select(r.subject_id, r.recorded_at).where(r.recorded_at >= since)
        )
    ]
    found += [
        (s, at)
        for s, at in conn.execute(
            sa.select(r.subject_id, e.recorded_at)
            .join(t.records, r.record_id == e.record_id)
            .where(e.recorded_at >= since)
        )
    ]
    for org, person, at in conn.execute(
        sa.select(sl.from_subject, sl.to_subject, sl.recorded_at).where(sl.recorded_at >= since)
    ):
        found += [(org, at), (person, at)]
    return found
