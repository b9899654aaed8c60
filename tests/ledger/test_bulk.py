"""The bulk path validates like the per-record path and is idempotent on both engines."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from tests.factories import RECORDED_AT, TODAY, make_company, make_penalty, make_person
from xinyong.errors import InvalidData
from xinyong.ledger import BulkStats, BulkWriter, RecordValidator, SubjectLink, subject_file
from xinyong.ledger import tables as t
from xinyong.types import LinkRole, SubjectKind


def load(engine: sa.Engine, validator: RecordValidator, n: int, batch_size: int = 7) -> BulkStats:
    company, person = make_company(), make_person()
    flushes: list[int] = []
    with BulkWriter(
        engine,
        validator,
        today=TODAY,
        recorded_at=RECORDED_AT,
        batch_size=batch_size,
        on_flush=lambda s: flushes.append(s.records_new),
    ) as w:
        w.add_subject(company)
        w.add_subject(person)
        w.add_link(
            SubjectLink(
                company.subject_id,
                person.subject_id,
                LinkRole.LEGAL_REPRESENTATIVE,
                TODAY.replace(year=2020),
            )
        )
        for i in range(n):
            w.add_record(
                make_penalty(company.subject_id, source_record_id=f"P-{i}"),
                SubjectKind.LEGAL_PERSON,
            )
        w.add_record(make_penalty(company.subject_id, severity="bad"), SubjectKind.LEGAL_PERSON)
    assert flushes == sorted(flushes)
    return w.stats


def test_loads_in_batches_and_reports(engine: sa.Engine, validator: RecordValidator) -> None:
    stats = load(engine, validator, 20)
    assert (stats.subjects_new, stats.links_new, stats.records_new) == (2, 1, 20)
    assert stats.records_rejected == 1
    assert list(stats.rejections) == [
        "severity: is '…', not a severity class of item market.penalty"
    ]


def test_loading_again_changes_nothing(engine: sa.Engine, validator: RecordValidator) -> None:
    load(engine, validator, 20)
    again = load(engine, validator, 20)
    assert (again.subjects_new, again.links_new, again.records_new) == (0, 0, 0)
    assert again.records_duplicate == 20
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.records)).scalar_one() == 20


def test_bulk_rows_read_back_like_per_record_rows(
    engine: sa.Engine, validator: RecordValidator
) -> None:
    load(engine, validator, 1)
    company = make_company()
    with engine.connect() as conn:
        (entry,) = subject_file(conn, company.subject_id, as_of=TODAY).entries
    expected = make_penalty(company.subject_id, source_record_id="P-0")
    assert entry.record == expected
    assert entry.record_id == expected.record_id


def test_duplicates_inside_one_batch(engine: sa.Engine, validator: RecordValidator) -> None:
    company = make_company()
    penalty = make_penalty(company.subject_id)
    with BulkWriter(engine, validator, today=TODAY, recorded_at=RECORDED_AT) as w:
        w.add_subject(company)
        w.add_subject(company)
        w.add_record(penalty, SubjectKind.LEGAL_PERSON)
        w.add_record(replace(penalty), SubjectKind.LEGAL_PERSON)
    assert (w.stats.subjects_new, w.stats.records_new, w.stats.records_duplicate) == (1, 1, 1)


def test_an_unregistered_subject_fails_the_batch_cleanly(
    engine: sa.Engine, validator: RecordValidator
) -> None:
    with pytest.raises(InvalidData, match="add every subject before its records"):
        with BulkWriter(engine, validator, today=TODAY, recorded_at=RECORDED_AT) as w:
            w.add_record(make_penalty("91440101MA5CJQ4N59"), SubjectKind.LEGAL_PERSON)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.records)).scalar_one() == 0
