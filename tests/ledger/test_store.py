"""The ledger on SQLite and on PostgreSQL: append-only, idempotent, derived as of a date."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import (
    GUANGZHOU_USCC,
    RECORDED_AT,
    TODAY,
    make_company,
    make_penalty,
    make_person,
)
from xinyong.errors import InvalidData, NotFound
from xinyong.ledger import (
    EventKind,
    RecordEvent,
    RecordStatus,
    RecordValidator,
    SubjectLink,
    add_link,
    append_event,
    append_record,
    make_engine,
    register_subject,
    subject_file,
)
from xinyong.ledger import tables as t
from xinyong.types import LinkRole


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


class TestAppending:
    def test_the_same_record_twice_changes_nothing(
        self, engine: sa.Engine, validator: RecordValidator
    ) -> None:
        company = make_company()
        penalty = make_penalty(company.subject_id)
        with engine.begin() as conn:
            assert register_subject(conn, company, recorded_at=RECORDED_AT)
            assert append_record(conn, penalty, validator, recorded_at=RECORDED_AT, today=TODAY)
        with engine.begin() as conn:
            assert not register_subject(conn, company, recorded_at=RECORDED_AT)
            assert not append_record(conn, penalty, validator, recorded_at=RECORDED_AT, today=TODAY)
        assert (count(engine, t.subjects), count(engine, t.records)) == (1, 1)

    def test_record_id_is_a_hash_of_source_id_and_version(self) -> None:
        a = make_penalty("X")
        assert a.record_id == make_penalty("Y", attributes={}).record_id
        assert a.record_id != make_penalty("X", version=2).record_id
        assert a.record_id != make_penalty("X", source_agency="tax").record_id

    def test_an_invalid_record_leaves_the_ledger_as_it_was(
        self, engine: sa.Engine, validator: RecordValidator
    ) -> None:
        company = make_company()
        with engine.begin() as conn:
            register_subject(conn, company, recorded_at=RECORDED_AT)
        bad = make_penalty(company.subject_id, severity="catastrophic")
        with pytest.raises(InvalidData) as exc, engine.begin() as conn:
            append_record(
                conn,
                make_penalty(company.subject_id, source_record_id="ok-1"),
                validator,
                recorded_at=RECORDED_AT,
                today=TODAY,
            )
            append_record(conn, bad, validator, recorded_at=RECORDED_AT, today=TODAY)
        assert exc.value.errors[0].field == "severity"
        assert count(engine, t.records) == 0

    def test_a_record_needs_a_registered_subject(
        self, engine: sa.Engine, validator: RecordValidator
    ) -> None:
        with pytest.raises(NotFound, match="register it before its records"), engine.begin() as c:
            append_record(
                c, make_penalty(GUANGZHOU_USCC), validator, recorded_at=RECORDED_AT, today=TODAY
            )

    def test_persons_are_stored_by_pseudonym_only(self, engine: sa.Engine) -> None:
        person = make_person()
        with engine.begin() as conn:
            register_subject(conn, person, recorded_at=RECORDED_AT)
        with engine.connect() as conn:
            row = conn.execute(sa.select(t.subjects)).mappings().one()
        assert row["subject_id"].startswith("P") and len(row["subject_id"]) == 33
        assert row["id_masked"] == "110105********002X"
        assert "11010519491231002X" not in str(dict(row))

    def test_links_need_both_subjects(self, engine: sa.Engine) -> None:
        company, person = make_company(), make_person()
        link = SubjectLink(
            company.subject_id,
            person.subject_id,
            LinkRole.LEGAL_REPRESENTATIVE,
            date(2020, 5, 1),
            source_agency="samr",
        )
        with pytest.raises(NotFound), engine.begin() as conn:
            register_subject(conn, company, recorded_at=RECORDED_AT)
            add_link(conn, link, recorded_at=RECORDED_AT)
        with engine.begin() as conn:
            register_subject(conn, company, recorded_at=RECORDED_AT)
            register_subject(conn, person, recorded_at=RECORDED_AT)
            assert add_link(conn, link, recorded_at=RECORDED_AT)
            assert not add_link(conn, link, recorded_at=RECORDED_AT)
            file = subject_file(conn, company.subject_id, as_of=TODAY)
        assert file.links == (link,)


class TestSubjectFileAsOf:
    @pytest.fixture
    def company_with_penalty(self, engine: sa.Engine, validator: RecordValidator) -> str:
        company = make_company()
        with engine.begin() as conn:
            register_subject(conn, company, recorded_at=RECORDED_AT)
            append_record(
                conn,
                make_penalty(company.subject_id),
                validator,
                recorded_at=RECORDED_AT,
                today=TODAY,
            )
        return company.subject_id

    def event(self, subject_id: str, kind: EventKind, on: date, **kw: object) -> RecordEvent:
        return RecordEvent(make_penalty(subject_id).record_id, kind, on, actor="samr", **kw)  # type: ignore[arg-type]

    def test_a_record_is_absent_before_its_decision(
        self, engine: sa.Engine, company_with_penalty: str
    ) -> None:
        with engine.connect() as conn:
            before = subject_file(conn, company_with_penalty, as_of=date(2025, 3, 13))
            on = subject_file(conn, company_with_penalty, as_of=date(2025, 3, 14))
        assert (len(before.entries), len(on.entries)) == (0, 1)

    def test_a_correction_supersedes_but_both_versions_stay(
        self, engine: sa.Engine, validator: RecordValidator, company_with_penalty: str
    ) -> None:
        v1 = make_penalty(company_with_penalty)
        v2 = replace(v1, version=2, attributes={**v1.attributes, "fine_yuan": 30000})
        with engine.begin() as conn:
            append_record(conn, v2, validator, recorded_at=RECORDED_AT, today=TODAY)
            file = subject_file(conn, company_with_penalty, as_of=TODAY)
        (entry,) = file.entries
        assert entry.record.version == 2 and entry.superseded_versions == (1,)
        assert entry.attributes["fine_yuan"] == 30000
        assert count(engine, t.records) == 2

    def test_status_follows_events_by_their_dates(
        self, engine: sa.Engine, company_with_penalty: str
    ) -> None:
        sid = company_with_penalty
        with engine.begin() as conn:
            append_event(
                conn, self.event(sid, EventKind.DISPUTED, date(2025, 4, 1)), recorded_at=RECORDED_AT
            )
            append_event(
                conn,
                self.event(sid, EventKind.DISPUTE_RESOLVED, date(2025, 4, 3)),
                recorded_at=RECORDED_AT,
            )
            append_event(
                conn,
                self.event(
                    sid,
                    EventKind.REVOKED,
                    date(2025, 9, 1),
                    reason="撤销于行政复议",
                    instrument_number="厦府复〔2025〕7号",
                ),
                recorded_at=RECORDED_AT,
            )
        states = {}
        with engine.connect() as conn:
            for day in (date(2025, 3, 31), date(2025, 4, 2), date(2025, 4, 3), date(2025, 9, 1)):
                (entry,) = subject_file(conn, sid, as_of=day).entries
                states[day] = (entry.status, entry.disputed)
        assert states == {
            date(2025, 3, 31): (RecordStatus.ACTIVE, False),
            date(2025, 4, 2): (RecordStatus.ACTIVE, True),
            date(2025, 4, 3): (RecordStatus.ACTIVE, False),
            date(2025, 9, 1): (RecordStatus.REVOKED, False),
        }

    def test_repair_and_correction_events(
        self, engine: sa.Engine, company_with_penalty: str
    ) -> None:
        sid = company_with_penalty
        with engine.begin() as conn:
            append_event(
                conn,
                self.event(
                    sid,
                    EventKind.CORRECTED,
                    date(2025, 5, 1),
                    attributes={"changes": {"fine_yuan": 5000}},
                ),
                recorded_at=RECORDED_AT,
            )
            append_event(
                conn,
                self.event(sid, EventKind.REPAIRED, date(2025, 10, 1)),
                recorded_at=RECORDED_AT,
            )
            (entry,) = subject_file(conn, sid, as_of=TODAY).entries
        assert (entry.status, entry.attributes["fine_yuan"]) == (RecordStatus.REPAIRED, 5000)
        assert [e.kind for e in entry.events] == [EventKind.CORRECTED, EventKind.REPAIRED]

    def test_the_same_event_twice_is_appended_once(
        self, engine: sa.Engine, company_with_penalty: str
    ) -> None:
        event = self.event(company_with_penalty, EventKind.DISPUTED, date(2025, 4, 1))
        with engine.begin() as conn:
            assert append_event(conn, event, recorded_at=RECORDED_AT)
            assert not append_event(conn, event, recorded_at=RECORDED_AT)
        assert count(engine, t.record_events) == 1

    def test_a_correction_needs_the_changes(
        self, engine: sa.Engine, company_with_penalty: str
    ) -> None:
        with pytest.raises(InvalidData, match="attributes.changes"), engine.begin() as conn:
            append_event(
                conn,
                self.event(company_with_penalty, EventKind.CORRECTED, date(2025, 5, 1)),
                recorded_at=RECORDED_AT,
            )

    def test_events_need_an_existing_record(self, engine: sa.Engine) -> None:
        with pytest.raises(NotFound), engine.begin() as conn:
            append_event(
                conn,
                RecordEvent("0" * 32, EventKind.DISPUTED, TODAY, "samr"),
                recorded_at=RECORDED_AT,
            )

    def test_unknown_subject(self, engine: sa.Engine) -> None:
        with pytest.raises(NotFound), engine.connect() as conn:
            subject_file(conn, GUANGZHOU_USCC, as_of=TODAY)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT FLOOR(NULL)", None),
        ("SELECT FLOOR(-2.5)", -3.0),
        ("SELECT FLOOR(7)", 7),
        ("SELECT FLOOR(1e30)", 1e30),
        ("SELECT FLOOR(1e400)", math.inf),
        ("SELECT FLOOR('2.5')", 2.0),
        ("SELECT FLOOR('n/a')", None),
    ],
)
def test_sqlite_floor_is_total(sql: str, expected: float | None) -> None:
    """SQLAlchemy's own FLOOR (math.floor) fails the whole query on NULL or a number beyond
    64-bit integers; a compiled list compares ``v = FLOOR(v)`` on attributes that may be
    either."""
    with make_engine("sqlite://").connect() as conn:
        assert conn.exec_driver_sql(sql).scalar_one() == expected
