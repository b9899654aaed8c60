"""Text the platform cannot store or show is refused, at ingest (quarantined with field and
fix, on SQLite and PostgreSQL) and in the API (422); ``xinyong.text`` holds the one rule."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.ingest.helpers import row
from xinyong.errors import FieldError, InvalidData
from xinyong.ingest import tables as it
from xinyong.ingest.quarantine import QuarantineStatus, release
from xinyong.ingest.service import IngestOptions, ingest_file
from xinyong.ledger import subject_file
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack
from xinyong.text import storable, text_errors, unsafe_character

OPTIONS = IngestOptions(
    key=b"test-secret-for-pseudonyms",
    delivered_on=date(2026, 9, 30),
    recorded_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
)

#: source_record_id → (changes, field named, what the message says)
UNSAFE: dict[str, tuple[dict[str, Any], str, str]] = {
    "SURROGATE-NAME": (
        {"subject_name": "厦门\ud800鹭江"},
        "subject_name",
        "holds U+D800 (a lone surrogate, not a character) at position 3",
    ),
    "NUL-ISSUER": (
        {"instrument_issuer": "厦门市\x00市场监督管理局"},
        "instrument_issuer",
        "holds U+0000 (a control character) at position 4",
    ),
    "C1-ISSUER": (
        {"instrument_issuer": "厦门\x85"},
        "instrument_issuer",
        "holds U+0085 (a control character) at position 3",
    ),
    "BIDI-NUMBER": (
        {"instrument_number": "厦市监罚\u202e〔2025〕42号"},
        "instrument_number",
        "holds U+202E RIGHT-TO-LEFT OVERRIDE at position 5",
    ),
    "ZW\u200bID": ({}, "source_record_id", "holds U+200B ZERO WIDTH SPACE at position 3"),
    "SURROGATE-ATTRIBUTE": (
        {
            "attributes": '{"violation": "\\ud800", "penalty_types": "罚款", '
            '"fine_yuan": 5, "procedure": "general"}'
        },
        "attributes.violation",
        "holds U+D800 (a lone surrogate, not a character) at position 1",
    ),
}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    # json.dumps escapes a lone surrogate as \ud800, as a source's JSON writer would
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "ascii")
    return path


def test_unsafe_text_is_quarantined_with_field_and_fix_and_the_delivery_finishes(
    engine: sa.Engine, cn_pack: Pack, tmp_path: Path
) -> None:
    rows = [row(source_record_id="GOOD", subject_name="厦门鹭江海鲜贸易有限公司\t（总店）")]
    rows += [row(source_record_id=key, **changes) for key, (changes, _, _) in UNSAFE.items()]
    path = write_jsonl(tmp_path / "records-samr.jsonl", rows)
    outcome = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
    assert (outcome.status, outcome.accepted, outcome.quarantined) == ("loaded", 1, len(UNSAFE))
    with engine.connect() as conn:
        stored = conn.execute(sa.select(it.quarantine.c.raw, it.quarantine.c.errors)).all()
        (record_subject,) = conn.execute(sa.select(lt.records.c.subject_id)).scalars()
        file = subject_file(conn, record_subject, as_of=OPTIONS.delivered_on)
    assert file.subject.name == "厦门鹭江海鲜贸易有限公司\t（总店）"  # tab allowed in free text
    found = {storable(raw["source_record_id"]): errors for raw, errors in stored}
    assert sorted(found) == sorted(storable(k) for k in UNSAFE)
    for key, (_, field, message) in UNSAFE.items():
        (error,) = found[storable(key)]
        assert (error["field"], error["message"]) == (field, message), key
        assert error["fix"]
    raws = {storable(raw["source_record_id"]): raw for raw, _ in stored}
    assert raws["SURROGATE-NAME"]["subject_name"] == "厦门\\ud800鹭江"  # kept, made visible
    again = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
    assert again.status == "already-loaded"


def test_one_rule_for_free_text_and_identifiers() -> None:
    assert unsafe_character("第一行\n第二行\r\n\t缩进", identifier=False) is None
    assert unsafe_character("a\nb", identifier=True) == (2, "U+000A (a control character)")
    assert unsafe_character("a\u2066b", identifier=False) is None  # bidi isolate: free text
    assert unsafe_character("a\u2066b", identifier=True) == (
        2,
        "U+2066 LEFT-TO-RIGHT ISOLATE",
    )
    assert text_errors("attributes", {"a\u200bb": "x"}, identifier=False) == [
        FieldError(
            "attributes.a\u200bb",
            "holds U+200B ZERO WIDTH SPACE at position 2",
            "remove invisible and control characters from identifiers",
        )
    ]
    assert storable({"k\ud800": ["\x00", "好"]}) == {"k\\ud800": ["\\u0000", "好"]}


def test_a_release_must_correct_a_field_that_held_an_unstorable_character(
    engine: sa.Engine, cn_pack: Pack, tmp_path: Path
) -> None:
    bad = row(source_record_id="SURROGATE", subject_name="厦门\ud800鹭江")
    path = write_jsonl(tmp_path / "records-samr.jsonl", [bad])
    ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
    with engine.connect() as conn:
        (quarantine_id,) = conn.execute(sa.select(it.quarantine.c.quarantine_id)).scalars()
    common: dict[str, Any] = {
        "actor": "李审核",
        "reason": None,
        "key": OPTIONS.key,
        "recorded_at": datetime(2026, 10, 2, 9, 0, tzinfo=UTC),
    }
    with pytest.raises(InvalidData) as refused:
        release(engine, cn_pack, quarantine_id, changes={}, **common)
    assert refused.value.code == "uncorrected-text"
    assert [e.field for e in refused.value.errors] == ["subject_name"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(lt.records)).scalar() == 0
    fixed = {"subject_name": "厦门鹭江海鲜贸易有限公司"}
    entry = release(engine, cn_pack, quarantine_id, changes=fixed, **common)
    assert entry.status is QuarantineStatus.RELEASED
