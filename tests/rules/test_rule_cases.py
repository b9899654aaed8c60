"""Rule cases as data (``cases/<jurisdiction>/*.yaml``): records, events, and the entries
expected on given dates. Each case runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from xinyong.evaluate import SqlEngine, evaluate_lists
from xinyong.ingest.service import IngestOptions
from xinyong.ingest.submit import submit_record
from xinyong.ledger import EventKind, RecordEvent, append_event
from xinyong.ledger import tables as lt
from xinyong.schemes import load_pack

CASES = sorted((Path(__file__).parent / "cases").glob("*/*.yaml"))
OPTIONS = IngestOptions(
    key=b"rule-cases", delivered_on=date(2026, 9, 30), recorded_at=datetime(2026, 10, 1, tzinfo=UTC)
)


def _record_row(spec: dict[str, Any]) -> dict[str, Any]:
    decided = str(spec["decided_on"])
    return {
        "source_record_id": spec["source_record_id"],
        "version": str(spec["version"]),
        "item_code": spec["item_code"],
        "subject_kind": spec["subject_kind"],
        "subject_code": spec["subject_code"],
        "subject_name": spec["subject_name"],
        "instrument_type": spec["instrument_type"],
        "instrument_number": f"{spec['source_record_id']}-v{spec['version']}",
        "instrument_issuer": "测试机关",
        "instrument_date": decided,
        "decided_on": decided,
        "published_on": decided,
        "occurred_on": "",
        "severity": spec["severity"],
        "region": str(spec.get("region", "")),
        "attributes": json.dumps(spec["attributes"], ensure_ascii=False),
    }


def _load(engine: sa.Engine, case: dict[str, Any]) -> None:
    pack = load_pack(case.get("jurisdiction", "cn"))
    for spec in case["records"]:
        submit_record(engine, pack, source=spec["source"], row=_record_row(spec), options=OPTIONS)
    for spec in case.get("events", []):
        with engine.begin() as conn:
            ids = (
                conn.execute(
                    sa.select(lt.records.c.record_id).where(
                        lt.records.c.source_agency == spec["source"],
                        lt.records.c.source_record_id == spec["source_record_id"],
                    )
                )
                .scalars()
                .all()
            )
            for record_id in ids:
                append_event(
                    conn,
                    RecordEvent(
                        record_id,
                        EventKind(spec["kind"]),
                        spec["effective_on"],
                        spec["source"],
                        attributes=spec.get("attributes", {}),
                    ),
                    recorded_at=OPTIONS.recorded_at,
                )


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_rule_case(path: Path, engine: sa.Engine) -> None:
    case = yaml.safe_load(path.read_text("utf-8"))
    _load(engine, case)
    pack = load_pack(case.get("jurisdiction", "cn"))
    for check in case["checks"]:
        as_of: date = check["as_of"]
        derived = evaluate_lists(SqlEngine(engine), pack, as_of)
        entries = {(e.list_id, e.source_record_id): e for e in derived}
        assert len(entries) == len(derived), f"{case['name']} on {as_of}: one entry per record"
        expected = {(x["list"], x["source_record_id"]): x for x in check["expect"]}
        assert sorted(entries) == sorted(expected), f"{case['name']} on {as_of}"
        for key, want in expected.items():
            entry = entries[key]
            for field, value in want.items():
                if field in ("list", "source_record_id"):
                    continue
                got = getattr(entry, field) if hasattr(entry, field) else entry.explanation[field]
                assert (str(got) if got is not None else None) == (
                    str(value) if value is not None else None
                ), f"{case['name']} on {as_of}: {key} {field}"
            assert entry.explanation["legal_basis"], "every entry cites its legal basis"
