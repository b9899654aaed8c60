"""Counts over the ledger: subjects by kind, records by catalogue area and sector."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..schemes import Catalogue
from . import tables as t


@dataclass(frozen=True)
class LedgerStats:
    subjects_by_kind: dict[str, int]
    records_by_area: dict[str, int]
    #: area → sector → count
    records_by_sector: dict[str, dict[str, int]]
    records_total: int
    links_total: int
    events_total: int
    #: records whose item is not in the given catalogue (e.g. a narrower pack)
    records_outside_catalogue: dict[str, int] = field(default_factory=dict)


def ledger_stats(conn: sa.Connection, catalogue: Catalogue) -> LedgerStats:
    """Counts for ``xinyong stats`` and the demo; item codes are mapped through ``catalogue``."""
    kinds: dict[str, int] = dict(
        conn.execute(
            sa.select(t.subjects.c.kind, sa.func.count())
            .group_by(t.subjects.c.kind)
            .order_by(t.subjects.c.kind)
        ).all()
    )
    by_item = conn.execute(
        sa.select(t.records.c.item_code, sa.func.count()).group_by(t.records.c.item_code)
    ).all()
    areas: dict[str, int] = {}
    sectors: dict[str, dict[str, int]] = {}
    outside: dict[str, int] = {}
    for code, n in by_item:
        if code not in catalogue:
            outside[code] = n
            continue
        item = catalogue.get(code)
        areas[item.area] = areas.get(item.area, 0) + n
        area_sectors = sectors.setdefault(item.area, {})
        area_sectors[item.sector] = area_sectors.get(item.sector, 0) + n

    def total(table: sa.Table) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    return LedgerStats(
        subjects_by_kind=kinds,
        records_by_area=dict(sorted(areas.items())),
        records_by_sector={a: dict(sorted(s.items())) for a, s in sorted(sectors.items())},
        records_total=total(t.records),
        links_total=total(t.subject_links),
        events_total=total(t.record_events),
        records_outside_catalogue=outside,
    )
