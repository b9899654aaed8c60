"""A record enters only as its catalogue item allows; every problem is named with its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.factories import TODAY, make_penalty
from xinyong.errors import InvalidData
from xinyong.ledger import EffectiveInstrument, RecordValidator
from xinyong.types import SubjectKind

COMPANY = SubjectKind.LEGAL_PERSON


def fields_of(validator: RecordValidator, record: object, kind: SubjectKind = COMPANY) -> list[str]:
    return [e.field for e in validator.errors(record, subject_kind=kind, today=TODAY)]  # type: ignore[arg-type]


def test_a_valid_record_has_no_errors(validator: RecordValidator) -> None:
    assert validator.errors(make_penalty("X"), subject_kind=COMPANY, today=TODAY) == []


def test_refuses_an_item_outside_the_catalogue(validator: RecordValidator) -> None:
    (error,) = validator.errors(
        make_penalty("X", item_code="social.online_speech"), subject_kind=COMPANY, today=TODAY
    )
    assert error.field == "item_code"
    assert "outside the catalogue are refused" in error.message
    assert "xinyong catalogue list" in error.fix


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"severity": "catastrophic"}, "severity", "use one of: minor, general, serious"),
        ({"source_agency": "tax"}, "source_agency", "providers of market.penalty: samr"),
        ({"source_record_id": "  "}, "source_record_id", "source's own record id"),
        ({"version": 0}, "version", "versions start at 1"),
        ({"region": "999999"}, "region", "six-digit code"),
        ({"published_on": date(2025, 3, 1)}, "published_on", "on or after the day"),
        ({"occurred_on": date(2025, 4, 1)}, "occurred_on", "before the decision"),
        ({"decided_on": date(2026, 11, 27)}, "decided_on", "cannot come from the future"),
    ],
)
def test_names_the_field_and_the_fix(
    validator: RecordValidator, change: dict[str, object], field: str, words: str
) -> None:
    errors = validator.errors(make_penalty("X", **change), subject_kind=COMPANY, today=TODAY)
    assert field in [e.field for e in errors]
    assert any(words in e.fix or words in e.message for e in errors if e.field == field)


def test_a_record_must_rest_on_an_effective_instrument(validator: RecordValidator) -> None:
    record = make_penalty(
        "X", instrument=EffectiveInstrument("press_release", " ", "", date(2025, 3, 14))
    )
    assert fields_of(validator, record) == [
        "instrument_type",
        "instrument_number",
        "instrument_issuer",
    ]


def test_subject_kind_must_be_one_the_item_applies_to(validator: RecordValidator) -> None:
    assert fields_of(validator, make_penalty("X"), SubjectKind.GOVERNMENT_BODY) == ["subject_kind"]


class TestAttributes:
    def test_missing_required_and_unknown_fields(self, validator: RecordValidator) -> None:
        record = make_penalty("X", attributes={"violation": "虚假广告", "religion": "佛教"})
        assert fields_of(validator, record) == [
            "attributes.penalty_types",
            "attributes.procedure",
            "attributes.religion",
        ]

    @pytest.mark.parametrize(
        ("name", "value", "words"),
        [
            ("fine_yuan", -1, "below the minimum 0"),
            ("fine_yuan", "五万", "expected a number"),
            ("fine_yuan", float("nan"), "finite"),
            ("procedure", "summary", "expected one of general, simplified"),
            ("violation", "违" * 501, "at most 500"),
            ("violation", 42, "expected text"),
        ],
    )
    def test_type_checks(
        self, validator: RecordValidator, name: str, value: object, words: str
    ) -> None:
        base = make_penalty("X")
        record = replace(base, attributes={**base.attributes, name: value})
        (error,) = validator.errors(record, subject_kind=COMPANY, today=TODAY)
        assert error.field == f"attributes.{name}" and words in error.message

    def test_integers_and_dates(self, validator: RecordValidator) -> None:
        record = make_penalty(
            "X",
            item_code="market.registration",
            instrument=EffectiveInstrument(
                "business_licence", "91350200776049653A", "厦门市市场监督管理局", date(2005, 6, 1)
            ),
            severity="not_applicable",
            attributes={
                "established_on": "2005-06-31",
                "status": "active",
                "registered_capital_yuan": True,
            },
        )
        assert fields_of(validator, record) == [
            "attributes.established_on",
            "attributes.registered_capital_yuan",
        ]


def test_check_raises_with_every_error(validator: RecordValidator) -> None:
    with pytest.raises(InvalidData) as exc:
        validator.check(
            make_penalty("X", severity="x", version=0), subject_kind=COMPANY, today=TODAY
        )
    assert [e.field for e in exc.value.errors] == ["version", "severity"]
    assert exc.value.code == "invalid-record"
