"""The in-force answer (the evaluation of ``E`` plus the decisions since) is the lifecycle's:
for a ledger evaluated and materialised on ``E``, then decisions recorded after it ran only
(some in effect before ``E``),
the entries in force on ``D`` by ``in_force_clause`` and by ``in_force_rows`` are exactly
those ``evaluate_lists(..., D)`` finds active — on SQLite and PostgreSQL, for a record-level
list with prior notice (tax), with a term and extensions (court), with an early exit (SAMR),
a streak (A grade three years running) and an absence (the green lane).

Left out by design (``in_force``'s documented approximations, exact at the next evaluation):
new streak years or versions, new negative records (they interrupt the green lane), and
extensions recorded before ``E`` (none is in the ledger). The streak has exactly three years,
so a revoked year never leaves an earlier streak standing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import GUANGZHOU_USCC, make_company, make_penalty
from xinyong.evaluate import EntryStatus, SqlEngine, evaluate_lists
from xinyong.evaluate.decisions_since import in_force_rows
from xinyong.evaluate.in_force_sql import in_force_clause, in_force_since_clause
from xinyong.evaluate.run import materialise
from xinyong.evaluate.tables import list_entries
from xinyong.ledger import EventKind, RecordEvent, append_event
from xinyong.ledger import tables as t
from xinyong.ledger.model import EffectiveInstrument
from xinyong.ledger.store import record_row, register_subject
from xinyong.schemes import Pack

E = date(2025, 9, 1)
BEFORE = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
LATER = datetime(2027, 12, 31, 8, 0, tzinfo=UTC)
COURT = "cn.court.dishonest_debtors"
SAMR = "cn.samr.serious_violation"
STREAK = "cn.red.tax_a_three_years"
#: source record → (item, agency, decided on, severity, attributes)
LEDGER: dict[str, tuple[str, str, date, str, dict[str, Any]]] = {
    # a 24-month term from 14 March 2024: it ends on 14 March 2026 unless extended
    "C-1": (
        "court.dishonest_debtor",
        "court",
        date(2024, 3, 14),
        "serious",
        {"ground": "obstructs_enforcement", "case_number": "x1", "performance": "none"},
    ),
    # no term: until performance
    "C-2": (
        "court.dishonest_debtor",
        "court",
        date(2025, 1, 6),
        "serious",
        {"ground": "able_but_refuses", "case_number": "x2", "performance": "none"},
    ),
    # noticed on its decision day; early exit after the minimum
    "S-1": (
        "market.serious_violation",
        "samr",
        date(2024, 1, 8),
        "serious",
        {"field_of_violation": "food", "heavier_punishment": "heavier_fine"},
    ),
    # noticed three days before E: its period to answer runs out after E
    "T-MV": (
        "tax.major_violation",
        "tax",
        date(2025, 8, 25),
        "serious",
        {"violation": "evasion", "amount_yuan": 2_000_000},
    ),
    **{
        f"T-{year}": (
            "tax.credit_grade",
            "tax",
            date(year + 1, 4, 20),
            "not_applicable",
            {
                "year": year,
                "grade": "A",
            },
        )
        for year in (2022, 2023, 2024)
    },
    "G-1": (
        "market.registration",
        "samr",
        date(2018, 5, 2),
        "not_applicable",
        {"established_on": "2018-05-02", "status": "active"},
    ),
}
NOTICED = {"S-1": date(2024, 1, 8), "T-MV": date(2025, 8, 28)}
#: a later version that no longer meets its list's criteria (the debt paid)
PAID = {"C-1": {"performance": "full"}, "C-2": {"performance": "full"}}
KINDS = ("revoked", "repaired", "delisted", "early_exit", "extended", "version")
LISTS = (
    COURT,
    SAMR,
    STREAK,
    "cn.red.green_lane",
    "cn.tax.major_violation",
    "cn.samr.serious_illegal_enterprises",
)
AFTER_E = st.integers(1, 700).map(lambda n: E + timedelta(days=n))
#: a decision is recorded after the evaluation ran; it may take effect before E
EFFECTIVE = st.integers(-200, 700).map(lambda n: E + timedelta(days=n))
DECISION = st.tuples(
    st.sampled_from(sorted(LEDGER)),
    st.sampled_from(KINDS),
    EFFECTIVE,
    st.sampled_from((6, 12, 24, 48)),
    st.sampled_from(LISTS),
)


def _record(subject_id: str, source: str, version: int, decided_on: date) -> Any:
    item, agency, _, severity, attributes = LEDGER[source]
    return make_penalty(
        subject_id,
        item_code=item,
        source_agency=agency,
        source_record_id=source,
        version=version,
        decided_on=decided_on,
        instrument=EffectiveInstrument("decision", f"{source}-{version}", "测试机关", decided_on),
        severity=severity,
        published_on=decided_on,
        occurred_on=None,
        attributes={**attributes, **(PAID.get(source, {}) if version > 1 else {})},
    )


class World:
    """The ledger evaluated on E (a short repr: Hypothesis prints it with a failing case)."""

    def __init__(self, pack: Pack, evaluation: str, subject_id: str, ids: dict[str, str]):
        self.pack, self.evaluation, self.subject_id, self.ids = pack, evaluation, subject_id, ids

    def __repr__(self) -> str:
        return f"World({self.evaluation})"


@pytest.fixture
def evaluated(engine: sa.Engine, cn_pack: Pack) -> World:
    """The ledger evaluated and materialised on E."""
    company = make_company()
    # the green lane's company has no negative record
    clean = make_company(code=GUANGZHOU_USCC, name="广州市云帆科技有限公司")
    ids = {}
    with engine.begin() as conn:
        register_subject(conn, company, recorded_at=BEFORE)
        register_subject(conn, clean, recorded_at=BEFORE)
        for source, (_, agency, decided_on, _, _) in LEDGER.items():
            subject = clean if source == "G-1" else company
            record = _record(subject.subject_id, source, 1, decided_on)
            conn.execute(sa.insert(t.records), [record_row(record, BEFORE, None)])
            ids[source] = record.record_id
            if source in NOTICED:
                served = RecordEvent(
                    record.record_id, EventKind.NOTICE_SERVED, NOTICED[source], agency
                )
                append_event(conn, served, recorded_at=BEFORE)
    entries = evaluate_lists(SqlEngine(engine), cn_pack, E)
    kinds = {(e.list_id, e.status) for e in entries}
    # every kind of list under test has an entry at E (the tax one still noticed)
    assert {COURT, SAMR, STREAK, "cn.red.green_lane"} <= {k for k, s in kinds if s == "active"}
    assert ("cn.tax.major_violation", EntryStatus.NOTICED) in kinds
    evaluation = materialise(
        engine, entries, as_of=E, pack=cn_pack, engine_name="sql", recorded_at=BEFORE
    )
    return World(cn_pack, evaluation, company.subject_id, ids)


def _decide(
    conn: sa.Connection,
    ids: dict[str, str],
    subject_id: str,
    decisions: list[tuple[str, str, date, int, str]],
) -> None:
    versioned: set[str] = set()
    for source, kind, day, months, list_id in decisions:
        agency = LEDGER[source][1]
        if kind == "version":
            if source not in PAID or source in versioned:
                continue  # no criteria to fail, and a new streak or absence version is left out
            versioned.add(source)
            record = _record(subject_id, source, 2, day)
            conn.execute(sa.insert(t.records), [record_row(record, LATER, None)])
            continue
        attributes: dict[str, Any] = {}
        if kind == "extended":
            attributes = {"months": months}
        if kind == "delisted":
            attributes = {"list_id": list_id}
        event = RecordEvent(ids[source], EventKind(kind), day, agency, attributes=attributes)
        append_event(conn, event, recorded_at=LATER)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# the repros: a streak year revoked; an extension decided before the term ends and the
# entry read after the stored expiry; the debt paid in a later version
@example(decisions=[("T-2022", "revoked", date(2025, 10, 1), 6, COURT)], on=date(2025, 10, 2))
@example(decisions=[("C-1", "extended", date(2026, 3, 1), 12, COURT)], on=date(2026, 3, 15))
@example(decisions=[("C-1", "extended", date(2026, 3, 1), 48, COURT)], on=date(2027, 3, 15))
# an extension counted once, though its record is the entry's source and among its ids
@example(decisions=[("C-1", "extended", date(2026, 3, 1), 6, COURT)], on=date(2026, 10, 1))
# recorded after the evaluation, in effect before it: the evaluation did not see it
@example(decisions=[("C-1", "extended", date(2025, 8, 1), 12, COURT)], on=date(2026, 3, 15))
@example(decisions=[("C-2", "version", date(2025, 12, 1), 6, COURT)], on=date(2025, 12, 1))
@example(decisions=[("S-1", "early_exit", date(2025, 9, 2), 6, COURT)], on=date(2025, 9, 3))
@example(decisions=[("T-2023", "delisted", date(2025, 9, 2), 6, STREAK)], on=date(2025, 9, 3))
@given(decisions=st.lists(DECISION, max_size=6), on=AFTER_E)
def test_the_entries_in_force_are_those_the_lifecycle_finds_active(
    engine: sa.Engine,
    evaluated: World,
    decisions: list[tuple[str, str, date, int, str]],
    on: date,
) -> None:
    cn_pack, evaluation = evaluated.pack, evaluated.evaluation
    subject_id, ids = evaluated.subject_id, evaluated.ids
    le = list_entries.c
    try:
        with engine.begin() as conn:
            _decide(conn, ids, subject_id, decisions)
        with engine.connect() as conn:
            query = sa.select(le.list_id, le.source_agency, le.source_record_id)
            mine = le.evaluation_id == evaluation
            by_sql = {
                tuple(r) for r in conn.execute(query.where(mine, in_force_clause(cn_pack, on)))
            }
            # the statistics' form: decisions looked up only for subjects decided about
            cheap = in_force_since_clause(cn_pack, on, E, BEFORE)
            by_cheap_sql = {tuple(r) for r in conn.execute(query.where(mine, cheap))}
            rows = list(conn.execute(sa.select(list_entries).where(mine)).mappings())
            by_python = {
                (r["list_id"], r["source_agency"], r["source_record_id"])
                for r, in_force, _ in in_force_rows(conn, cn_pack, rows, on)
                if in_force
            }
        active = {
            (e.list_id, e.source_agency, e.source_record_id)
            for e in evaluate_lists(SqlEngine(engine), cn_pack, on)
            if e.status is EntryStatus.ACTIVE
        }
    finally:
        with engine.begin() as conn:
            conn.execute(sa.delete(t.record_events).where(t.record_events.c.recorded_at == LATER))
            conn.execute(sa.delete(t.records).where(t.records.c.recorded_at == LATER))
    assert by_sql == active, (decisions, on)
    assert by_python == active, (decisions, on)
    assert by_cheap_sql == active, (decisions, on)
