"""Grading schemes refuse what would make a grade unexplainable or unlawful to run."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from xinyong.schemes.grades import GradingScheme

REF = {"instrument": "x", "section": "s"}


def scheme(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "cn.test.grade",
        "name_zh": "测试",
        "name_en": "Test",
        "legal_basis": [REF],
        "subject_kinds": ["legal_person"],
        "public": "shared",
        "window_months": "window",
        "start_score": "start",
        "indicators": [
            {"id": "fines", "description": "d", "items": ["market.penalty"], "points": "per_fine"}
        ],
        "bands": [{"grade": "A", "min_score": 90}, {"grade": "B", "min_score": None}],
        "parameters": {
            name: {
                "description": name,
                "unit": "year",
                "values": {"2024-01-01": {"value": value, "reference": REF}},
            }
            for name, value in (("window", 12), ("start", 100), ("per_fine", -5))
        },
        "effective_from": "2024-01-01",
    }
    base.update(changes)
    return base


def test_a_valid_scheme() -> None:
    assert GradingScheme.model_validate(scheme()).bands[0].grade == "A"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {
                "bands": [
                    {"grade": "B", "min_score": 70},
                    {"grade": "A", "min_score": 90},
                    {"grade": "C", "min_score": None},
                ]
            },
            "bands go from the highest score down",
        ),
        (
            {"bands": [{"grade": "A", "min_score": None}, {"grade": "B", "min_score": None}]},
            "only the last band has `min_score: null`",
        ),
        ({"start_score": "base"}, "parameter 'base' is used but not defined"),
        ({"pilot": True}, "a pilot scheme is off by default"),
        ({"indicators": []}, "at least 1 item"),
        ({"adverse_grades": ["E"]}, "adverse_grades ['E'] are not grades of this scheme"),
    ],
)
def test_refuses(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError) as exc:
        GradingScheme.model_validate(scheme(**changes))
    assert words in str(exc.value)
