"""How a delivery is ingested, and what happened to it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from ..ids import Mode, PseudonymKey
from .format import Content


@dataclass(frozen=True)
class IngestOptions:
    """How to ingest. ``delivered_on`` is the reference date for the date checks."""

    key: PseudonymKey
    delivered_on: date
    recorded_at: datetime
    mode: Mode = Mode.STRICT
    batch_size: int = 20_000
    #: load a delivery even if its size is outside the source's volume bounds (reviewer)
    accept_volume: bool = False
    #: seals quarantined values that hold an invalid resident number (``Settings.
    #: quarantine_seal_key``); without it they are kept masked only
    seal_key: bytes | None = None
    #: validate row by row (the oracle the batch path is tested against) instead of in
    #: whole Arrow batches (``batch.py``)
    row_path: bool = False


@dataclass
class DeliveryOutcome:
    """What happened to one delivery."""

    delivery_id: str
    file_name: str
    source_agency: str
    content: Content
    #: loaded | already-loaded | held
    status: str
    rows_total: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    #: rows of this run that came after a crash of an earlier one
    resumed_at: int = 0
    unconsumed_columns: list[str] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    status_reason: str | None = None
