"""What the portal and the API show: plain data built from the ledger, the pack and a date.

Public views show exactly what :func:`~xinyong.disclosure.publicity.is_public` allows on the
date asked: a record outside its publicity window, a penalty on an individual, an entry of a
list that is not public, or a grade of a scheme that is not public is left out. Persons are
shown by name and masked identity number only; the raw number is never held.

List entries come from the newest evaluation on or before the date, and are shown only
while in force on that date (``evaluate.in_force``: by their dates, and not ended by a
revocation, repair, early exit or upheld objection recorded since the evaluation).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from ..errors import NotFound
from ..evaluate.decisions_since import in_force_rows
from ..evaluate.in_force_sql import in_force_clause, in_force_since_clause
from ..evaluate.tables import NEWEST_FIRST, evaluations, grades, list_entries
from ..ids import Kind, Mode, PseudonymKey, classify
from ..ids.divisions import divisions
from ..ledger import FileEntry, Subject, subject_file
from ..ledger import tables as t
from ..ledger.names import name_core, name_key
from ..ledger.subject import subject_key
from ..schemes import Pack
from ..schemes.lists import ListType
from ..types import PublicAttribute
from .publicity import PENALTY_INSTRUMENTS, is_public, publicity_window

LICENCE_INSTRUMENTS = frozenset({"licence_decision"})
PERSON_KINDS = ("natural_person", "civil_servant")
MAX_PER_PAGE = 100
#: candidates a name search reads; more matches mean the query should be more specific
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class Page:
    """One page of results."""

    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
        }


def region_name(code: str | None) -> str | None:
    """``350200`` → ``福建省 厦门市``; ``None`` for an unknown or missing code."""
    if not code:
        return None
    table = divisions()
    code = code.ljust(6, "0")
    return table.full_name(code) if code in table else None


def subject_summary(subject: Subject) -> dict[str, Any]:
    """How a subject is named in public: code for organisations, masked number for persons."""
    return {
        "subject_id": subject.subject_id,
        "kind": str(subject.kind),
        "name": subject.name,
        "region": subject.region,
        "region_name": region_name(subject.region),
        "code": subject.id_masked if subject.kind.is_person else subject.subject_id,
    }


def _subject_from_row(row: Any) -> Subject:
    from ..types import SubjectKind

    return Subject(
        subject_id=row["subject_id"],
        kind=SubjectKind(row["kind"]),
        name=row["name"],
        region=row["region"],
        id_masked=row["id_masked"],
    )


def search_subjects(
    conn: sa.Connection,
    pack: Pack,
    query: str,
    *,
    key: PseudonymKey,
    today: date,
    mode: Mode = Mode.STRICT,
    page: int = 1,
    per_page: int = 20,
    evaluation: str | None = None,
) -> Page:
    """Subjects whose code is ``query``, or whose name starts with it (after normalising
    width, case, brackets, spacing and legal form) with or without its place names.
    ``total`` counts at most ``SEARCH_LIMIT + 1``: a query matching more should be narrowed.
    ``evaluation`` is the id of the evaluation to read list entries from (default: the
    newest on or before ``today``)."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    text = query.strip()
    c = t.subjects.c
    given = classify(text, mode=mode, today=today)
    if given.kind in (Kind.USCC, Kind.RESIDENT_ID, Kind.PSEUDONYM):
        condition: Any = c.subject_id == subject_key(text, key=key, today=today, mode=mode)
    elif len(text) in (15, 18) and text.isascii() and text.isalnum():
        return Page([], page, per_page, 0)  # a code with a fault: no name looks like it
    else:
        k, core = name_key(text), name_core(text)
        if not k:
            return Page([], page, per_page, 0)
        condition = sa.or_(_prefix(c.name_key, k), _prefix(c.name_core, core))
    # persons are found only while the public may see something about them: an entry in force
    # on a public list (a court's list of judgment defaulters names them; nothing else does)
    condition = sa.and_(
        condition,
        sa.or_(c.kind.not_in(PERSON_KINDS), _publicly_listed(conn, pack, today, evaluation)),
    )
    # at most SEARCH_LIMIT + 1 candidates are read, then ranked: shorter names first
    rows = conn.execute(sa.select(t.subjects).where(condition).limit(SEARCH_LIMIT + 1)).mappings()
    found = sorted(
        (_subject_from_row(r) for r in rows), key=lambda s: (len(s.name), s.name, s.subject_id)
    )
    start = (page - 1) * per_page
    return Page(
        [subject_summary(s) for s in found[start : start + per_page]], page, per_page, len(found)
    )


def _publicly_listed(conn: sa.Connection, pack: Pack, as_of: date, evaluation: str | None) -> Any:
    """EXISTS an entry of the subject in force on a public list (correlated, uses the index)."""
    le = list_entries.c
    return sa.exists().where(
        le.subject_id == t.subjects.c.subject_id,
        le.evaluation_id == (evaluation or _evaluation_id(conn, pack, as_of) or ""),
        le.list_id.in_([lt.id for lt in public_lists(pack, as_of)]),
        in_force_clause(pack, as_of),
    )


def _prefix(column: Any, prefix: str) -> Any:
    """``column`` starts with ``prefix``, as a range an index answers on every dialect."""
    return sa.and_(column >= prefix, column < prefix + "\U0010ffff")


def latest_evaluation(conn: sa.Connection, pack: Pack, as_of: date) -> dict[str, Any] | None:
    """The newest evaluation of ``pack`` on or before ``as_of``."""
    e = evaluations.c
    row = (
        conn.execute(
            sa.select(evaluations)
            .where(e.pack == f"{pack.id} {pack.meta.version}", e.as_of <= as_of)
            .order_by(*NEWEST_FIRST)
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def _evaluation_id(conn: sa.Connection, pack: Pack, as_of: date) -> str | None:
    found = latest_evaluation(conn, pack, as_of)
    return str(found["evaluation_id"]) if found else None


def _entry_view(pack: Pack, row: Any) -> dict[str, Any]:
    list_type = pack.lists.get(row["list_id"])
    explanation = row["explanation"]
    if isinstance(explanation, str):
        explanation = json.loads(explanation)
    return {
        "list_id": row["list_id"],
        "list_name_zh": list_type.name_zh if list_type else row["list_id"],
        "list_name_en": list_type.name_en if list_type else row["list_id"],
        "polarity": list_type.polarity if list_type else None,
        "source_agency": row["source_agency"],
        "listed_on": row["listed_on"],
        "active_from": row["active_from"],
        "expires_on": row["expires_on"],
        "legal_basis": explanation.get("legal_basis", []),
        "exit_conditions": explanation.get("exit_conditions"),
        "remedies": explanation.get("remedies"),
    }


def measures_for_list(pack: Pack, list_id: str, as_of: date) -> list[dict[str, Any]]:
    """The joint measures memoranda in force attach to entries of ``list_id``."""
    return [
        {
            "measure": measure.id,
            "content_zh": measure.content_zh,
            "content_en": measure.content_en,
            "effect": measure.effect,
            "category": measure.category,
            "actions": list(measure.actions),
            "implementing_agency": row.implementing_agency,
            "memorandum": f"{memo.title_zh} ({memo.number})",
            "legal_basis": [pack.cite(r) for r in (*row.legal_basis, *measure.legal_basis)],
        }
        for memo, row, measure in pack.measures_for(list_id, as_of)
    ]


def public_lists(pack: Pack, as_of: date) -> list[ListType]:
    return [
        lt
        for lt in pack.lists.values()
        if lt.public is PublicAttribute.PUBLIC
        and lt.effective_from <= as_of
        and (lt.effective_to is None or lt.effective_to > as_of)
    ]


def _record_view(pack: Pack, entry: FileEntry) -> dict[str, Any]:
    record = entry.record
    item = pack.catalogue.get(record.item_code)
    return {
        "record_id": entry.record_id,
        "item_code": record.item_code,
        "item_name_zh": item.name_zh,
        "item_name_en": item.name_en,
        "sector": item.sector,
        "polarity": str(item.polarity),
        "source_agency": record.source_agency,
        "instrument_type": record.instrument.type,
        "instrument_number": record.instrument.number,
        "instrument_issuer": record.instrument.issuer,
        "decided_on": record.decided_on,
        "published_on": record.published_on,
        "severity": record.severity,
        "status": str(entry.status),
        "disputed": entry.disputed,
    }


def public_subject(
    conn: sa.Connection,
    pack: Pack,
    subject_id: str,
    as_of: date,
    evaluation: str | None = None,
) -> dict[str, Any]:
    """The public page of a subject on ``as_of``. Raises ``NotFound``."""
    evaluation = evaluation or _evaluation_id(conn, pack, as_of)
    file = subject_file(conn, subject_id, as_of=as_of)
    subject = file.subject
    records = []
    for entry in file.entries:
        shown, why = is_public(pack, entry.record, subject.kind, entry.status, as_of)
        if not shown:
            continue
        view = _record_view(pack, entry)
        window = publicity_window(pack, entry.record, subject.kind)
        view["publicity"] = why
        view["publicity_ends"] = window.stops_on if window else None
        records.append(view)
    records.sort(key=lambda r: r["decided_on"], reverse=True)
    listed = {lt.id for lt in public_lists(pack, as_of)}
    own_entries = in_force_rows(conn, pack, _entries_of(conn, evaluation, subject_id), as_of)
    memberships = [
        {**_entry_view(pack, row), "measures": measures_for_list(pack, row["list_id"], as_of)}
        for row, in_force, _ in own_entries
        if row["list_id"] in listed and in_force
    ]
    if subject.kind.is_person and not (records or memberships):
        # a person the public may see nothing about is not shown at all, not even by name
        raise NotFound(f"no public information about {subject_id!r}", code="unknown-subject")
    return {
        "as_of": as_of,
        "subject": subject_summary(subject),
        "records": records,
        "lists": memberships,
        "grades": _public_grades(conn, pack, evaluation, subject_id, as_of),
        "disputed": sum(1 for r in records if r["disputed"]),
    }


def _entries_of(conn: sa.Connection, evaluation: str | None, subject_id: str) -> list[Any]:
    if evaluation is None:
        return []
    le = list_entries.c
    return list(
        conn.execute(
            sa.select(list_entries).where(
                le.evaluation_id == evaluation, le.subject_id == subject_id
            )
        ).mappings()
    )


def _public_grades(
    conn: sa.Connection, pack: Pack, evaluation: str | None, subject_id: str, as_of: date
) -> list[dict[str, Any]]:
    """The subject's grades under public schemes; an adverse grade only from the day after
    its written notice was served (Shenzhen Art 39)."""
    from ..rights.grade_notices import visible_to_others
    from ..rights.tables import grade_notices

    public = [s for s in pack.grades.values() if s.public is PublicAttribute.PUBLIC]
    if not public or evaluation is None:
        return []
    g, n = grades.c, grade_notices.c
    rows = conn.execute(
        sa.select(grades, n.served_on)
        .outerjoin(
            grade_notices,
            sa.and_(n.subject_id == g.subject_id, n.scheme_id == g.scheme_id, n.grade == g.grade),
        )
        .where(
            g.evaluation_id == evaluation,
            g.subject_id == subject_id,
            g.scheme_id.in_([s.id for s in public]),
        )
    ).mappings()
    return [
        {
            "scheme_id": r["scheme_id"],
            "name_zh": pack.grades[r["scheme_id"]].name_zh,
            "name_en": pack.grades[r["scheme_id"]].name_en,
            "grade": r["grade"],
        }
        for r in rows
        if visible_to_others(
            r["grade"] in pack.grades[r["scheme_id"]].adverse_grades, r["served_on"], as_of
        )
    ]


def list_type_view(pack: Pack, list_type: ListType) -> dict[str, Any]:
    """A list type with what the public must be told about it (Shanghai Art 25)."""
    return {
        "id": list_type.id,
        "name_zh": list_type.name_zh,
        "name_en": list_type.name_en,
        "polarity": list_type.polarity,
        "serious": list_type.serious,
        "public": str(list_type.public),
        "subject_kinds": [str(k) for k in list_type.subject_kinds],
        "legal_basis": [pack.cite(r) for r in list_type.legal_basis],
        "entry": list_type.entry.model_dump(mode="json", exclude_none=True),
        "notice": list_type.notice.model_dump(mode="json", exclude_none=True),
        "term": list_type.term.model_dump(mode="json", exclude_none=True)
        if list_type.term
        else None,
        "exit_conditions": list_type.exit_conditions,
        "remedies": list_type.remedies,
        "parameters": {
            name: {
                str(since): {"value": v.value, "reference": pack.cite(v.reference)}
                for since, v in parameter.values.items()
            }
            for name, parameter in list_type.parameters.items()
        },
        "effective_from": list_type.effective_from,
        "effective_to": list_type.effective_to,
    }


def current_entries(
    conn: sa.Connection, pack: Pack, list_id: str, as_of: date, *, page: int = 1, per_page: int = 50
) -> Page:
    """The entries of a public list in force on ``as_of``, newest first, with their subjects."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    evaluation = latest_evaluation(conn, pack, as_of)
    if evaluation is None:
        return Page([], page, per_page, 0)
    le = list_entries.c
    condition = sa.and_(
        le.evaluation_id == evaluation["evaluation_id"],
        le.list_id == list_id,
        in_force_clause(pack, as_of),
    )
    total = conn.execute(sa.select(sa.func.count()).where(condition)).scalar_one()
    rows = conn.execute(
        sa.select(list_entries, t.subjects)
        .join(t.subjects, t.subjects.c.subject_id == le.subject_id)
        .where(condition)
        .order_by(le.active_from.desc(), le.subject_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).mappings()
    items = [
        {**_entry_view(pack, r), "subject": subject_summary(_subject_from_row(r))} for r in rows
    ]
    return Page(items, page, per_page, total)


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
            view = _record_view(pack, entry)
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


def full_file(conn: sa.Connection, pack: Pack, subject_id: str, as_of: date) -> dict[str, Any]:
    """The whole file of a subject on ``as_of`` — every record, public or not, with its
    events and whether the public sees it, its links and its list entries in every state.
    Non-public: only for its subject, or for a purpose (and consent) checked by the caller.
    """
    file = subject_file(conn, subject_id, as_of=as_of)
    records = []
    for entry in file.entries:
        view = _record_view(pack, entry)
        shown, why = is_public(pack, entry.record, file.subject.kind, entry.status, as_of)
        view.update(
            attributes=dict(entry.attributes),
            public=shown,
            publicity=why,
            superseded_versions=list(entry.superseded_versions),
            events=[
                {
                    "kind": str(e.kind),
                    "effective_on": e.effective_on,
                    "actor": e.actor,
                    "instrument_number": e.instrument_number,
                    "reason": e.reason,
                }
                for e in entry.events
            ],
        )
        records.append(view)
    links = [
        {
            "role": str(link.role),
            "from_subject": link.from_subject,
            "to_subject": link.to_subject,
            "valid_from": link.valid_from,
            "valid_to": link.valid_to,
        }
        for link in file.links
    ]
    rows = _entries_of(conn, _evaluation_id(conn, pack, as_of), subject_id)
    entries = []
    for row, in_force, ended in in_force_rows(conn, pack, rows, as_of):
        entries.append(
            {
                **_entry_view(pack, row),
                "source_record_id": row["source_record_id"],
                "status": row["status"],
                # ended by a decision (revocation, repair, removal) since the evaluation
                "ended_by_decision": ended,
                "in_force": in_force,
                # the consequences it carries: the joint measures attached to the list
                "measures": measures_for_list(pack, row["list_id"], as_of) if in_force else [],
            }
        )
    return {
        "as_of": as_of,
        "subject": subject_summary(file.subject),
        "records": records,
        "links": links,
        "lists": entries,
    }
