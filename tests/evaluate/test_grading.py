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
