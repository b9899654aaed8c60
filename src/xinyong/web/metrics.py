"""Prometheus metrics (``prometheus-client``): what the platform did, and how it stands.

Counted in the process as requests pass: requests by route template and status, latency by
route, screening outcomes. Read from the database at each scrape: deliveries and quarantine
rows by state, and the dispatch lag (notices not yet acknowledged, the oldest one's age).
The screening index's age is read from the running platform.

With several workers (``xinyong serve --workers N``) every worker counts for itself;
``xinyong serve`` then gives them one ``PROMETHEUS_MULTIPROC_DIR`` so a scrape of any worker
sums all of them (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "xinyong_requests_total",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "xinyong_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)
SCREENING = Counter(
    "xinyong_screening_outcomes_total",
    "Screening answers, by outcome (bulk checks included).",
    ["outcome"],
)

#: content type of :func:`exposition`
CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


class PlatformCollector(Collector):
    """Gauges computed at scrape time from the ledger database and the running platform."""

    def __init__(self, platform: Any) -> None:
        self.platform = platform

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from ..ingest.report import ingest_totals
        from ..sanctions import tables as st

        notices = st.dispatch_notices.c
        with self.platform.engine.connect() as conn:
            totals = ingest_totals(conn)
            pending = conn.execute(
                sa.select(sa.func.count(), sa.func.min(notices.created_at)).where(
                    notices.acknowledged_at.is_(None)
                )
            ).one()
        for what, help_text in (
            ("deliveries", "Deliveries from source agencies, by status."),
            ("quarantine", "Quarantined rows, by review status."),
        ):
            family = GaugeMetricFamily(f"xinyong_{what}", help_text, labels=["status"])
            for key, n in sorted(totals.items()):
                if key.startswith(f"{what}_"):
                    family.add_metric([key.removeprefix(f"{what}_")], n)
            yield family
        yield GaugeMetricFamily(
            "xinyong_dispatch_unacknowledged",
            "Dispatch notices responders have not acknowledged.",
            value=pending[0],
        )
        oldest = pending[1]
        # notices are stamped on the platform's clock (pinned with XINYONG_AS_OF)
        lag = (self.platform.now() - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "xinyong_dispatch_lag_seconds",
            "Age of the oldest unacknowledged dispatch notice (0 when none is waiting).",
            value=max(lag, 0.0),
        )
        built = self.platform.indexes.built_at
        yield GaugeMetricFamily(
            "xinyong_screening_index_age_seconds",
            "Seconds since the screening index was built (-1 before its first build).",
            value=time.monotonic() - built if built is not None else -1.0,
        )


def exposition(platform: Any) -> bytes:
    """The metrics text for one scrape: this process's counters (or every worker's, in
    multiprocess mode) and the platform's gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for metric in (REQUESTS, LATENCY, SCREENING):
            registry.register(metric)
    registry.register(PlatformCollector(platform))
    return generate_latest(registry)
