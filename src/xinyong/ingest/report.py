"""Per-source ingest report: rows delivered, accepted, quarantined, duplicates, reasons,
and double publicity timeliness."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..errors import FieldError
from ..ledger import tables as lt
from ..schemes import Pack
from ..workdays import CalendarError, is_provisional
from . import tables as it
from .timeliness import working_days_late


@dataclass
class Timeliness:
    """Publication against the deadline, over records of items that have one."""

    checked: int = 0
    on_time: int = 0
    late: int = 0
    #: records with a date outside the working-day calendar
    unknown: int = 0
    #: records of deadline items without a publication date
    unpublished: int = 0
    #: checked records whose working days were counted on a provisional calendar year
    #: (no State Council notice yet): their lateness may change when it is added
    provisional: int = 0
    median_days_late: float | None = None
    max_days_late: int | None = None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.checked if self.checked else None


@dataclass
class SourceReport:
    source_agency: str
    deliveries: int = 0
    held: int = 0
    rows_delivered: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    #: reason (values masked) → rows, most frequent first
    reasons: list[tuple[str, int]] = field(default_factory=list)
    timeliness: Timeliness = field(default_factory=Timeliness)


def ingest_report(conn: sa.Connection, pack: Pack, *, top_reasons: int = 10) -> list[SourceReport]:
    """One report per source agency that has delivered anything."""
    reports: dict[str, SourceReport] = {}
    for row in conn.execute(sa.select(it.deliveries)).mappings():
        report = reports.setdefault(row["source_agency"], SourceReport(row["source_agency"]))
        report.deliveries += 1
        report.held += row["status"] == "held"
        report.rows_delivered += row["rows_total"] if row["status"] != "held" else 0
        report.accepted += row["accepted"]
        report.duplicates += row["duplicates"]
        report.quarantined += row["quarantined"]
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for source, errors in conn.execute(
        sa.select(it.quarantine.c.source_agency, it.quarantine.c.errors)
    ):
        for error in errors:
            reasons[source][FieldError(error["field"], error["message"]).reason] += 1
    for source, counter in reasons.items():
        reports[source].reasons = counter.most_common(top_reasons)
    deadlines = {
        i.code: i.publicity_deadline.working_days
        for i in pack.catalogue
        if i.publicity_deadline is not None
    }
    late_days: dict[str, list[int]] = defaultdict(list)
    r = lt.records.c
    rows = conn.execute(
        sa.select(r.source_agency, r.item_code, r.decided_on, r.published_on).where(
            r.item_code.in_(list(deadlines)), r.version == 1
        )
    )
    for source, item, decided, published in rows:
        if source not in reports:
            continue
        t = reports[source].timeliness
        if published is None:
            t.unpublished += 1
            continue
        try:
            late = working_days_late(decided, published, deadlines[item])
        except CalendarError:
            t.unknown += 1
            continue
        t.checked += 1
        t.provisional += is_provisional(decided, published)
        t.on_time += late == 0
        t.late += late > 0
        if late:
            late_days[source].append(late)
    for source, days in late_days.items():
        t = reports[source].timeliness
        t.median_days_late, t.max_days_late = statistics.median(days), max(days)
    return sorted(reports.values(), key=lambda rep: rep.source_agency)


def ingest_totals(conn: sa.Connection) -> dict[str, int]:
    """Deliveries by status and quarantined rows by review status, for ``xinyong stats``."""
    d, q, a = it.deliveries.c, it.quarantine, it.quarantine_actions.c
    totals = {f"deliveries_{status}": 0 for status in ("loaded", "loading", "held")}
    for status, n in conn.execute(sa.select(d.status, sa.func.count()).group_by(d.status)):
        totals[f"deliveries_{status}"] = n
    quarantined = conn.execute(sa.select(sa.func.count()).select_from(q)).scalar_one()
    acted: dict[str, int] = dict(
        conn.execute(sa.select(a.action, sa.func.count()).group_by(a.action)).all()
    )
    totals["quarantine_released"] = acted.get("released", 0)
    totals["quarantine_rejected"] = acted.get("rejected", 0)
    totals["quarantine_open"] = quarantined - sum(acted.values())
    return totals
