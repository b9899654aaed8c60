"""Factories with realistic, memorable literals. Override any field by keyword."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from xinyong.ledger import EffectiveInstrument, Record, Subject, make_subject
from xinyong.types import SubjectKind

#: A real, valid code (docs/sources.md §1.1 worked example), for a Xiamen company.
XIAMEN_USCC = "91350200776049653A"
#: A second real, valid code, for a Guangzhou company.
GUANGZHOU_USCC = "91440101MA5CJQ4N59"
#: A valid resident number from GB 11643's worked example (Beijing Chaoyang, born 1949).
BEIJING_RESIDENT = "11010519491231002X"
TODAY = date(2026, 11, 26)
RECORDED_AT = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
KEY = b"test-secret-for-pseudonyms"


def make_company(**overrides: Any) -> Subject:
    args: dict[str, Any] = {
        "kind": SubjectKind.LEGAL_PERSON,
        "code": XIAMEN_USCC,
        "name": "厦门鹭江海鲜贸易有限公司",
        "source_agency": "samr",
    }
    args.update(overrides)
    return make_subject(
        args["kind"],
        args["code"],
        args["name"],
        key=KEY,
        today=TODAY,
        source_agency=args["source_agency"],
    )


def make_person(**overrides: Any) -> Subject:
    args: dict[str, Any] = {
        "kind": SubjectKind.NATURAL_PERSON,
        "code": BEIJING_RESIDENT,
        "name": "王秀英",
        "source_agency": "court",
    }
    args.update(overrides)
    return make_subject(
        args["kind"],
        args["code"],
        args["name"],
        key=KEY,
        today=TODAY,
        source_agency=args["source_agency"],
    )


def make_penalty(subject_id: str, **overrides: Any) -> Record:
    """A general-procedure market-regulation fine for false advertising."""
    args: dict[str, Any] = {
        "item_code": "market.penalty",
        "subject_id": subject_id,
        "source_agency": "samr",
        "source_record_id": "XMSJ-2025-0042",
        "version": 1,
        "instrument": EffectiveInstrument(
            type="penalty_decision",
            number="厦市监罚〔2025〕42号",
            issuer="厦门市市场监督管理局",
            issued_on=date(2025, 3, 14),
        ),
        "decided_on": date(2025, 3, 14),
        "published_on": date(2025, 3, 20),
        "occurred_on": date(2025, 1, 8),
        "severity": "general",
        "attributes": {
            "violation": "发布虚假广告",
            "penalty_types": "罚款",
            "fine_yuan": 50000,
            "procedure": "general",
        },
        "region": "350200",
    }
    args.update(overrides)
    return Record(**args)
