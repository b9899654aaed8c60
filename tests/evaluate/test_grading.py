"""Grades: scores from indicator counts, bands, caps, direct grades, pilots off by default."""

from __future__ import annotations

from datetime import date

import pytest

from xinyong.evaluate.grading import score_subject
from xinyong.schemes import Pack

ON = date(2026, 9, 30)


def grade(pack: Pack, scheme: str, **counts: int) -> tuple[str, int]:
    g = score_subject(pack.grades[scheme], pack, "S", counts, ON)
    return g.grade, g.score


class TestTaxCreditGrade:
    @pytest.mark.parametrize(
        ("arrears", "expected"),
        [
            (0, ("A", 100)),
            (2, ("A", 90)),
            (3, ("B", 85)),
            (6, ("B", 70)),
            (7, ("C", 65)),
            (12, ("C", 40)),
            (13, ("D", 35)),
            (40, ("D", 0)),
        ],
    )
    def test_deduction_from_100_and_the_bands(
        self, cn_pack: Pack, arrears: int, expected: tuple[str, int]
    ) -> None:
        assert grade(cn_pack, "cn.tax.credit_grade", tax_arrears=arrears) == expected

    def test_a_major_violation_makes_d_directly_and_says_so(self, cn_pack: Pack) -> None:
        g = score_subject(
            cn_pack.grades["cn.tax.credit_grade"], cn_pack, "S", {"major_violation": 1}, ON
        )
        assert (g.grade, g.score, g.direct) == ("D", 100, "major_violation")
        assert g.contributions["major_violation"]["reference"] == (
            "纳税缴费信用管理办法 Art 18 (unverified)"
        )


class TestComprehensiveEvaluation:
    def test_every_contribution_is_explained(self, cn_pack: Pack) -> None:
        g = score_subject(
            cn_pack.grades["cn.public_credit.comprehensive"],
            cn_pack,
            "S",
            {"general_penalties": 2, "commendations": 1},
            ON,
        )
        assert (g.grade, g.score) == ("B", 75)  # 80 − 2×5 + 5
        assert {k: v["points"] for k, v in g.contributions.items()} == {
            "general_penalties": -10,
            "commendations": 5,
        }

    def test_caps_bound_an_indicator(self, cn_pack: Pack) -> None:
        g = score_subject(
            cn_pack.grades["cn.public_credit.comprehensive"],
            cn_pack,
            "S",
            {"general_penalties": 9, "commendations": 5},
            ON,
        )
        assert g.contributions["general_penalties"]["points"] == -20
        assert g.contributions["commendations"]["points"] == 10
        assert (g.grade, g.score) == ("C", 70)


def test_the_points_pilot_is_off_by_default(cn_pack: Pack) -> None:
    scheme = cn_pack.grades["cn.pilot.points_rongcheng"]
    assert scheme.pilot and not scheme.enabled
    assert grade(cn_pack, "cn.pilot.points_rongcheng") == ("A", 1000)
    assert grade(cn_pack, "cn.pilot.points_rongcheng", commendations=2) == ("AAA", 1060)


class TestDirectGrades:
    def test_a_new_enterprise_is_m_from_70_points(self, cn_pack: Pack) -> None:
        assert grade(cn_pack, "cn.tax.credit_grade", new_enterprise=1) == ("M", 100)
        assert grade(cn_pack, "cn.tax.credit_grade", new_enterprise=1, tax_arrears=6) == ("M", 70)
        assert grade(cn_pack, "cn.tax.credit_grade", new_enterprise=1, tax_arrears=7) == ("C", 65)

    def test_d_for_a_major_violation_comes_first(self, cn_pack: Pack) -> None:
        assert grade(cn_pack, "cn.tax.credit_grade", new_enterprise=1, major_violation=1) == (
            "D",
            100,
        )


def test_m_grade_end_to_end_on_each_engine(engine: object, cn_pack: Pack) -> None:
    from tests.rules.test_rule_cases import OPTIONS, _record_row
    from xinyong.evaluate import SqlEngine
    from xinyong.evaluate.grading import evaluate_grades
    from xinyong.ingest.submit import submit_record

    for code, established in (
        ("91350200776049653A", "2026-03-02"),
        ("91440101MA5CJQ4N59", "2019-03-02"),
    ):
        submit_record(
            engine,
            cn_pack,
            source="samr",
            options=OPTIONS,
            row=_record_row(
                {  # type: ignore[arg-type]
                    "source_record_id": f"REG-{code}",
                    "version": 1,
                    "item_code": "market.registration",
                    "subject_kind": "legal_person",
                    "subject_code": code,
                    "subject_name": "某公司",
                    "decided_on": established,
                    "severity": "not_applicable",
                    "instrument_type": "business_licence",
                    "attributes": {"established_on": established, "status": "active"},
                }
            ),
        )
    grades = {
        g.subject_id: g.grade
        for g in evaluate_grades(
            SqlEngine(engine),
            cn_pack,  # type: ignore[arg-type]
            date(2026, 9, 30),
        )
        if g.scheme_id == "cn.tax.credit_grade"
    }
    assert grades == {"91350200776049653A": "M", "91440101MA5CJQ4N59": "A"}
