"""Adding a year's State Council notice moves the open deadlines that ran through it, in one
transaction with their audit entries, and names the parties (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from xinyong import workdays
from xinyong.errors import InvalidData
from xinyong.ledger import audit
from xinyong.ledger import tables as t
from xinyong.rights import cases, objections, repair
from xinyong.rights.calendar_moves import Move, add_year
from xinyong.rights.tables import objections as objections_table
from xinyong.rights.tables import repairs as repairs_table
from xinyong.schemes import Pack, load_pack

#: a test fixture, not a real notice: 2027 with a made-up make-up working day (Sat 2 Jan)
FIXTURE = Path(__file__).parent / "calendar_fixture" / "2027.yaml"
FILED_ON = date(2026, 12, 28)  # Monday
NOW = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)
SUBJECT = "91350200776049653A"


@pytest.fixture(scope="module")
def shenzhen() -> Pack:
    return load_pack("cn-shenzhen")


@pytest.fixture
def calendar_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "calendar"
    workdays.configure(directory)
    yield directory
    workdays.configure(None)


def objection(n: int, pack: Pack, *, extended: bool, status: str = "open") -> dict[str, object]:
    due = objections.deadlines(pack, FILED_ON)
    assert due.decision_due is not None and due.extension_days is not None
    return {
        "objection_id": f"{n:016x}",
        "subject_id": SUBJECT,
        "target_kind": "record",
        "target": "a" * 32,
        "record_ids": ["a" * 32],
        "provider": "samr",
        "grounds": "the fine was paid in full",
        "filed_by": "account:company",
        "filed_at": NOW,
        "filed_on": FILED_ON,
        "status": status,
        "check_due": due.check_due,
        "decision_due": due.decision_due,
        "extended_to": (
            objections.extended_due(due.decision_due, due.extension_days) if extended else None
        ),
    }


def repair_row(pack: Pack) -> dict[str, object]:
    decision_due, feedback_due = repair.deadlines(pack, FILED_ON)
    return {
        "repair_id": "r" * 16,
        "subject_id": SUBJECT,
        "record_id": "b" * 32,
        "provider": "tax",
        "corrective_action": "paid",
        "evidence": [],
        "commitment": "we commit",
        "eligibility": [],
        "filed_by": "account:company",
        "filed_at": NOW,
        "filed_on": FILED_ON,
        "status": "open",
        "decision_due": decision_due,
        "feedback_due": feedback_due,
    }


def test_a_notice_for_2027_moves_the_provisional_deadlines_and_names_the_parties(
    engine: sa.Engine, shenzhen: Pack, calendar_dir: Path
) -> None:
    unextended = objection(1, shenzhen, extended=False)
    extended = objection(2, shenzhen, extended=True)
    decided = objection(3, shenzhen, extended=True, status="decided")
    applied = repair_row(shenzhen)
    # filed Monday 28 December: check Tuesday, decision Thursday 31st, both in 2026; the
    # extension by three working days crosses New Year's Day into provisional 2027
    assert (unextended["check_due"], unextended["decision_due"]) == (
        date(2026, 12, 29),
        date(2026, 12, 31),
    )
    assert extended["extended_to"] == date(2027, 1, 6)
    assert applied["feedback_due"] == date(2027, 1, 12)  # ten working days
    with engine.begin() as conn:
        conn.execute(objections_table.insert(), [unextended, extended, decided])
        conn.execute(repairs_table.insert(), [applied])
    with engine.connect() as conn:
        listed = objections.listing(conn, today=FILED_ON)["items"]
        assert [o["provisional"] for o in listed] == [False, True, True]
        assert repair.listing(conn, today=FILED_ON)["items"][0]["provisional"] is True

    year, moves = add_year(engine, shenzhen, FIXTURE, calendar_dir, actor="cli:operator", now=NOW)

    assert year.year == 2027 and year.notice is not None and year.notice.test_fixture
    # Saturday 2 January is worked in the fixture: each deadline comes one day earlier
    assert moves == [
        Move("objection", "0" * 15 + "2", SUBJECT, "samr", "extended_to",
             date(2027, 1, 6), date(2027, 1, 5)),
        Move("repair", "r" * 16, SUBJECT, "tax", "feedback_due",
             date(2027, 1, 12), date(2027, 1, 11)),
    ]  # fmt: skip
    with engine.connect() as conn:
        o = objections_table.c
        stored = dict(conn.execute(sa.select(o.objection_id, o.extended_to)).all())
        assert stored == {
            "0" * 15 + "1": None,
            "0" * 15 + "2": date(2027, 1, 5),
            "0" * 15 + "3": date(2027, 1, 6),  # decided: its deadline is history
        }
        assert conn.execute(sa.select(repairs_table.c.feedback_due)).scalar_one() == date(
            2027, 1, 11
        )
        logged = [
            (e.action, e.subject_id, e.agency)
            for e in (audit._event(r) for r in conn.execute(sa.select(t.audit_log)).mappings())
        ]
        assert logged == [
            ("calendar.objection_deadlines_moved", SUBJECT, "samr"),
            ("calendar.repair_deadlines_moved", SUBJECT, "tax"),
            ("calendar.year_added", None, None),
        ]
        assert audit.verify(conn).ok
        after = objections.listing(conn, today=FILED_ON)["items"]
        assert [o["provisional"] for o in after] == [False, False, False]
    assert (calendar_dir / "2027.yaml").read_bytes() == FIXTURE.read_bytes()
    assert workdays.active().status(2027) == "official"
    assert workdays.is_working_day(date(2027, 1, 2))
    # the same notice again changes nothing
    _, again = add_year(engine, shenzhen, FIXTURE, calendar_dir, actor="cli:operator", now=NOW)
    assert again == []


def test_a_file_that_contradicts_itself_changes_nothing(
    engine: sa.Engine, shenzhen: Pack, calendar_dir: Path, tmp_path: Path
) -> None:
    with engine.begin() as conn:
        conn.execute(objections_table.insert(), [objection(2, shenzhen, extended=True)])
    broken = tmp_path / "2027.yaml"
    broken.write_text(
        FIXTURE.read_text("utf-8").replace("2027-01-02, name", "2027-01-04, name"), "utf-8"
    )
    with pytest.raises(InvalidData) as exc:
        add_year(engine, shenzhen, broken, calendar_dir, actor="cli:operator", now=NOW)
    assert [e.field for e in exc.value.errors] == ["2027.yaml:workdays.0.date"]
    assert "2027-01-04 is a weekday" in exc.value.detail
    assert "Saturdays and Sundays" in exc.value.errors[0].fix
    assert not calendar_dir.exists() or list(calendar_dir.iterdir()) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(objections_table.c.extended_to)).scalar_one() == date(
            2027, 1, 6
        )
        assert conn.execute(sa.select(sa.func.count()).select_from(t.audit_log)).scalar() == 0
    assert workdays.active().status(2027) == "provisional"


def test_an_official_year_is_corrected_only_on_purpose(
    engine: sa.Engine, shenzhen: Pack, calendar_dir: Path, tmp_path: Path
) -> None:
    add_year(engine, shenzhen, FIXTURE, calendar_dir, actor="cli:operator", now=NOW)
    other = tmp_path / "2027.yaml"
    other.write_text(FIXTURE.read_text("utf-8").replace("2027-01-02, name", "2027-01-03, name"))
    with pytest.raises(InvalidData) as exc:
        add_year(engine, shenzhen, other, calendar_dir, actor="cli:operator", now=NOW)
    assert exc.value.code == "calendar-year-exists"
    assert "--replace" in exc.value.errors[0].fix
    assert workdays.is_working_day(date(2027, 1, 2))
    add_year(engine, shenzhen, other, calendar_dir, actor="cli:operator", now=NOW, replace=True)
    assert workdays.is_working_day(date(2027, 1, 3))
    assert not workdays.is_working_day(date(2027, 1, 2))


def test_a_case_deadline_is_provisional_only_on_a_provisional_year() -> None:
    row = {"filed_on": date(2026, 12, 1), "decision_due": date(2026, 12, 4)}
    assert cases.provisional(row) is False
    assert cases.provisional({**row, "feedback_due": date(2027, 1, 4)}) is True
    # a credit-reporting objection runs in calendar days: no working-day calendar involved
    assert (
        cases.provisional({**row, "regime": "credit_reporting", "decision_due": date(2027, 1, 4)})
        is False
    )


def test_a_running_process_sees_a_year_another_process_added(
    calendar_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert workdays.active().status(2027) == "provisional"
    calendar_dir.mkdir()
    (calendar_dir / "2027.yaml").write_bytes(FIXTURE.read_bytes())  # `calendar add` elsewhere
    monkeypatch.setattr(workdays, "RELOAD_SECONDS", 0.0)
    assert workdays.active().status(2027) == "official"
