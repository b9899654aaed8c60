"""Measures and memoranda load strictly: proportionality is a load-time refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.errors import RuleError
from xinyong.schemes import Pack, PackFormatError, load_pack

MEMO = """\
id: cn.testcity.mou
title_zh: 测试备忘录
title_en: Test memorandum
number: 测发〔2026〕1号
legal_basis: [{{instrument: ndrc_2016_141, section: 惩戒措施}}]
initiator: court
signatories: [court, procurement]
target_lists: [{target}]
rows:
  - measure: {measure}
    implementing_agency: procurement
    legal_basis: [{{instrument: ndrc_2016_141, section: x}}]
effective_from: 2026-01-01
"""

MEASURE = """\
measures:
  - id: cn.testcity.m
    content_zh: 测试
    content_en: test
    category: {category}
    effect: {effect}
    actions: [procurement.bid]
    legal_basis: [{{instrument: government_procurement_law, article: 22}}]
    implementing_agency: {agency}
    remedy: leave the list
    effective_from: 2026-01-01
{extra}"""


def local_pack(root: Path, memo: str | None = None, measures: str | None = None) -> Pack:
    pack = root / "cn-testcity"
    (pack / "memoranda").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        "id: cn-testcity\nname_zh: 测试市\nname_en: Test City\nversion: '1'\nparent: cn\n", "utf-8"
    )
    if memo is not None:
        (pack / "memoranda" / "mou.yaml").write_text(memo, "utf-8")
    if measures is not None:
        (pack / "measures.yaml").write_text(measures, "utf-8")
    return load_pack("cn-testcity", extra_path=root)


def test_the_national_memoranda_bind_measures_to_their_lists(cn_pack: Pack) -> None:
    memo = cn_pack.memoranda["cn.mou.dishonest_debtors_2016"]
    assert memo.target_lists == ("cn.court.dishonest_debtors",)
    actions = {a for row in memo.rows for a in cn_pack.measures[row.measure].actions}
    assert {"aviation.ticket", "rail.g_train", "procurement.bid", "finance.credit"} <= actions
    assert "cn.mou.major_tax_violations_2014" in cn_pack.memoranda
    incentives = cn_pack.memoranda["cn.mou.a_grade_taxpayers_2016"]
    assert all(cn_pack.measures[r.measure].effect == "reward" for r in incentives.rows)


def test_a_valid_local_memorandum_loads(tmp_path: Path) -> None:
    memo = MEMO.format(target="cn.tax.major_violation", measure="cn.m.procurement_bar")
    assert "cn.testcity.mou" in local_pack(tmp_path, memo).memoranda


@pytest.mark.parametrize(
    ("target", "measure", "code"),
    [
        # the abnormal-operations list is not a serious list
        ("cn.samr.abnormal_operations", "cn.m.procurement_bar", "disproportionate-measure"),
        ("cn.red.green_lane", "cn.m.licence_scrutiny", "penalty-on-red-list"),
        ("cn.tax.major_violation", "cn.m.green_lane", "incentive-on-black-list"),
        ("cn.no.such_list", "cn.m.procurement_bar", "unknown-list"),
        ("cn.tax.major_violation", "cn.m.no_such_measure", "unknown-measure"),
    ],
)
def test_refuses_disproportionate_or_unknown_rows(
    tmp_path: Path, target: str, measure: str, code: str
) -> None:
    with pytest.raises(RuleError) as refused:
        local_pack(tmp_path, MEMO.format(target=target, measure=measure))
    assert refused.value.code == code
    assert "mou.yaml" in refused.value.detail


def test_a_market_actor_cannot_be_given_an_order(tmp_path: Path) -> None:
    measures = MEASURE.format(category="rights_reducing", effect="deny", agency="banks", extra="")
    with pytest.raises(RuleError) as refused:
        local_pack(tmp_path, measures=measures)
    assert refused.value.code == "market-actor-ordered"


def test_a_market_measure_cannot_deny(tmp_path: Path) -> None:
    measures = MEASURE.format(category="market_autonomous", effect="deny", agency="banks", extra="")
    with pytest.raises(PackFormatError, match="never deny"):
        local_pack(tmp_path, measures=measures)


def test_reaching_linked_persons_needs_its_own_basis(tmp_path: Path) -> None:
    measures = MEASURE.format(
        category="rights_reducing",
        effect="deny",
        agency="procurement",
        extra="    reaches: [legal_representative]\n",
    )
    with pytest.raises(PackFormatError, match="reach_basis"):
        local_pack(tmp_path, measures=measures)
