"""Today's screening index for a running platform: built in a background thread, swapped in
when ready, and never built on the event loop.

A newer evaluation of the same day is built while the current index (still following the
ledger) answers. A new day's index is built while callers wait up to
``screening_wait_seconds`` and then get a 503 with ``Retry-After``: yesterday's index could
show an entry that ended today as active, so it answers no check of today.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa

from ..errors import Unavailable
from ..ids import Mode
from ..sanctions import ScreeningIndex
from ..schemes import Pack

log = logging.getLogger("xinyong.web")
#: seconds a build waits for the replaced index's follow to end (``stop`` joins the build)
FOLLOW_WAIT = 30.0


class TodaysIndex:
    """The screening index answering now, and the one being built."""

    def __init__(
        self,
        engine: sa.Engine,
        pack: Callable[[], Pack],
        *,
        now: Callable[[], datetime],
        mode: Mode,
        wait_seconds: float,
    ) -> None:
        #: the platform's pack, read at each build (the platform's attribute may be replaced)
        self.pack = pack
        self.engine, self.now, self.mode = engine, now, mode
        self.wait_seconds = wait_seconds
        self.index: ScreeningIndex | None = None
        #: when (``time.monotonic()``) the index answering now was built
        self.built_at: float | None = None
        self._lock = threading.Lock()
        #: set when the build running now ends (``None``: none runs)
        self._building: threading.Event | None = None
        #: the thread of the build running now, or of the last one
        self._builder: threading.Thread | None = None
        #: the day and evaluation whose last build failed
        self.failed: tuple[date, str | None] | None = None
        self._stopped = False

    def get(self, day: date, evaluation: str | None, wait: float | None = None) -> ScreeningIndex:
        """The index of ``day`` (from ``evaluation``, or being rebuilt from it); waits up to
        ``wait`` seconds (default ``wait_seconds``) for a new day's.

        Raises:
            Unavailable: the day's index is not built yet (``retry_after`` set).
        """
        deadline = time.monotonic() + (self.wait_seconds if wait is None else wait)
        # at most twice: a build of another day or evaluation may be running; ours follows it
        for _ in range(2):
            index = self.index
            if index is not None and index.evaluation == evaluation and index.day == day:
                return index
            if self._stopped:
                raise Unavailable("the platform is shutting down", code="shutting-down")
            built = self._build_in_background(day, evaluation)
            if index is not None and index.day == day:
                return index
            if not built.wait(max(0.0, deadline - time.monotonic())):
                break
            if self.failed == (day, evaluation):  # logged by the build; the next call retries
                raise Unavailable(
                    f"the screening index for {day} could not be built; the operator's log "
                    "says why; retry later",
                    code="screening-index-failed",
                    retry_after=30,
                )
        index = self.index
        if index is not None and index.day == day:
            return index
        raise Unavailable(
            f"the screening index for {day} is being built; retry in a few seconds",
            code="screening-index-building",
            retry_after=5,
        )

    def current(self, day: date, evaluation: str | None) -> ScreeningIndex | None:
        """The index if it answers for ``day`` from ``evaluation``, else ``None``."""
        index = self.index
        if index is None or (index.day, index.evaluation) != (day, evaluation):
            return None
        return index

    def built(self, day: date, evaluation: str | None) -> ScreeningIndex:
        """A new index of ``day`` from ``evaluation`` and what the ledger received after the
        evaluation ran (its first follow), not yet following the ledger."""
        # it follows the ledger by ``recorded_at``, which is on the platform clock
        fresh = ScreeningIndex(self.engine, self.pack(), clock=self.now, mode=self.mode)
        fresh.build(day, evaluation)
        fresh.follow()
        return fresh

    def _build_in_background(self, day: date, evaluation: str | None) -> threading.Event:
        """The event set when the build running ends: one build at a time (the next call
        after it ends starts the next, if still needed)."""
        with self._lock:
            if self._stopped:  # ``stop`` waits only for the build it saw
                raise Unavailable("the platform is shutting down", code="shutting-down")
            if self._building is not None:
                return self._building
            done = self._building = threading.Event()
            self._builder = threading.Thread(
                target=self._build,
                args=(day, evaluation, done),
                name="screening-build",
                daemon=True,
            )
            self._builder.start()
        return done

    def _build(self, day: date, evaluation: str | None, done: threading.Event) -> None:
        replaced: ScreeningIndex | None = None
        try:
            fresh = self.built(day, evaluation)
            with self._lock:
                if self._stopped:  # the platform closed meanwhile
                    return
                replaced, self.index, self.failed = self.index, fresh, None
                self.built_at = time.monotonic()
                fresh.start_following()
        except Exception:  # the current index keeps answering; the next request retries
            log.exception("building the screening index failed")
            self.failed = (day, evaluation)
        finally:
            with self._lock:
                self._building = None
            done.set()
        if replaced is not None:  # its follow running now ends before this build thread does
            replaced.stop(wait=FOLLOW_WAIT)

    def stop(self, wait: float = 0.0) -> None:
        """Stop following the ledger; a build still running is not swapped in. Waits up to
        ``wait`` seconds for that build and the follower to end."""
        with self._lock:
            self._stopped = True
            index, builder = self.index, self._builder
        deadline = time.monotonic() + wait
        if index is not None:
            index.stop(wait=wait)
        if builder is not None:
            builder.join(max(0.0, deadline - time.monotonic()))
            if builder.is_alive():
                log.warning("a screening build still runs after %.0f s; closing anyway", wait)
