"""Quarantine review, single-record submission and the per-source report."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.ingest.helpers import deliver, row
from xinyong.errors import ConflictError, InvalidData
from xinyong.ingest.quarantine import QuarantineStatus, get_entry, list_entries, reject, release
from xinyong.ingest.report import ingest_report
from xinyong.ingest.service import IngestOptions
from xinyong.ingest.submit import submit_record
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack

OPTIONS = IngestOptions(
    key=b"test-secret-for-pseudonyms",
    delivered_on=date(2026, 9, 30),
    recorded_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
)
AT = datetime(2026, 10, 2, 10, 0, tzinfo=UTC)


def records(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(lt.records)).scalar_one())


@pytest.fixture
def quarantined(engine: sa.Engine, cn_pack: Pack, tmp_path: Path) -> list[str]:
    rows = [
        row(source_record_id="SEV", severity="catastrophic"),
        row(source_record_id="INST", instrument_number=""),
        row(source_record_id="OK"),
    ]
    deliver(engine, cn_pack, tmp_path / "records-samr.csv", rows, options=OPTIONS)
    with engine.connect() as conn:
        entries, total = list_entries(conn)
    assert total == 2
    return [e.quarantine_id for e in entries]


class TestQuarantineReview:
    def test_a_fixed_row_is_released_into_the_ledger(
        self, engine: sa.Engine, cn_pack: Pack, quarantined: list[str]
    ) -> None:
        entry = release(
            engine,
            cn_pack,
            quarantined[0][:10],
            changes={"severity": "general"},
            actor="李审核",
            reason="severity mistyped by the source",
            key=OPTIONS.key,
            recorded_at=AT,
        )
        assert entry.status is QuarantineStatus.RELEASED
        assert entry.actions[0]["actor"] == "李审核"
        assert entry.actions[0]["changes"] == {"severity": "general"}
        assert records(engine) == 2
        with engine.connect() as conn:
            assert list_entries(conn)[1] == 1
            assert list_entries(conn, status=QuarantineStatus.RELEASED)[1] == 1

    def test_a_release_that_is_still_invalid_changes_nothing(
        self, engine: sa.Engine, cn_pack: Pack, quarantined: list[str]
    ) -> None:
        with pytest.raises(InvalidData) as exc:
            release(
                engine,
                cn_pack,
                quarantined[0],
                changes={"severity": "worse"},
                actor="李审核",
                reason=None,
                key=OPTIONS.key,
                recorded_at=AT,
            )
        assert exc.value.errors[0].field == "severity"
        with engine.connect() as conn:
            assert get_entry(conn, quarantined[0]).status is QuarantineStatus.OPEN
        assert records(engine) == 1

    def test_a_rejection_needs_a_reason_and_is_final(
        self, engine: sa.Engine, cn_pack: Pack, quarantined: list[str]
    ) -> None:
        with pytest.raises(InvalidData, match="needs a reason"):
            reject(engine, quarantined[1], actor="李审核", reason=" ", recorded_at=AT)
        entry = reject(
            engine, quarantined[1], actor="李审核", reason="no instrument exists", recorded_at=AT
        )
        assert entry.status is QuarantineStatus.REJECTED
        with pytest.raises(ConflictError, match="already rejected by 李审核"):
            release(
                engine,
                cn_pack,
                quarantined[1],
                changes={"instrument_number": "X"},
                actor="王",
                reason=None,
                key=OPTIONS.key,
                recorded_at=AT,
            )

    def test_an_action_needs_an_actor(
        self, engine: sa.Engine, cn_pack: Pack, quarantined: list[str]
    ) -> None:
        with pytest.raises(InvalidData, match="reviewer's name"):
            reject(engine, quarantined[1], actor="", reason="x", recorded_at=AT)


class TestSubmission:
    def test_one_record_through_the_same_validation(self, engine: sa.Engine, cn_pack: Pack) -> None:
        first = submit_record(engine, cn_pack, source="samr", row=row(), options=OPTIONS)
        again = submit_record(engine, cn_pack, source="samr", row=row(), options=OPTIONS)
        assert (first.new, again.new, first.record_id) == (True, False, again.record_id)
        with pytest.raises(InvalidData) as exc:
            submit_record(
                engine,
                cn_pack,
                source="samr",
                options=OPTIONS,
                row=row(source_record_id="B", severity="x", instrument_number=""),
            )
        assert [e.field for e in exc.value.errors] == ["severity", "instrument_number"]
        assert records(engine) == 1


class TestReport:
    def test_counts_reasons_and_timeliness_per_source(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        rows = [
            # decided Thursday 12 Feb 2026; 5 working days to 26 Feb across the Spring Festival
            row(
                source_record_id="ON-TIME",
                decided_on="2026-02-12",
                instrument_date="2026-02-12",
                occurred_on="2026-01-05",
                published_on="2026-02-26",
            ),
            # 10 working days from 2 to 16 March: 3 days late against 7
            row(
                source_record_id="LATE",
                decided_on="2026-03-02",
                instrument_date="2026-03-02",
                occurred_on="2026-01-05",
                published_on="2026-03-16",
            ),
            row(source_record_id="BAD", severity="x"),
        ]
        deliver(engine, cn_pack, tmp_path / "records-samr.csv", rows, options=OPTIONS)
        with engine.connect() as conn:
            (report,) = ingest_report(conn, cn_pack)
        assert (
            report.source_agency,
            report.rows_delivered,
            report.accepted,
            report.quarantined,
        ) == ("samr", 3, 2, 1)
        assert report.reasons == [
            ("severity: is '…', not a severity class of item market.penalty", 1)
        ]
        t = report.timeliness
        assert (t.checked, t.on_time, t.late, t.median_days_late, t.max_days_late) == (
            2,
            1,
            1,
            3,
            3,
        )
