"""The two forms of "in force on D" agree: the SQL condition and the Python function over a
fetched row and its ending events, on SQLite and PostgreSQL, for generated entries, events
and dates — with a revocation that does not end one list, a repair that does not end
another, early-exit minimums that changed over time (and were repealed), and a list the
pack no longer has."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import make_company, make_penalty
from xinyong.evaluate.decisions_since import in_force_rows
from xinyong.evaluate.in_force_sql import in_force_clause
from xinyong.evaluate.portable_sql import months_reached
from xinyong.evaluate.tables import evaluations, list_entries
from xinyong.ledger import EventKind, RecordEvent, append_event
from xinyong.ledger import tables as t
from xinyong.ledger.store import record_row, register_subject
from xinyong.schemes import Pack
from xinyong.schemes.lists import DatedValue
from xinyong.workdays import add_months


def _last(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)


NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
COURT = "cn.court.dishonest_debtors"
SAMR = "cn.samr.serious_violation"
TAX = "cn.tax.major_violation"
GONE = "cn.retired.list"
LISTS = (COURT, SAMR, TAX, GONE)
SOURCES = ("R-1", "R-2")
ENDING = ("revoked", "repaired", "early_exit", "delisted")
KINDS = st.one_of(
    st.sampled_from(ENDING),
    st.sampled_from(ENDING),
    st.sampled_from([*(str(k) for k in EventKind), "unheard_of"]),
)
#: month ends and starts around the SAMR minimums (12 months, then 6 from 2024-03-31), so
#: that an early exit falls on the very day the minimum is reached, and beside it
EDGES = sorted(
    {d for y in (2023, 2024, 2025) for m in range(1, 13) for d in (date(y, m, 1), _last(y, m))}
)
DAYS = st.one_of(st.sampled_from(EDGES), st.dates(date(2023, 1, 1), date(2026, 6, 30)))
FIXED = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def pack(cn_pack: Pack) -> Pack:
    """``cn`` with the SAMR minimum shortened in 2024 and repealed in 2025, revocation not
    ending the tax list and repair not ending the court list."""
    samr = cn_pack.lists[SAMR]
    assert samr.early_exit is not None
    parameter = samr.parameters[samr.early_exit.after_months]
    reference = next(iter(parameter.values.values())).reference
    values = {
        **parameter.values,
        date(2024, 3, 31): DatedValue(value=6, reference=reference),
        date(2025, 1, 1): DatedValue(value=None, reference=reference),
    }
    changed = {
        SAMR: samr.model_copy(
            update={
                "parameters": {
                    **samr.parameters,
                    samr.early_exit.after_months: parameter.model_copy(update={"values": values}),
                }
            }
        ),
        TAX: cn_pack.lists[TAX].model_copy(update={"exit_on_revocation": False}),
        COURT: cn_pack.lists[COURT].model_copy(update={"exit_on_repair": False}),
    }
    return dataclasses.replace(cn_pack, lists={**cn_pack.lists, **changed})


@pytest.fixture
def ledger(engine: sa.Engine) -> dict[tuple[str, int], str]:
    """Two source records of one company, two versions each: (source, version) → id."""
    company = make_company()
    ids = {}
    with engine.begin() as conn:
        register_subject(conn, company, recorded_at=NOW)
        for source in SOURCES:
            for version in (1, 2):
                record = make_penalty(
                    company.subject_id,
                    source_record_id=source,
                    version=version,
                    decided_on=date(2022, 1, 1),
                )
                conn.execute(sa.insert(t.records), [record_row(record, NOW, None)])
                ids[(source, version)] = record.record_id
        conn.execute(
            sa.insert(evaluations),
            [
                {
                    "evaluation_id": "E",
                    "as_of": date(2024, 1, 1),
                    "pack": "cn",
                    "engine": "sql",
                    "entries": 0,
                    "recorded_at": NOW,
                }
            ],
        )
    return ids


entry = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["active", "active", "active", "noticed", "exited", "candidate"]),
        "active_from": DAYS | st.none(),
        "expires_on": st.none() | st.none() | DAYS,
        "exited_on": st.none() | st.none() | DAYS,
    }
)
#: an event's date: a day, or so many days from the day the SAMR entry of its record may
#: leave early (the minimum reached: -1, 0 or 1)
RELATIVE = st.integers(-1, 1)
WHEN = st.one_of(RELATIVE, RELATIVE, DAYS)
event = st.tuples(
    st.sampled_from(SOURCES),
    st.sampled_from((1, 2)),
    KINDS,
    WHEN,
    st.none() | st.sampled_from(LISTS),
)


def _active(start: date) -> dict[str, Any]:
    return {"status": "active", "active_from": start, "expires_on": None, "exited_on": None}


@FIXED
# the boundaries, always tried: an early exit on the day each dated minimum is reached, and
# the day before; a revocation, a repair and a removal under each list's own rule
@example(
    entries={("R-1", SAMR): _active(date(2024, 1, 31)), ("R-2", SAMR): _active(date(2024, 1, 31))},
    events=[("R-1", 1, "early_exit", 0, None), ("R-2", 2, "early_exit", -1, None)],
    on=0,
)
@example(
    entries={("R-1", SAMR): _active(date(2024, 3, 31)), ("R-2", SAMR): _active(date(2025, 2, 1))},
    events=[("R-1", 2, "early_exit", 0, None), ("R-2", 1, "early_exit", 0, None)],
    on=1,
)
@example(
    entries={
        ("R-1", TAX): _active(date(2024, 1, 1)),
        ("R-1", COURT): _active(date(2024, 1, 1)),
        ("R-2", COURT): _active(date(2024, 1, 1)),
        ("R-2", GONE): _active(date(2024, 1, 1)),
    },
    events=[
        ("R-1", 1, "revoked", date(2024, 5, 1), None),
        ("R-2", 2, "repaired", date(2024, 5, 1), None),
    ],
    on=0,
)
@example(
    entries={("R-1", TAX): _active(date(2024, 1, 1)), ("R-1", COURT): _active(date(2024, 1, 1))},
    events=[("R-1", 2, "delisted", date(2024, 5, 1), COURT)],
    on=0,
)
@given(
    entries=st.dictionaries(
        st.tuples(st.sampled_from(SOURCES), st.sampled_from((SAMR, *LISTS))), entry, max_size=8
    ),
    events=st.lists(event, max_size=8),
    # a day, or so many days after the last event
    on=DAYS | st.integers(0, 3),
)
def test_the_sql_condition_and_the_function_agree(
    engine: sa.Engine,
    pack: Pack,
    ledger: dict[tuple[str, int], str],
    entries: dict[tuple[str, str], dict[str, Any]],
    events: list[tuple[str, int, str, date | int, str | None]],
    on: date | int,
) -> None:
    rows = [
        {
            "evaluation_id": "E",
            "list_id": list_id,
            "source_agency": "samr",
            "source_record_id": source,
            "subject_id": "S",
            "listed_on": date(2023, 1, 1),
            "record_ids": [],
            "explanation": {},
            **values,
        }
        for (source, list_id), values in entries.items()
    ]
    with engine.connect() as conn, conn.begin() as transaction:
        if rows:
            conn.execute(sa.insert(list_entries), rows)
        # one event may be drawn twice: the ledger holds it once
        drawn = {
            f"{source}-{version}-{kind}-{effective_on}-{list_id}": {
                "record_id": ledger[(source, version)],
                "kind": kind,
                "effective_on": effective_on,
                "actor": "samr",
                "attributes": {"list_id": list_id} if list_id else {},
                "recorded_at": NOW,
            }
            for source, version, kind, when, list_id in events
            for effective_on in [_resolve(when, entries.get((source, SAMR)))]
        }
        if isinstance(on, int):
            last = max((v["effective_on"] for v in drawn.values()), default=date(2025, 1, 1))
            on = last + timedelta(days=on)
        if drawn:
            conn.execute(
                sa.insert(t.record_events),
                [
                    {"event_id": hashlib.md5(key.encode()).hexdigest(), **values}
                    for key, values in drawn.items()
                ],
            )
        le = list_entries.c
        by_sql = {
            (r.source_record_id, r.list_id)
            for r in conn.execute(
                sa.select(le.source_record_id, le.list_id).where(
                    le.evaluation_id == "E", in_force_clause(pack, on)
                )
            )
        }
        fetched = list(conn.execute(sa.select(list_entries)).mappings())
        by_python = {
            (r["source_record_id"], r["list_id"])
            for r, in_force, _ in in_force_rows(conn, pack, fetched, on)
            if in_force
        }
        transaction.rollback()
    assert by_sql == by_python


def _resolve(when: date | int, samr: dict[str, Any] | None) -> date:
    if isinstance(when, date):
        return when
    start = samr["active_from"] if samr and samr["active_from"] else date(2024, 3, 31)
    # the test pack's minimums, written out: 12 months, 6 from 2024-03-31, none from 2025
    months = 12 if start < date(2024, 3, 31) else 6 if start < date(2025, 1, 1) else 0
    return add_months(start, months) + timedelta(days=when)


@FIXED
@given(start=DAYS, months=st.integers(0, 40), day=DAYS)
def test_months_reached_is_add_months_in_sql(
    engine: sa.Engine, start: date, months: int, day: date
) -> None:
    """The end-of-month clamp included: 31 January plus one month is the last of February."""
    with engine.connect() as conn:
        reached = conn.execute(
            sa.select(months_reached(sa.literal(start, sa.Date), months, sa.literal(day, sa.Date)))
        ).scalar_one()
    assert bool(reached) is (add_months(start, months) <= day)


@pytest.mark.parametrize(
    ("decision", "ended", "stays"),
    [
        (EventKind.REVOKED, COURT, TAX),  # the test pack's tax list stays on revocation
        (EventKind.REPAIRED, TAX, COURT),  # and its court list on repair
    ],
)
def test_a_revocation_or_repair_ends_the_entry_only_where_its_list_says_so(
    engine: sa.Engine,
    pack: Pack,
    ledger: dict[tuple[str, int], str],
    decision: EventKind,
    ended: str,
    stays: str,
) -> None:
    on = date(2024, 6, 1)
    rows = [
        {
            "evaluation_id": "E",
            "list_id": list_id,
            "source_agency": "samr",
            "source_record_id": "R-1",
            "subject_id": "S",
            "status": "active",
            "listed_on": date(2024, 1, 1),
            "active_from": date(2024, 1, 1),
            "record_ids": [],
            "explanation": {},
        }
        for list_id in (COURT, TAX)
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(list_entries), rows)
        append_event(conn, RecordEvent(ledger[("R-1", 2)], decision, on, "samr"), recorded_at=NOW)
        le = list_entries.c
        found = conn.execute(sa.select(le.list_id).where(in_force_clause(pack, on))).scalars()
        assert list(found) == [stays]
        fetched = list(conn.execute(sa.select(list_entries)).mappings())
        assert sorted(
            (r["list_id"], in_force, by_decision)
            for r, in_force, by_decision in in_force_rows(conn, pack, fetched, on)
        ) == sorted([(ended, False, True), (stays, True, False)])


@pytest.mark.parametrize(
    ("active_from", "granted", "ends"),
    [
        (date(2024, 1, 31), date(2025, 1, 30), False),  # a day short of the 12 months
        (date(2024, 1, 31), date(2025, 1, 31), True),  # on the day the minimum is reached
        (date(2024, 3, 31), date(2024, 9, 29), False),  # 6 months from 2024-03-31 on
        (date(2024, 3, 31), date(2024, 9, 30), True),  # clamped to September's last day
        (date(2025, 2, 1), date(2025, 2, 1), True),  # minimum repealed: at once
    ],
)
def test_an_early_exit_ends_the_entry_once_the_minimum_in_force_at_its_start_has_passed(
    engine: sa.Engine,
    pack: Pack,
    ledger: dict[tuple[str, int], str],
    active_from: date,
    granted: date,
    ends: bool,
) -> None:
    row = {
        "evaluation_id": "E",
        "list_id": SAMR,
        "source_agency": "samr",
        "source_record_id": "R-1",
        "subject_id": "S",
        "status": "active",
        "listed_on": active_from,
        "active_from": active_from,
        "record_ids": [],
        "explanation": {},
    }
    on = date(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(sa.insert(list_entries), [row])
        early = RecordEvent(ledger[("R-1", 1)], EventKind.EARLY_EXIT, granted, actor="samr")
        append_event(conn, early, recorded_at=NOW)
        le = list_entries.c
        by_sql = conn.execute(sa.select(le.list_id).where(in_force_clause(pack, on))).all()
        fetched = list(conn.execute(sa.select(list_entries)).mappings())
        [(_, in_force, ended)] = in_force_rows(conn, pack, fetched, on)
    assert (not by_sql, not in_force, ended) == (ends, ends, ends)


def test_the_condition_answers_on_each_evaluations_own_date(
    engine: sa.Engine, pack: Pack, ledger: dict[tuple[str, int], str]
) -> None:
    """``on`` may be a column: an entry revoked on 1 May is in force in the evaluation of
    30 April on its date, and not in that of 31 May (nor after it, whatever it stored)."""
    e = evaluations.c
    with engine.begin() as conn:
        conn.execute(
            sa.insert(evaluations),
            [
                {**{"pack": "cn", "engine": "sql", "entries": 1, "recorded_at": NOW}, **ids}
                for ids in (
                    {"evaluation_id": "APR", "as_of": date(2024, 4, 30)},
                    {"evaluation_id": "MAY", "as_of": date(2024, 5, 31)},
                )
            ],
        )
        conn.execute(
            sa.insert(list_entries),
            [
                {
                    "evaluation_id": evaluation,
                    "list_id": COURT,
                    "source_agency": "samr",
                    "source_record_id": "R-1",
                    "subject_id": "S",
                    "status": "active",
                    "listed_on": date(2024, 1, 1),
                    "active_from": date(2024, 1, 1),
                    "record_ids": [],
                    "explanation": {},
                }
                for evaluation in ("APR", "MAY")
            ],
        )
        revoked = RecordEvent(ledger[("R-1", 1)], EventKind.REVOKED, date(2024, 5, 1), "samr")
        append_event(conn, revoked, recorded_at=NOW)
        le = list_entries.c
        found = conn.execute(
            sa.select(e.evaluation_id)
            .join(evaluations, e.evaluation_id == le.evaluation_id)
            .where(in_force_clause(pack, e.as_of))
        ).scalars()
        assert list(found) == ["APR"]
