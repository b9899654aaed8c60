"""Incremental evaluation equals a full one: after records, revocations, repairs, notices,
objections upheld and extensions, across notice periods and terms ending, an absence list's
period completing and grade windows sliding; on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinyong.evaluate import SqlEngine, evaluate_lists
from xinyong.evaluate.digest import of_derived, of_stored
from xinyong.evaluate.grading import evaluate_grades
from xinyong.evaluate.incremental import Evaluated, evaluate_full, evaluate_incremental
from xinyong.evaluate.tables import evaluations, list_entries
from xinyong.evaluate.verification import verify, verify_due
from xinyong.ingest.service import IngestOptions, ingest_directory
from xinyong.ledger import EventKind, RecordEvent, append_event, content_id
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack
from xinyong.synth import SynthConfig, write_delivery

D0 = date(2026, 9, 30)
LOADED_AT = datetime(2026, 10, 1, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory, cn_pack: Pack) -> Path:
    out = tmp_path_factory.mktemp("incremental") / "delivery"
    write_delivery(SynthConfig(subjects=1_500, seed=1313), cn_pack, out)
    return out


class Clock:
    """Moments after the load, ten minutes apart (more than the recording grace): what each
    change and evaluation records."""

    def __init__(self) -> None:
        self.ticks = itertools.count(1)

    def now(self) -> datetime:
        return LOADED_AT + timedelta(minutes=10 * next(self.ticks))


@pytest.fixture
def ledger(engine: sa.Engine, cn_pack: Pack, delivery: Path) -> Iterator[sa.Engine]:
    """The synthetic delivery, with prior notices served long ago, lately or not at all."""
    options = IngestOptions(key=b"incremental", delivered_on=D0, recorded_at=LOADED_AT)
    ingest_directory(engine, cn_pack, delivery, options=options)
    with engine.begin() as conn:
        notice_items = [
            i for lt_ in cn_pack.lists.values() if lt_.notice.required for i in lt_.entry.items
        ]
        rows = conn.execute(
            sa.select(lt.records.c.record_id, lt.records.c.decided_on).where(
                lt.records.c.item_code.in_(notice_items)
            )
        ).all()
        for n, (record_id, decided) in enumerate(sorted(rows)):
            served = {0: decided, 1: date(2026, 9, 25)}.get(n % 3)
            if served is not None:
                event = RecordEvent(record_id, EventKind.NOTICE_SERVED, served, "samr")
                append_event(conn, event, recorded_at=LOADED_AT)
    yield engine


def _full_now(engine: sa.Engine, pack: Pack, day: date) -> Any:
    query_engine = SqlEngine(engine)
    return of_derived(
        evaluate_lists(query_engine, pack, day), evaluate_grades(query_engine, pack, day)
    )


def assert_equals_full(engine: sa.Engine, pack: Pack, run: Evaluated, day: date) -> None:
    with engine.connect() as conn:
        stored = of_stored(conn, run.evaluation_id)
    full = _full_now(engine, pack, day)
    assert stored.entries == full.entries  # the same entry set, field by field
    assert stored.grades == full.grades
    assert stored.digest == full.digest


def _records(conn: sa.Connection, *items: str) -> list[Any]:
    r = lt.records.c
    query = sa.select(lt.records).order_by(r.record_id)
    if items:
        query = query.where(r.item_code.in_(items))
    return list(conn.execute(query).all())


def _event(
    conn: sa.Connection, record_id: str, kind: EventKind, on: date, at: datetime, **attributes: Any
) -> None:
    append_event(
        conn, RecordEvent(record_id, kind, on, "test", attributes=attributes), recorded_at=at
    )


def _new_version(
    conn: sa.Connection, row: Any, decided_on: date, at: datetime, **attributes: Any
) -> None:
    """A later version of ``row``'s source record (attributes changed), or a new record of
    the same subject when ``source_record_id`` is given; a correction moving it to another
    subject when ``subject_id`` is."""
    values = dict(row._mapping)
    source = attributes.pop("source_record_id", None)
    values["subject_id"] = attributes.pop("subject_id", values["subject_id"])
    if source is not None:
        values["source_record_id"], values["version"] = source, 1
    else:
        values["version"] = row.version + 1
    values["attributes"] = {**row.attributes, **attributes}
    values["decided_on"] = decided_on
    values["recorded_at"] = at
    values["record_id"] = content_id(
        values["source_agency"], values["source_record_id"], values["version"]
    )
    conn.execute(lt.records.insert().values(values))


def test_incremental_equals_full_across_transitions(ledger: sa.Engine, cn_pack: Pack) -> None:
    clock = Clock()
    base = evaluate_full(ledger, SqlEngine(ledger), cn_pack, D0, recorded_at=clock.now())
    assert base.full is not None
    with ledger.connect() as conn:  # past the first term to end after D0
        le = list_entries.c
        ending = conn.execute(
            sa.select(sa.func.min(le.expires_on)).where(le.status == "active", le.expires_on > D0)
        ).scalar_one()
    d1 = max(date(2026, 11, 30), ending)
    with ledger.begin() as conn:
        at = clock.now()
        court = _records(conn, "court.dishonest_debtor")
        serious = _records(conn, "market.serious_violation")
        penalties = _records(conn, "market.penalty")
        _event(conn, court[0].record_id, EventKind.REVOKED, date(2026, 10, 15), at)
        _event(conn, court[1].record_id, EventKind.EXTENDED, date(2026, 10, 2), at, months=6)
        _event(conn, serious[0].record_id, EventKind.REPAIRED, date(2026, 9, 1), at)  # backdated
        _event(conn, serious[1].record_id, EventKind.NOTICE_SERVED, date(2026, 10, 9), at)
        _event(
            conn,
            serious[2].record_id,
            EventKind.DELISTED,
            date(2026, 11, 3),
            at,
            list_id="cn.samr.serious_violation",
        )
        _new_version(conn, penalties[0], date(2026, 10, 20), at, fine_yuan=1)
        _new_version(conn, penalties[1], date(2026, 11, 2), at, source_record_id="TEST-NEW-1")
        # a correction: the record was another subject's all along
        _new_version(conn, court[2], date(2026, 10, 5), at, subject_id=court[3].subject_id)
    run = evaluate_incremental(ledger, cn_pack, d1, recorded_at=clock.now())
    assert run.base_id == base.evaluation_id and run.fallback is None
    for reason in (
        "events recorded since the base",
        "records recorded since the base",
        "notice periods ending",
        "terms ending",
        "absence periods completing (cn.red.green_lane)",
        "grade windows sliding (cn.public_credit.comprehensive)",
    ):
        assert run.reasons.get(reason, 0) > 0, (reason, run.reasons)
    with ledger.connect() as conn:
        subjects = conn.execute(sa.select(sa.func.count()).select_from(lt.subjects)).scalar_one()
    assert 0 < run.rederived < subjects
    assert_equals_full(ledger, cn_pack, run, d1)
    # and the next day from that incremental evaluation, with nothing new
    again = evaluate_incremental(ledger, cn_pack, d1 + timedelta(days=1), recorded_at=clock.now())
    assert again.base_id == run.evaluation_id
    assert_equals_full(ledger, cn_pack, again, d1 + timedelta(days=1))


KINDS = [
    EventKind.NOTICE_SERVED,
    EventKind.REVOKED,
    EventKind.REPAIRED,
    EventKind.DELISTED,
    EventKind.EXTENDED,
    EventKind.EARLY_EXIT,
]


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=45),  # days the evaluation date moves
            st.lists(
                st.tuples(
                    st.sampled_from(KINDS + ["version", "record", "moved"]),
                    st.integers(min_value=0, max_value=10_000),  # which record
                    st.integers(min_value=-60, max_value=60),  # effective, from the new date
                ),
                max_size=6,
            ),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_incremental_equals_full_for_any_changes_and_day_steps(
    ledger: sa.Engine, cn_pack: Pack, steps: list[tuple[int, list[tuple[Any, int, int]]]]
) -> None:
    clock = Clock()
    with ledger.begin() as conn:
        conn.execute(list_entries.delete())
        conn.execute(sa.delete(lt.records.metadata.tables["grades"]))
        conn.execute(evaluations.delete())
    evaluate_full(ledger, SqlEngine(ledger), cn_pack, D0, recorded_at=clock.now())
    day = D0
    for step, changes in steps:
        day += timedelta(days=step)
        with ledger.begin() as conn:
            rows = _records(conn)
            at = clock.now()
            versioned: set[tuple[str, str]] = set()  # one new version per record and step
            for n, (kind, which, offset) in enumerate(changes):
                row = rows[which % len(rows)]
                on = day + timedelta(days=offset)
                if kind in ("version", "moved"):
                    key = (row.source_agency, row.source_record_id)
                    if key in versioned or any(
                        r.version > row.version
                        for r in rows
                        if (r.source_agency, r.source_record_id) == key
                    ):
                        continue
                    versioned.add(key)
                if kind == "version":
                    _new_version(conn, row, on, at, amount_yuan=0, fine_yuan=0)
                elif kind == "record":
                    _new_version(conn, row, on, at, source_record_id=f"HYP-{len(rows)}-{n}")
                elif kind == "moved":  # corrected: the record is another subject's
                    other = rows[(which + offset + 61) % len(rows)].subject_id
                    _new_version(conn, row, on, at, subject_id=other)
                else:
                    extra = {"months": 3} if kind is EventKind.EXTENDED else {}
                    if kind is EventKind.DELISTED:
                        extra = {"list_id": next(iter(sorted(cn_pack.lists)))}
                    _event(conn, row.record_id, kind, on, at, **extra)
        run = evaluate_incremental(ledger, cn_pack, day, recorded_at=clock.now())
        assert run.base_id is not None, run.fallback
        assert_equals_full(ledger, cn_pack, run, day)


class TestFallbacks:
    def test_without_a_base_it_evaluates_in_full_and_says_why(
        self, ledger: sa.Engine, cn_pack: Pack
    ) -> None:
        run = evaluate_incremental(ledger, cn_pack, D0, recorded_at=Clock().now())
        assert (run.base_id, run.fallback) == (None, "no stored evaluation of cn")
        assert run.full is not None
        assert_equals_full(ledger, cn_pack, run, D0)

    def test_each_reason_it_cannot_start_from_the_base(
        self, ledger: sa.Engine, cn_pack: Pack
    ) -> None:
        clock = Clock()
        evaluate_full(ledger, SqlEngine(ledger), cn_pack, D0, recorded_at=clock.now())

        def why(pack: Pack, day: date, **options: Any) -> str | None:
            run = evaluate_incremental(ledger, pack, day, recorded_at=clock.now(), **options)
            with ledger.begin() as conn:  # keep D0's full evaluation the newest
                for table in ("list_entries", "grades"):
                    t = lt.metadata.tables[table]
                    conn.execute(t.delete().where(t.c.evaluation_id == run.evaluation_id))
                conn.execute(
                    evaluations.delete().where(evaluations.c.evaluation_id == run.evaluation_id)
                )
            return run.fallback

        later = dataclasses.replace(
            cn_pack, meta=cn_pack.meta.model_copy(update={"version": "9.9"})
        )
        assert (
            why(later, D0)
            == f"the newest evaluation ({D0}) is of cn {cn_pack.meta.version}, not cn 9.9"
        )
        assert why(cn_pack, D0 - timedelta(days=1)) == (
            f"the newest evaluation is of {D0}, after {D0 - timedelta(days=1)}"
        )
        assert why(cn_pack, D0, include_pilots=True) == (
            "the pack's content or --include-pilots differs from the base evaluation's"
        )
        lists = dict(cn_pack.lists)
        green = lists["cn.red.green_lane"]
        lists[green.id] = green.model_copy(update={"effective_from": date(2026, 10, 10)})
        moved = dataclasses.replace(cn_pack, lists=lists)
        with ledger.begin() as conn:  # the base as if made with that pack
            from xinyong.evaluate.digest import pack_digest

            conn.execute(
                evaluations.update().values(pack_digest=pack_digest(moved, include_pilots=False))
            )
        assert why(moved, date(2026, 10, 31)) == (
            "cn.red.green_lane comes into or goes out of force in (2026-09-30, 2026-10-31]"
        )
        with ledger.begin() as conn:
            conn.execute(evaluations.update().values(calendar_digest="0" * 64))
        assert (
            why(moved, date(2026, 10, 31))
            == "the working-day calendar changed since the base evaluation"
        )
        assert (
            why(cn_pack, date(2026, 10, 31))
            == "the pack's content or --include-pilots differs from the base evaluation's"
        )
        with ledger.begin() as conn:
            conn.execute(evaluations.update().values(pack_digest=None))
        assert "records no pack or calendar fingerprint" in (why(cn_pack, D0) or "")


def test_verify_finds_a_stored_evaluation_that_differs(ledger: sa.Engine, cn_pack: Pack) -> None:
    clock = Clock()
    run = evaluate_full(ledger, SqlEngine(ledger), cn_pack, D0, recorded_at=clock.now())
    with ledger.begin() as conn:
        conn.execute(evaluations.update().values(digest=None))
        assert verify_due(conn, cn_pack, D0, 7)
    found = verify(ledger, cn_pack, D0, run.evaluation_id)
    assert found.ok and found.differences == []
    with ledger.connect() as conn:
        assert not verify_due(conn, cn_pack, D0 + timedelta(days=6), 7)
        assert verify_due(conn, cn_pack, D0 + timedelta(days=7), 7)
    with ledger.begin() as conn:
        le = list_entries.c
        first = conn.execute(
            sa.select(le.list_id, le.source_agency, le.source_record_id, le.status)
            .where(le.status == "active")
            .order_by(le.list_id, le.source_agency, le.source_record_id)
            .limit(1)
        ).one()
        conn.execute(
            list_entries.update()
            .where(le.list_id == first.list_id, le.source_record_id == first.source_record_id)
            .values(status="exited")
        )
    found = verify(ledger, cn_pack, D0, run.evaluation_id)
    assert not found.ok
    assert found.differences == [
        f"entry {first.list_id} {first.source_agency} {first.source_record_id}: "
        "status stored 'exited', full 'active'"
    ]


def test_the_daily_run_verifies_and_replaces_a_wrong_evaluation(
    ledger: sa.Engine, cn_pack: Pack, settings: Any
) -> None:
    from xinyong.evaluate.retention import evaluation_of
    from xinyong.services.daily import DailyOptions, run_daily

    clock = Clock()
    daily = settings.model_copy(update={"verify_every_days": 1})

    def run(day: date) -> dict[str, tuple[str, str]]:
        options = DailyOptions(day=day, now=clock.now(), deliver=False)
        done = run_daily(ledger, cn_pack, daily, options)
        return {s.name: (s.status, s.summary) for s in done.steps}

    first = run(D0)
    assert first["evaluate"][0] == "done" and first["evaluate"][1].startswith(
        "full (no stored evaluation of cn): "
    )
    assert first["verify"] == ("skipped", "a full evaluation")
    second = run(D0 + timedelta(days=1))
    assert second["evaluate"][1].startswith("incremental, ")
    assert second["verify"][0] == "done"
    with ledger.begin() as conn:  # a wrong stored entry, which an incremental run copies
        le = list_entries.c
        wrong = conn.execute(
            sa.select(le.evaluation_id, le.list_id, le.source_record_id)
            .where(le.evaluation_id == evaluation_of(conn, cn_pack, D0 + timedelta(days=1)))
            .where(le.status == "exited")
            .order_by(le.list_id, le.source_record_id)
            .limit(1)
        ).one()
        conn.execute(
            list_entries.update()
            .where(
                le.evaluation_id == wrong.evaluation_id,
                le.list_id == wrong.list_id,
                le.source_record_id == wrong.source_record_id,
            )
            .values(exit_reason="expired_by_mistake")
        )
    day = D0 + timedelta(days=2)
    third = run(day)
    assert third["verify"][0] == "failed"
    assert "exit_reason stored 'expired_by_mistake'" in third["verify"][1]
    with ledger.connect() as conn:  # what dispatch used: the full recompute
        replaced = of_stored(conn, evaluation_of(conn, cn_pack, day))
    assert replaced.digest == _full_now(ledger, cn_pack, day).digest
    daily = daily.model_copy(update={"verify_every_days": 0})
    fourth = run(day + timedelta(days=1))
    assert fourth["evaluate"][1].startswith("full (XINYONG_VERIFY_EVERY_DAYS=0): ")
    assert fourth["verify"] == ("skipped", "a full evaluation")


def test_the_cli_evaluates_incrementally_verifies_and_fails_on_a_difference(
    tmp_path: Path,
) -> None:
    import json

    from tests.cli.test_commands import xinyong
    from tests.cli.test_jobs import platform
    from xinyong.ledger import make_engine

    env = platform(tmp_path)
    daily = xinyong(
        "run",
        "daily",
        "--as-of",
        "2026-09-30",
        "--inbox",
        "inbox",
        "--no-deliver",
        cwd=tmp_path,
        **env,
    )
    assert daily.returncode == 0, daily.stderr
    assert "evaluate  done     full (no stored evaluation of cn): " in daily.stdout
    run = xinyong(
        "evaluate", "--as-of", "2026-10-31", "--incremental", "--verify", cwd=tmp_path, **env
    )
    assert run.returncode == 0, run.stderr
    assert "subject(s) re-derived" in run.stdout
    assert "  absence periods completing (cn.red.green_lane): 1\n" in run.stdout
    assert "verified: digest " in run.stdout
    alone = xinyong("evaluate", "--as-of", "2026-10-31", "--verify", "--json", cwd=tmp_path, **env)
    assert alone.returncode == 0, alone.stderr
    checked = json.loads(alone.stdout)["verify"]
    assert checked["ok"] is True and checked["digest"] == checked["recomputed"]
    assert checked["differences"] == []
    engine = make_engine(env["XINYONG_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(list_entries.update().values(exit_reason="tampered"))
    engine.dispose()
    failed = xinyong("evaluate", "--as-of", "2026-10-31", "--verify", cwd=tmp_path, **env)
    assert failed.returncode == 1
    assert "verify failed" in failed.stdout and "exit_reason stored 'tampered'" in failed.stdout
    earlier = xinyong(
        "evaluate", "--as-of", "2026-09-01", "--incremental", "--json", cwd=tmp_path, **env
    )
    assert earlier.returncode == 0, earlier.stderr
    assert json.loads(earlier.stdout)["incremental"] == {
        "full": True,
        "why": "the newest evaluation is of 2026-10-31, after 2026-09-01",
    }
    snapshot = xinyong(
        "evaluate",
        "--as-of",
        "2026-10-31",
        "--incremental",
        "--engine",
        "duckdb",
        cwd=tmp_path,
        **env,
    )
    assert snapshot.returncode == 2
    said = " ".join(snapshot.stderr.replace("│", " ").split())  # the error box, unwrapped
    assert "--incremental and --verify run on the ledger itself (--engine sql, no --diff)" in said


def test_a_duplicate_key_or_a_changed_explanation_is_a_difference(
    ledger: sa.Engine, cn_pack: Pack
) -> None:
    from xinyong.evaluate.digest import differences

    entry = evaluate_lists(SqlEngine(ledger), cn_pack, D0)[0]
    twin = dataclasses.replace(entry, subject_id="91110000100000099X")
    once, twice = of_derived([entry], []), of_derived([entry, twin], [])
    name = f"entry {entry.list_id} {entry.source_agency} {entry.source_record_id}"
    assert once.digest != twice.digest
    assert differences(once, twice) == [f"{name}: 2 rows share this key in the full recompute"]
    assert differences(twice, once) == [f"{name}: 2 rows share this key in the stored evaluation"]
    moved = dataclasses.replace(entry, explanation={**entry.explanation, "rule": "x"})
    assert differences(of_derived([moved], []), once) == [
        f"{name}: explanation.rule stored 'x', full {entry.list_id!r}"
    ]


def test_a_snapshot_evaluation_is_not_taken_as_verified(
    ledger: sa.Engine, cn_pack: Pack, tmp_path: Path
) -> None:
    from xinyong.evaluate.engines import DuckDBEngine
    from xinyong.evaluate.snapshot import export_snapshot

    export_snapshot(ledger, tmp_path / "snap")
    duck = DuckDBEngine(tmp_path / "snap", threads=1, memory_limit="1GB")
    run = evaluate_full(ledger, duck, cn_pack, D0, recorded_at=Clock().now())
    with ledger.connect() as conn:
        stored = conn.execute(
            sa.select(evaluations.c.digest, evaluations.c.pack_digest).where(
                evaluations.c.evaluation_id == run.evaluation_id
            )
        ).one()
        assert tuple(stored) == (None, None)
        assert verify_due(conn, cn_pack, D0, 7)
    assert verify(ledger, cn_pack, D0, run.evaluation_id).ok
    with ledger.connect() as conn:
        assert not verify_due(conn, cn_pack, D0, 7)
