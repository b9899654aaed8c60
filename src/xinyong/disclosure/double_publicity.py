"""Double publicity (双公示): the administrative licences and penalties published within their
windows, filtered by agency, sector and region, with their counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..ledger import subject_file
from ..ledger import tables as t
from ..schemes import Pack
from ..types import PublicAttribute
from .publicity import PENALTY_INSTRUMENTS, is_public
from .shown import (
    LICENCE_INSTRUMENTS,
    MAX_PER_PAGE,
    PERSON_KINDS,
    Page,
    record_view,
    region_name,
    subject_summary,
)


@dataclass(frozen=True)
class PublicityFilter:
    kind: str | None = None  # "licensing" or "penalty"
    agency: str | None = None
    sector: str | None = None
    region: str | None = None
    #: decision dates, inclusive
    decided_from: date | None = None
    decided_to: date | None = None


def _publicity_scope(
    pack: Pack, as_of: date, where: PublicityFilter
) -> tuple[list[Any], dict[str, str]]:
    """The SQL conditions every double-publicity query shares, and item → sector."""
    items = [i for i in pack.catalogue if i.public is PublicAttribute.PUBLIC]
    wanted = {
        "licensing": LICENCE_INSTRUMENTS,
        "penalty": PENALTY_INSTRUMENTS,
    }.get(where.kind or "", LICENCE_INSTRUMENTS | PENALTY_INSTRUMENTS)
    sector_of = {i.code: i.sector for i in items}
    codes = [i.code for i in items if set(i.instrument_types) & wanted]
    r = t.records.c
    scope = [
        r.item_code.in_(codes),
        r.instrument_type.in_(sorted(wanted)),
        r.decided_on <= as_of,
        # individuals' penalties are not published; their licences are few: leave both out
        ~sa.exists().where(
            t.subjects.c.subject_id == r.subject_id, t.subjects.c.kind.in_(PERSON_KINDS)
        ),
    ]
    if where.decided_from:
        scope.append(r.decided_on >= where.decided_from)
    if where.decided_to:
        scope.append(r.decided_on <= where.decided_to)
    return scope, sector_of


def publicity_counts(
    conn: sa.Connection, pack: Pack, as_of: date, where: PublicityFilter
) -> list[tuple[str, str, str, int]]:
    """Candidate decisions counted by (agency, item, province): one pass over the ledger from
    which the total and every facet of any agency / sector / region choice are summed. Only
    ``kind`` and the dates of ``where`` apply here; callers may cache the result per those."""
    scope, _ = _publicity_scope(pack, as_of, where)
    r = t.records.c
    province = sa.func.substr(r.region, 1, 2)
    rows = conn.execute(
        sa.select(r.source_agency, r.item_code, province, sa.func.count())
        .where(*scope)
        .group_by(r.source_agency, r.item_code, province)
    ).all()
    return [(agency, item, prov or "", count) for agency, item, prov, count in rows]


def double_publicity(
    conn: sa.Connection,
    pack: Pack,
    as_of: date,
    where: PublicityFilter,
    *,
    page: int = 1,
    per_page: int = 50,
    counts: list[tuple[str, str, str, int]] | None = None,
) -> dict[str, Any]:
    """Licensing and penalty decisions (双公示) by decision date, newest first, with facet
    counts by agency, sector and province.

    Candidates are narrowed in SQL (public items, licence or penalty instruments, decided by
    ``as_of``, organisations only since individuals' penalties are not published) and each
    shown row is checked with ``is_public`` — so a row outside its window never shows, and
    the totals count candidates (an upper bound of what the pages hold). ``counts`` is
    :func:`publicity_counts` for ``where`` (computed here when not given).
    """
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    scope, sector_of = _publicity_scope(pack, as_of, where)
    if counts is None:
        counts = publicity_counts(conn, pack, as_of, where)
    region = (where.region or "")[:2]

    def chosen(agency: str, item: str, province: str, *, skip: str = "") -> bool:
        return (
            (skip == "agency" or not where.agency or agency == where.agency)
            and (skip == "sector" or not where.sector or sector_of.get(item) == where.sector)
            and (skip == "region" or not region or province == region)
        )

    def facet(name: str, key: Any) -> list[list[Any]]:
        found: Counter[str] = Counter()
        for agency, item, province, n in counts:
            if chosen(agency, item, province, skip=name):
                found[key(agency, item, province)] += n
        return [[value, n] for value, n in found.most_common(30) if value]

    total = sum(n for a, i, pr, n in counts if chosen(a, i, pr))
    r = t.records.c
    conditions = list(scope)
    if where.sector:
        conditions.append(
            r.item_code.in_([c for c, sec in sector_of.items() if sec == where.sector])
        )
    if where.agency:
        conditions.append(r.source_agency == where.agency)
    if where.region:
        conditions.append(r.region.startswith(where.region[:6]))
    rows = conn.execute(
        sa.select(r.record_id, r.subject_id)
        .where(*conditions)
        .order_by(r.decided_on.desc(), r.record_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    shown = []
    files: dict[str, Any] = {}
    for record_id, subject_id in rows:
        if subject_id not in files:
            files[subject_id] = subject_file(conn, subject_id, as_of=as_of)
        file = files[subject_id]
        entry = next((e for e in file.entries if e.record_id == record_id), None)
        if entry is None:  # superseded by a later version, shown under that one
            continue
        public, why = is_public(pack, entry.record, file.subject.kind, entry.status, as_of)
        if public:
            view = record_view(pack, entry)
            view["subject"] = subject_summary(file.subject)
            view["publicity"] = why
            shown.append(view)
    facets = {
        "agency": facet("agency", lambda a, i, pr: a),
        "sector": facet("sector", lambda a, i, pr: sector_of.get(i, i)),
        "region": [
            [code, n, region_name(code) or code] for code, n in facet("region", lambda a, i, pr: pr)
        ],
    }
    return {
        "as_of": as_of,
        "filter": dict(where.__dict__),
        "facets": facets,
        **Page(shown, page, per_page, total).to_dict(),
    }
