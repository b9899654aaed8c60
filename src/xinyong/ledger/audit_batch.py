"""Audit events collected and appended in batches (screening reads)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import sqlalchemy as sa

from .audit import AuditEvent, record

log = logging.getLogger("xinyong.audit")


class Batcher:
    """Collects audit events and appends them in one transaction every ``interval``
    seconds (or at :meth:`flush`), so that logging many cheap reads — screening checks —
    costs one write per batch instead of one per read. Events wait at most ``interval``."""

    def __init__(self, engine: sa.Engine, interval: float = 0.2) -> None:
        self.engine, self.interval = engine, interval
        self._pending: list[AuditEvent] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, event: AuditEvent) -> None:
        with self._lock:
            self._pending.append(event)

    def extend(self, events: Iterable[AuditEvent]) -> None:
        with self._lock:
            self._pending.extend(events)

    def flush(self) -> int:
        with self._lock:
            batch, self._pending = self._pending, []
        if batch:
            try:
                record(self.engine, batch)
            except Exception:
                with self._lock:  # keep them for the next attempt, in order
                    self._pending[:0] = batch
                raise
        return len(batch)

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self.interval):
                try:
                    self.flush()
                except Exception:  # retried at the next tick; nothing is dropped
                    log.exception("audit batch failed")

        self._thread = threading.Thread(target=loop, name="audit-batcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush()
