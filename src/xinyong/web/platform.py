"""What every request handler shares: the platform (settings, database, pack, limiters, today's
screening index, cached aggregates, the audit batch). The request's principal is found in
``principals``."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..access import Principal
from ..clock import platform_now, platform_today, real_now
from ..errors import InvalidData, Unavailable
from ..ids import Mode
from ..ledger import audit
from ..ledger.audit_batch import Batcher
from ..ledger.checkpoints import Checkpointer
from ..sanctions import ScreeningIndex
from ..sanctions.decide import actions_of
from ..schemes import Pack
from ..settings import Settings
from .screening import TodaysIndex

#: seconds the newest evaluation's id is remembered between requests
EVALUATION_TTL = 5.0
#: seconds aggregates over the whole ledger (statistics, double-publicity counts) are kept
AGGREGATE_TTL = 600.0
#: aggregates kept at most (one per filter combination asked for)
AGGREGATE_ENTRIES = 256
#: seconds the start-up warming waits for the first screening index
WARM_WAIT = 3600.0
#: seconds ``close`` waits for background work still running (a build, the warming) to end
CLOSE_WAIT = 30.0

log = logging.getLogger("xinyong.web")


@dataclass
class Platform:
    """One running node: built once by ``create_app`` and kept on ``app.state``."""

    settings: Settings
    engine: sa.Engine
    pack: Pack
    #: the real clock (credentials, rate limits, the audit log); domain timestamps come from
    #: :meth:`now` and :meth:`today`. Tests pin it. Domain code receives dates, never calls it.
    clock: Callable[[], datetime] = real_now
    limiter: MovingWindowRateLimiter = field(
        default_factory=lambda: MovingWindowRateLimiter(MemoryStorage())
    )

    def __post_init__(self) -> None:
        self.api_limit: RateLimitItem = parse(self.settings.api_rate_limit)
        self.login_limit: RateLimitItem = parse(self.settings.login_rate_limit)
        self._evaluation: tuple[date, str | None, float] | None = None
        self._aggregates: dict[Any, tuple[float, Any]] = {}
        self._computing = threading.Lock()
        #: the start-up aggregates are computed (see ``warm``)
        self.warmed = False
        #: the screening index of today, built in the background
        self.indexes = TodaysIndex(
            self.engine,
            lambda: self.pack,
            now=self.now,
            mode=self.uscc_mode,
            wait_seconds=self.settings.screening_wait_seconds,
        )
        self._actions: tuple[Pack, frozenset[str]] | None = None
        #: screening reads are logged in batches (``audit_batch.Batcher``)
        self.audit_batch = Batcher(self.engine)
        #: signs audit checkpoints at the set interval (``None``: no signing key set)
        self.checkpointer = Checkpointer.from_settings(self.settings, self.engine, self.clock)
        self._warming: threading.Thread | None = None
        self._closed = False

    @property
    def key(self) -> tuple[bytes, ...]:
        """The pseudonym key chain (checked against the ledger by ``create_app``)."""
        return self.settings.pseudonym_chain

    @property
    def report_key(self) -> bytes:
        """The key credit reports' verification codes are made under: the root pseudonym
        key, so a rotation keeps earlier reports verifiable."""
        return self.settings.pseudonym_key.get_secret_value().encode()

    def now(self) -> datetime:
        """The moment of a domain timestamp (consents, objections, repairs, decisions): on
        the pinned date ``XINYONG_AS_OF`` if set (``clock.platform_now``)."""
        return platform_now(self.settings.as_of, self.clock())

    @property
    def actions(self) -> frozenset[str]:
        """The actions some measure of the pack covers."""
        if self._actions is None or self._actions[0] is not self.pack:
            self._actions = (self.pack, actions_of(self.pack))
        return self._actions[1]

    @property
    def uscc_mode(self) -> Mode:
        return Mode(self.settings.uscc_mode)

    def subject_key(self, code: str, field: str = "subject") -> str:
        """The subject key ``code`` stands for, checked as ingest checks it (a 422 naming
        ``field`` and the fault otherwise): a resident number becomes its pseudonym here, at
        the boundary, and goes no further."""
        from ..ledger.subject import subject_key

        return subject_key(code, key=self.key, today=self.today(), mode=self.uscc_mode, field=field)

    def subject_keys(
        self, codes: Sequence[str], field: str = "subjects"
    ) -> list[str | InvalidData]:
        """:meth:`subject_key` of each code of a batch, checked together where plain (the
        refusal in place of each invalid one, naming ``{field}.{position}``)."""
        from ..ledger.subject import subject_keys

        return subject_keys(
            codes, key=self.key, today=self.today(), mode=self.uscc_mode, field=field
        )

    def today(self) -> date:
        """The date derived state is shown for: ``XINYONG_AS_OF`` if set, else today."""
        return platform_today(self.settings.as_of, self.clock())

    def evaluation(self, conn: sa.Connection | None = None) -> str | None:
        """The id of the newest evaluation on or before :meth:`today`, remembered for
        ``EVALUATION_TTL`` seconds (a new evaluation shows on the portal within that time)."""
        day = self.today()
        cached = self._evaluation
        if cached is not None and cached[0] == day and time.monotonic() < cached[2]:
            return cached[1]
        from ..disclosure.entries import latest_evaluation

        if conn is None:
            with self.engine.connect() as own:
                found = latest_evaluation(own, self.pack, day)
        else:
            found = latest_evaluation(conn, self.pack, day)
        evaluation_id = str(found["evaluation_id"]) if found else None
        self._evaluation = (day, evaluation_id, time.monotonic() + EVALUATION_TTL)
        return evaluation_id

    def aggregate(self, key: Any, compute: Callable[[sa.Connection], Any]) -> Any:
        """``compute(conn)`` for ``key`` and today's date, kept ``AGGREGATE_TTL`` seconds.

        Aggregates scan the whole ledger (seconds at national scale); they are shared by every
        request and computed by one request at a time, the others waiting for its result.
        """
        key = (key, self.today())
        hit = self._aggregates.get(key)
        if hit is not None and time.monotonic() < hit[0]:
            return hit[1]
        with self._computing:
            hit = self._aggregates.get(key)
            if hit is not None and time.monotonic() < hit[0]:
                return hit[1]
            with self.engine.connect() as conn:
                value = compute(conn)
            if len(self._aggregates) >= AGGREGATE_ENTRIES:
                self._aggregates.pop(next(iter(self._aggregates)))
            self._aggregates[key] = (time.monotonic() + AGGREGATE_TTL, value)
            return value

    def statistics(self) -> dict[str, Any]:
        from ..disclosure.statistics import statistics

        found: dict[str, Any] = self.aggregate(
            "statistics", lambda conn: statistics(conn, self.pack, self.today())
        )
        return found

    def publicity(self, where: Any, *, page: int = 1, per_page: int = 50) -> dict[str, Any]:
        """Double publicity for ``where``; the counts behind its total and facets are an
        aggregate, the page itself is read fresh."""
        from dataclasses import replace

        from ..disclosure.double_publicity import double_publicity, publicity_counts

        scope = replace(where, agency=None, sector=None, region=None)
        counts = self.aggregate(
            ("publicity", scope),
            lambda conn: publicity_counts(conn, self.pack, self.today(), scope),
        )
        with self.engine.connect() as conn:
            found: dict[str, Any] = double_publicity(
                conn, self.pack, self.today(), where, page=page, per_page=per_page, counts=counts
            )
        return found

    def screening(self, wait: float | None = None) -> ScreeningIndex:
        """Today's screening index (``screening.TodaysIndex.get``: built in the background;
        a new day's waited for up to ``wait`` seconds, default ``screening_wait_seconds``).

        Raises:
            Unavailable: today's index is not built yet.
        """
        return self.indexes.get(self.today(), self.evaluation(), wait)

    async def screening_off_loop(self) -> ScreeningIndex:
        """:meth:`screening` for a coroutine: at once, without I/O, when the index is current
        for the evaluation last looked up; else looked up in a worker thread, and a build
        waited for on the event loop (no thread is held while waiting).

        Raises:
            Unavailable: today's index is not built within ``screening_wait_seconds``.
        """
        from starlette.concurrency import run_in_threadpool

        cached = self._evaluation
        if cached is not None and cached[0] == self.today() and time.monotonic() < cached[2]:
            index = self.indexes.current(cached[0], cached[1])
            if index is not None:
                return index
        deadline = time.monotonic() + self.settings.screening_wait_seconds
        while True:
            try:
                found: ScreeningIndex = await run_in_threadpool(self.screening, 0.0)
                return found
            except Unavailable as exc:
                if exc.code != "screening-index-building" or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(0.05)

    def follow_decision(self, subject_id: str) -> None:
        """After a decision about a subject's records: screening re-derives it at once, and
        responders holding its entries get lift (or new entry) notices at once."""
        from ..sanctions.dispatch import dispatch_subjects

        try:
            index = self.screening(wait=0.0)
        except Unavailable:  # still building: it reads the decision at its first follow
            index = None
        if index is not None:
            index.refresh([subject_id])
        dispatch_subjects(self.engine, self.pack, [subject_id], self.today(), now=self.now())

    def credit_service_agencies(self, conn: sa.Connection) -> set[str]:
        """The credit-service agencies this node gave an account or a token to."""
        from .credentials import credit_service_agencies

        return credit_service_agencies(conn)

    def audit_later(
        self,
        principal: Principal,
        action: str,
        *,
        subject_id: str | None = None,
        purpose: str | None = None,
        **detail: Any,
    ) -> None:
        """Queue an audit entry for the next batch (reads only: writes log in their own
        transaction with :meth:`audit`)."""
        self.audit_batch.add(self.audit_event(principal, action, subject_id, purpose, detail))

    def audit_event(
        self,
        principal: Principal,
        action: str,
        subject_id: str | None = None,
        purpose: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> audit.AuditEvent:
        """What ``principal`` did, now (the real clock), ready for the audit log."""
        from ..services.work import event_of

        return event_of(principal, action, self.clock(), subject_id, purpose, detail)

    def screening_names(self, wait: float | None = None) -> Any:
        """The name index over the subjects measures apply to (an aggregate: rebuilt every
        ``AGGREGATE_TTL`` seconds and with each new evaluation)."""
        from ..sanctions.names import NameIndex

        index = self.screening(wait)
        return self.aggregate(
            ("screening-names", index.evaluation),
            lambda conn: NameIndex.build(conn, index.standings),
        )

    def start(self) -> None:
        """Begin the background work of a serving node: the audit batch, checkpoint signing,
        and warming the aggregates (``warm``) in a thread."""
        self._warming = threading.Thread(target=self._warm_quietly, name="warm-up", daemon=True)
        self._warming.start()
        self.audit_batch.start()
        if self.checkpointer is not None:
            self.checkpointer.start()

    def close(self) -> None:
        """Flush pending audit entries, sign a last checkpoint if one is due, stop following
        the ledger, and wait up to ``CLOSE_WAIT`` seconds for a build or the warming still
        running (so no background work outlives the platform's database). Closing again
        does nothing."""
        if self._closed:
            return
        self._closed = True
        self.audit_batch.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        deadline = time.monotonic() + CLOSE_WAIT
        self.indexes.stop(wait=CLOSE_WAIT)
        if self._warming is not None:
            self._warming.join(max(0.0, deadline - time.monotonic()))
            if self._warming.is_alive():
                log.warning("the warming still runs after %.0f s; the platform closes", CLOSE_WAIT)

    def _warm_quietly(self) -> None:
        try:
            self.warm()
        except Unavailable as exc:
            if exc.code != "shutting-down":  # closed before it finished: nothing is wrong
                log.exception("warming the aggregates failed")
        except Exception:  # a failed warm-up only means the first visitor waits
            log.exception("warming the aggregates failed")

    def warm(self) -> None:
        """Compute the aggregates the first visitors would otherwise wait for."""
        from ..disclosure.double_publicity import PublicityFilter

        self.statistics()
        self.publicity(PublicityFilter(), per_page=1)
        self.screening_names(wait=WARM_WAIT)
        self.warmed = True

    def search(self, query: str, *, page: int = 1, per_page: int = 20) -> Any:
        """Subjects matching ``query`` (a ``disclosure.shown.Page``), as the public may find
        them today."""
        from ..disclosure.search import search_subjects

        with self.engine.connect() as conn:
            return search_subjects(
                conn,
                self.pack,
                query,
                key=self.key,
                today=self.today(),
                mode=self.uscc_mode,
                page=page,
                per_page=per_page,
                evaluation=self.evaluation(conn),
            )

    def audit(
        self,
        principal: Principal,
        action: str,
        *,
        subject_id: str | None = None,
        purpose: str | None = None,
        conn: sa.Connection | None = None,
        **detail: Any,
    ) -> None:
        """Append one entry to the hash-chained audit log (in ``conn``'s transaction if
        given, else in its own)."""
        event = self.audit_event(principal, action, subject_id, purpose, detail)
        if conn is not None:
            audit.append(conn, [event])
        else:
            audit.record(self.engine, [event])


async def platform(request: Request) -> Platform:
    found: Platform = request.app.state.platform
    return found


PlatformDep = Annotated[Platform, Depends(platform)]


def plain(value: Any) -> Any:
    """``value`` with dates as ISO strings, ready for JSON or a template: the views hold only
    dicts, lists, strings, numbers, booleans, None and dates (a cheap ``jsonable_encoder``)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
