"""The statistics page: how many subjects, records and list entries in force on the date, per
list, kind and region, from the newest evaluation of each date only."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from ..evaluate.in_force_sql import in_force_clause, in_force_since_clause
from ..evaluate.tables import evaluations, grades, list_entries
from ..ledger import tables as t
from ..schemes import Pack
from .entries import latest_evaluation, public_lists
from .shown import region_name


def statistics(conn: sa.Connection, pack: Pack, as_of: date) -> dict[str, Any]:
    """Figures for charts: records by sector and year, public list sizes per evaluation date,
    grade distributions, and list entries in force per province. A list's size on an
    evaluation's date counts that evaluation's entries in force on that date."""
    r = t.records.c
    year = sa.extract("year", r.decided_on)
    by_sector: dict[str, Counter[int]] = defaultdict(Counter)
    sector_of = {i.code: i.sector for i in pack.catalogue}
    for code, yr, count in conn.execute(
        sa.select(r.item_code, year, sa.func.count())
        .where(r.decided_on <= as_of)
        .group_by(r.item_code, year)
    ).all():
        by_sector[sector_of.get(code, "other")][int(yr)] += count
    years = sorted({y for c in by_sector.values() for y in c})
    public = {lt.id: lt for lt in public_lists(pack, as_of)}
    le, e = list_entries.c, evaluations.c
    sizes: dict[str, dict[str, int]] = defaultdict(dict)
    dates: set[str] = set()
    retained = (e.pack == f"{pack.id} {pack.meta.version}", e.as_of <= as_of)
    oldest, first_run = conn.execute(
        sa.select(sa.func.min(e.as_of), sa.func.min(e.recorded_at)).where(*retained)
    ).one()
    for day, list_id, count in conn.execute(
        sa.select(e.as_of, le.list_id, sa.func.count())
        .join(evaluations, e.evaluation_id == le.evaluation_id)
        .where(
            *retained,
            le.list_id.in_(list(public)),
            # no evaluation retained: nothing to count, whatever the bounds
            in_force_since_clause(pack, e.as_of, oldest or as_of, first_run or datetime.now(UTC)),
        )
        .group_by(e.as_of, le.list_id)
    ).all():
        sizes[list_id][str(day)] = count
        dates.add(str(day))
    latest = latest_evaluation(conn, pack, as_of)
    grade_rows: Any = []
    regions: Any = []
    if latest is not None:
        g = grades.c
        grade_rows = conn.execute(
            sa.select(g.scheme_id, g.grade, sa.func.count())
            .where(g.evaluation_id == latest["evaluation_id"])
            .group_by(g.scheme_id, g.grade)
        ).all()
        province = sa.func.substr(t.subjects.c.region, 1, 2)
        regions = conn.execute(
            sa.select(province, sa.func.count())
            .select_from(list_entries.join(t.subjects, t.subjects.c.subject_id == le.subject_id))
            .where(
                le.evaluation_id == latest["evaluation_id"],
                le.list_id.in_(list(public)),
                in_force_clause(pack, as_of),
            )
            .group_by(province)
            .order_by(province)
        ).all()
    distribution: dict[str, dict[str, int]] = defaultdict(dict)
    for scheme_id, grade, count in grade_rows:
        distribution[scheme_id][grade] = count
    return {
        "as_of": as_of,
        "records_by_sector": {
            "years": years,
            "series": {s: [c.get(y, 0) for y in years] for s, c in sorted(by_sector.items())},
        },
        "list_sizes": {
            "dates": sorted(dates),
            "series": {
                public[lid].name_zh: [sizes[lid].get(d, 0) for d in sorted(dates)]
                for lid in sorted(sizes)
            },
            "names_en": {public[lid].name_zh: public[lid].name_en for lid in sizes},
        },
        "grades": {
            scheme_id: {
                "name_zh": pack.grades[scheme_id].name_zh
                if scheme_id in pack.grades
                else scheme_id,
                "name_en": pack.grades[scheme_id].name_en
                if scheme_id in pack.grades
                else scheme_id,
                "bands": dict(sorted(counts.items())),
            }
            for scheme_id, counts in sorted(distribution.items())
            if scheme_id in pack.grades
        },
        "regions": [[code, region_name(code) or code, count] for code, count in regions if code],
    }
