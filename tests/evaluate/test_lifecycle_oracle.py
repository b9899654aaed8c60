"""The compiled lifecycle equals the Python oracle (``oracle.derive_entry``), entry by entry
and explanation by explanation, on every engine, over generated ledgers and dates: several
versions per source record, attributes that match and stop matching, events of every kind
on dates around the evaluation day, evaluation days around year ends and into provisional
calendar years. Engines are factories in ``ENGINES``: one line adds another."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from xinyong.evaluate import DuckDBEngine, QueryEngine, SqlEngine, evaluate_lists
from xinyong.evaluate.oracle import oracle_entries
from xinyong.evaluate.snapshot import export_snapshot
from xinyong.ledger import EventKind
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack, load_pack
from xinyong.schemes.lists import DatedValue, ListType, Parameter

EngineFactory = Callable[[sa.Engine, Path], QueryEngine]


def _direct(ledger: sa.Engine, _tmp: Path) -> QueryEngine:
    return SqlEngine(ledger)


def _duckdb(ledger: sa.Engine, tmp: Path) -> QueryEngine:
    export_snapshot(ledger, tmp)
    return DuckDBEngine(tmp, threads=1, memory_limit="500MB")


#: the engines held to the oracle; "spark" is built from the session's Spark fixture
ENGINES: dict[str, EngineFactory] = {"direct": _direct, "duckdb": _duckdb, "spark": _direct}
#: examples per engine: a Spark query has a fixed cost of about a second, so fewer there
EXAMPLES = {"direct": 25, "duckdb": 25, "spark": 2}  # a Spark query costs about 1 s


def engine_factory(request: pytest.FixtureRequest, name: str) -> EngineFactory:
    """The factory of engine ``name``; Spark's needs the session's Spark fixture (which skips
    without PySpark and Java, or fails under XINYONG_REQUIRE_SPARK=1)."""
    if name != "spark":
        return ENGINES[name]
    spark = request.getfixturevalue("spark_engine_factory")

    def _spark(ledger: sa.Engine, tmp: Path) -> QueryEngine:
        export_snapshot(ledger, tmp)
        return cast(QueryEngine, spark(tmp))

    return _spark


NOW = datetime(2026, 10, 1, tzinfo=UTC)
SUBJECTS = ("91110000100000000A", "91110000100000001B", "91110000100000002C")


def _variant(base: ListType) -> ListType:
    """A list with every switch the national pack does not use: no exit on revocation or
    repair, a term by ground, an extension cap, removal days, a term that changes and an
    early-exit minimum that is repealed."""
    reference = base.legal_basis[0]
    term = base.parameters["term_months"]
    early = base.parameters["early_exit_months"]
    extra = {
        "max_extension_months": Parameter(
            description="cap",
            unit="month",
            values={date(2021, 9, 1): DatedValue(value=6, reference=reference)},
        ),
        "removal_days": Parameter(
            description="removal",
            unit="working_day",
            values={date(2021, 9, 1): DatedValue(value=3, reference=reference)},
        ),
    }
    parameters = {
        **base.parameters,
        **extra,
        "term_months": term.model_copy(
            update={
                "values": {
                    **term.values,
                    date(2026, 7, 1): DatedValue(value=24, reference=reference),
                }
            }
        ),
        "early_exit_months": early.model_copy(
            update={
                "values": {
                    **early.values,
                    date(2027, 1, 1): DatedValue(value=None, reference=reference),
                }
            }
        ),
    }
    assert base.term is not None
    return ListType.model_validate(
        {
            **base.model_dump(),
            "id": "cn.test.variant",
            "exit_on_revocation": False,
            "exit_on_repair": False,
            "entry": {
                **base.entry.model_dump(),
                "where": [{"field": "severity", "op": "eq", "value": "serious"}],
            },
            "term": {
                **base.term.model_dump(),
                "applies_when": [{"field": "attributes.term", "op": "eq", "value": "fixed"}],
            },
            "extension": {"max_months": "max_extension_months"},
            "removal_working_days": "removal_days",
            "parameters": {k: v.model_dump() for k, v in parameters.items()},
        }
    )


CN = load_pack("cn")
LIST_IDS = (
    "cn.court.dishonest_debtors",
    "cn.sector.procurement_bidding",
    "cn.samr.serious_illegal_enterprises",
    "cn.samr.serious_violation",
    "cn.red.tax_a_three_years",
    "cn.red.green_lane",
)
TEST_LISTS = {i: CN.lists[i] for i in LIST_IDS}
TEST_LISTS["cn.test.variant"] = _variant(CN.lists["cn.samr.serious_violation"])
PACK: Pack = dataclasses.replace(CN, lists=TEST_LISTS)


def _candidates(list_type: ListType) -> dict[str, list[Any]]:
    """Per field a list type tests, values that meet and fail its conditions (None: absent)."""
    conditions = [*list_type.entry.where, *(list_type.term.applies_when if list_type.term else ())]
    found: dict[str, list[Any]] = {"severity": ["serious", "general"]}
    for c in conditions:
        values = c.value if isinstance(c.value, list) else [c.value]
        found.setdefault(c.field, [None, "other"]).extend(values)
    streak, absence = list_type.entry.streak, list_type.entry.absence
    if streak is not None:  # mostly qualifying grades, over a few consecutive years
        found["attributes.grade"] += ["A", "A", "A"]
        found[streak.field] = [*range(2020, 2027), 2024.5, "2023.0"]  # 2024.5: no value
    if absence is not None and absence.since is not None:
        # beyond the calendar, with a time, malformed: not qualifying
        found[absence.since] = [None, "2001-05-01", "2015-03-01", "2020-06-30", "2023-01-31"]
        found[absence.since] += ["2099-06-01", "2015-03-01T10:00:00", "n/a", "20150301"]
    if list_type.term is not None and list_type.term.months_field is not None:
        # not whole months from 0 to 1200 (1.5, -3, 1e50, "x"): the record's own term is ignored
        found[list_type.term.months_field] = [None, 0, 1, 6, 12, 30, 36, 60, 1.5, -3, 1e50, "x"]
    return found


CANDIDATES = {i: _candidates(t) for i, t in TEST_LISTS.items()}
#: extension months that are not whole months from 0 to 1200 (no extension), or are as text
EXTENSIONS = [1.5, -3, 1e50, "x", "3.0", "2", 3.0]
KINDS = [
    EventKind.NOTICE_SERVED,
    EventKind.NOTICE_SERVED,
    EventKind.EXTENDED,
    EventKind.EARLY_EXIT,
    EventKind.EARLY_EXIT,
    EventKind.DELISTED,
    EventKind.REVOKED,
    EventKind.REPAIRED,
]
AROUND_YEAR_ENDS = [
    date(2025, 12, 31),
    date(2026, 1, 2),
    date(2026, 12, 31),
    date(2027, 1, 4),
    date(2027, 12, 31),
    date(2028, 2, 29),
]


def _after(day: date) -> Callable[[int], date]:
    return lambda days: day + timedelta(days=days)


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[date, list[dict[str, Any]], list[dict[str, Any]]]:
    as_of = draw(
        st.one_of(st.dates(date(2021, 1, 1), date(2030, 12, 31)), st.sampled_from(AROUND_YEAR_ENDS))
    )
    records: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 8))):
        list_id = draw(st.sampled_from(sorted(TEST_LISTS)))
        item = TEST_LISTS[list_id].entry.items[0]
        subject = draw(st.sampled_from(SUBJECTS))
        day = as_of + timedelta(days=draw(st.integers(-1500, 15)))
        first = day
        ids = []
        for version in range(1, draw(st.integers(1, 3)) + 1):
            if version > 1 and draw(st.integers(0, 3)) == 0:  # corrected to another subject
                subject = draw(st.sampled_from(SUBJECTS))
            attributes: dict[str, Any] = {}
            severity = "general"
            for name, values in CANDIDATES[list_id].items():
                value = draw(st.sampled_from(values))
                if name == "severity":
                    severity = value
                elif value is not None:
                    attributes[name.removeprefix("attributes.")] = value
            record_id = f"r{n}v{version}"
            ids.append(record_id)
            records.append(
                {
                    "record_id": record_id,
                    "item_code": item,
                    "subject_id": subject,
                    "source_agency": "samr",
                    "source_record_id": f"case-{n}",
                    "version": version,
                    "instrument_type": "decision",
                    "instrument_number": f"no-{n}-{version}",
                    "instrument_issuer": "test",
                    "instrument_date": day,
                    "decided_on": day,
                    "severity": severity,
                    "attributes": attributes,
                    "recorded_at": NOW,
                }
            )
            day += timedelta(days=draw(st.integers(0, 300)))
        for k in range(draw(st.integers(0, 5))):
            kind = draw(st.sampled_from(KINDS))
            attributes = {}
            if kind is EventKind.EXTENDED:
                months = st.one_of(st.integers(1, 12), st.sampled_from(EXTENSIONS))
                attributes = {"months": draw(months)}
            if kind is EventKind.DELISTED:
                attributes = {"list_id": draw(st.sampled_from([list_id, "cn.other.list"]))}
            events.append(
                {
                    "event_id": f"e{n}-{k}",
                    "record_id": draw(st.sampled_from(ids)),
                    "kind": str(kind),
                    "effective_on": draw(
                        st.one_of(
                            st.integers(-2, 40).map(_after(first)),
                            st.integers(-400, 3).map(_after(as_of)),
                            st.integers(-10, 0).map(_after(as_of)),
                            st.integers(0, 1500).map(_after(first)),
                        )
                    ),
                    "actor": "samr",
                    "attributes": attributes,
                    "recorded_at": NOW,
                }
            )
    if draw(st.booleans()):  # a run of yearly grades of one subject, ending about now
        years = draw(st.integers(3, 5))
        first_year = as_of.year - years - draw(st.integers(-1, 1))
        subject = draw(st.sampled_from(SUBJECTS))
        for k in range(years):
            year = first_year + k
            record_id = f"y{k}"
            records.append(
                {
                    **records[0],
                    "record_id": record_id,
                    "item_code": "tax.credit_grade",
                    "subject_id": subject,
                    "source_agency": "tax",
                    "source_record_id": f"grade-{year}",
                    "version": 1,
                    "decided_on": date(year + 1, 4, draw(st.integers(1, 2))),
                    "attributes": {"grade": draw(st.sampled_from("AAAB")), "year": year},
                }
            )
            if draw(st.integers(0, 6)) == 0:
                kind = draw(st.sampled_from([EventKind.REVOKED, EventKind.REPAIRED]))
                events.append(
                    {
                        "event_id": f"ye{k}",
                        "record_id": record_id,
                        "kind": str(kind),
                        "effective_on": as_of - timedelta(days=draw(st.integers(0, 300))),
                        "actor": "tax",
                        "attributes": {},
                        "recorded_at": NOW,
                    }
                )
    return as_of, records, events


def _store(ledger: sa.Engine, records: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
    with ledger.begin() as conn:
        for table in (lt.record_events, lt.records, lt.subjects):
            conn.execute(sa.delete(table))
        conn.execute(
            sa.insert(lt.subjects),
            [
                {
                    "subject_id": s,
                    "kind": "legal_person",
                    "name": s,
                    "source_agency": "samr",
                    "recorded_at": NOW,
                }
                for s in SUBJECTS
            ],
        )
        if records:
            conn.execute(sa.insert(lt.records), records)
        if events:
            conn.execute(sa.insert(lt.record_events), events)


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
def test_compiled_lifecycle_equals_the_oracle(
    engine: sa.Engine,
    engine_name: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> None:
    if engine_name != "direct" and engine.dialect.name != "sqlite":
        pytest.skip("snapshot engines read a snapshot of the SQLite ledger")
    factory = engine_factory(request, engine_name)

    @settings(
        max_examples=EXAMPLES[engine_name],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(ledgers())
    def check(ledger: tuple[date, list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        as_of, records, events = ledger
        _store(engine, records, events)
        under_test = factory(engine, tmp_path_factory.mktemp("snapshot"))
        compiled = evaluate_lists(under_test, PACK, as_of)
        expected = [
            entry
            for list_id in sorted(TEST_LISTS)
            if TEST_LISTS[list_id].effective_from <= as_of
            for entry in oracle_entries(SqlEngine(engine), PACK, TEST_LISTS[list_id], as_of)
        ]
        for entry in compiled:  # shown by --hypothesis-show-statistics
            event(f"{entry.list_id}: {entry.status} {entry.exit_reason or ''}")
        assert compiled == expected
        assert [e.explanation for e in compiled] == [e.explanation for e in expected]

    check()


def test_a_working_day_period_outside_the_calendar_fails_the_run(engine: sa.Engine) -> None:
    from xinyong.workdays import CalendarError

    listed = TEST_LISTS["cn.samr.serious_violation"]
    assert listed.notice.period is not None
    period = listed.parameters[listed.notice.period]
    early = period.model_copy(
        update={"values": {date(2000, 1, 1): period.values[date(2021, 9, 1)]}}
    )
    list_type = listed.model_copy(  # as if the period had applied since 2000
        update={
            "parameters": {**listed.parameters, listed.notice.period: early},
            "effective_from": date(2000, 1, 1),
        }
    )
    day = date(2003, 3, 3)  # before the first official calendar year
    record = {
        "record_id": "r-old",
        "item_code": list_type.entry.items[0],
        "subject_id": SUBJECTS[0],
        "source_agency": "samr",
        "source_record_id": "case-old",
        "version": 1,
        "instrument_type": "decision",
        "instrument_number": "no-old",
        "instrument_issuer": "test",
        "instrument_date": day,
        "decided_on": day,
        "severity": "serious",
        "attributes": {},
        "recorded_at": NOW,
    }
    notice = {
        "event_id": "e-old",
        "record_id": "r-old",
        "kind": str(EventKind.NOTICE_SERVED),
        "effective_on": day,
        "actor": "samr",
        "attributes": {},
        "recorded_at": NOW,
    }
    _store(engine, [record], [notice])
    pack = dataclasses.replace(PACK, lists={list_type.id: list_type})
    with pytest.raises(CalendarError, match="outside the PRC working-day calendar"):
        oracle_entries(SqlEngine(engine), pack, list_type, date(2025, 1, 1))
    with pytest.raises(CalendarError, match="outside the PRC working-day calendar"):
        evaluate_lists(SqlEngine(engine), pack, date(2025, 1, 1))
