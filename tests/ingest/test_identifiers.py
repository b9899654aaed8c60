"""Ingest classifies subject codes with ``ids.classify``, as screening and look-ups do: the
same code gets the same answer on every path (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import XIAMEN_USCC
from tests.ingest.helpers import deliver, row
from xinyong.errors import InvalidData
from xinyong.ids import Mode
from xinyong.ingest import tables as it
from xinyong.ingest.service import IngestOptions
from xinyong.ledger import tables as lt
from xinyong.ledger.subject import subject_key
from xinyong.schemes import Pack

OPTIONS = IngestOptions(
    key=b"test-secret-for-pseudonyms",
    delivered_on=date(2026, 9, 30),
    recorded_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
)
INVISIBLE = XIAMEN_USCC[:4] + "\u200b" + XIAMEN_USCC[4:]
WIDE = "".join(chr(ord(c) + 0xFEE0) for c in XIAMEN_USCC)


def test_ingest_and_lookups_agree_on_every_code(
    engine: sa.Engine, cn_pack: Pack, tmp_path: Path
) -> None:
    rows = [
        row(source_record_id="WIDE", subject_code=WIDE),
        row(source_record_id="INVISIBLE", subject_code=INVISIBLE),
        row(source_record_id="WRONG", subject_code="91350200776049653B"),
    ]
    outcome = deliver(engine, cn_pack, tmp_path / "records-samr.csv", rows, options=OPTIONS)
    assert (outcome.accepted, outcome.quarantined) == (1, 2)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(lt.records.c.subject_id)).scalars().all()
        errors = {
            raw["source_record_id"]: errors[0]
            for raw, errors in conn.execute(sa.select(it.quarantine.c.raw, it.quarantine.c.errors))
        }
    assert stored == [XIAMEN_USCC]  # full width normalised, as a look-up normalises it
    assert subject_key(WIDE, key=OPTIONS.key, today=OPTIONS.delivered_on) == XIAMEN_USCC
    for source_record_id, code in (("INVISIBLE", INVISIBLE), ("WRONG", "91350200776049653B")):
        with pytest.raises(InvalidData) as refused:
            subject_key(code, key=OPTIONS.key, today=OPTIONS.delivered_on, mode=Mode.STRICT)
        quarantined = errors[source_record_id]
        assert quarantined["field"] == "subject_code"
        # one fault, worded once: the quarantine and the API give the same reason
        assert quarantined["message"] == (
            f"not a valid Unified Social Credit Code: {refused.value.errors[0].message}"
        )
