"""List types load strictly: parameters with references, criteria on real fields, and a
local list only on a local regulation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from xinyong.errors import RuleError
from xinyong.schemes import Pack, PackFormatError, load_pack

VALID = """\
id: cn.testcity.food_list
name_zh: 测试食品名单
name_en: Test food list
polarity: black
serious: true
legal_basis:
  - {instrument: shenzhen_credit_2023, article: 77, quote: 地方性法规的依据, verified: true}
subject_kinds: [legal_person]
entry:
  items: [food_drugs.food_penalty]
  where:
    - {field: severity, op: eq, value: serious}
notice: {required: true, period: notice_days}
term: {months: term_months}
exit_conditions: after the term
remedies: reconsideration or litigation
parameters:
  notice_days:
    description: d
    unit: working_day
    values:
      2023-06-01: {value: 5, reference: {instrument: shenzhen_credit_2023, article: 78}}
  term_months:
    description: t
    unit: month
    values:
      2023-06-01: {value: 36, reference: {instrument: shenzhen_credit_2023, article: 77}}
effective_from: 2023-06-01
"""

LAWS = """\
instruments:
  shenzhen_credit_2023:
    title_zh: 深圳经济特区社会信用条例
    title_en: Shenzhen SEZ Social Credit Regulations
    kind: local_regulation
    issuer: 深圳市人民代表大会常务委员会
    promulgated: 2022-12-29
    effective: 2023-03-01
    text: 深圳经济特区社会信用条例(2023-01-06).md
"""


def local_pack(root: Path, list_yaml: str, laws: str = LAWS) -> Pack:
    pack = root / "cn-testcity"
    (pack / "lists").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        "id: cn-testcity\nname_zh: 测试市\nname_en: Test City\nversion: '1'\nparent: cn\n", "utf-8"
    )
    (pack / "laws.yaml").write_text(laws, "utf-8")
    (pack / "lists" / "food.yaml").write_text(list_yaml, "utf-8")
    return load_pack("cn-testcity", extra_path=root)


def test_a_valid_local_list_loads_beside_the_national_ones(tmp_path: Path) -> None:
    pack = local_pack(tmp_path, VALID)
    assert "cn.testcity.food_list" in pack.lists and "cn.court.dishonest_debtors" in pack.lists
    value, since, _ = (
        pack.lists["cn.testcity.food_list"].parameters["term_months"].at(date(2024, 1, 1))
    )  # type: ignore[misc]
    assert (value, since) == (36, date(2023, 6, 1))


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (
            ("kind: local_regulation", "kind: local_rule"),
            RuleError,
            "needs a local regulation (地方性法规)",
        ),
        (
            ("field: severity", "field: attributes.fine"),
            RuleError,
            "condition on 'attributes.fine', which item food_drugs.food_penalty does not have",
        ),
        (("field: severity", "field: subject_name"), RuleError, "condition on 'subject_name'"),
        (
            ("period: notice_days", "period: answer_days"),
            PackFormatError,
            "parameter 'answer_days' is used but not defined",
        ),
        (
            ("polarity: black", "polarity: red"),
            PackFormatError,
            "only a black list can be a serious list",
        ),
        (
            ("items: [food_drugs.food_penalty]", "items: [food.penalty]"),
            RuleError,
            "entry item 'food.penalty' is not in the catalogue",
        ),
        (
            (
                "{value: 36, reference: {instrument: shenzhen_credit_2023, article: 77}}",
                "{value: 36}",
            ),
            PackFormatError,
            "reference",
        ),
        (("2023-06-01: {value: 5", "2023-02-30: {value: 5"), PackFormatError, "values"),
        (
            ("op: eq, value: serious", "op: in, value: serious"),
            PackFormatError,
            "`in` and `not_in` take a list",
        ),
    ],
)
def test_refuses(
    tmp_path: Path, change: tuple[str, str], error: type[Exception], words: str
) -> None:
    yaml_text, laws = VALID, LAWS
    if change[0] in laws:
        laws = laws.replace(*change)
    else:
        assert change[0] in yaml_text
        yaml_text = yaml_text.replace(*change)
    with pytest.raises(error) as exc:
        local_pack(tmp_path, yaml_text, laws)
    assert words in str(exc.value)


def test_every_national_list_cites_and_parameters_carry_references(cn_pack: Pack) -> None:
    for list_type in cn_pack.lists.values():
        assert list_type.legal_basis and list_type.exit_conditions and list_type.remedies
        for parameter in list_type.parameters.values():
            assert all(v.reference.instrument in cn_pack.laws for v in parameter.values.values())


def test_a_local_pack_may_narrow_a_deadline_but_not_widen_it(tmp_path: Path) -> None:
    def procedures(days: int) -> str:
        return (
            "parameters:\n  repair_decision_working_days:\n    description: d\n"
            "    unit: working_day\n    values:\n"
            f"      2025-07-01: {{value: {days}, reference: {{instrument: shenzhen_credit_2023, "
            "article: 82}}\n"
        )

    pack = local_pack(tmp_path / "a", VALID)
    (pack.path / "procedures.yaml").write_text(procedures(2), "utf-8")
    narrowed = load_pack("cn-testcity", extra_path=tmp_path / "a")
    assert narrowed.procedures["repair_decision_working_days"].at(date(2026, 1, 1))[0] == 2  # type: ignore[index]
    (pack.path / "procedures.yaml").write_text(procedures(5), "utf-8")
    with pytest.raises(RuleError, match="5 from 2025-07-01 widens the 3 that cn sets"):
        load_pack("cn-testcity", extra_path=tmp_path / "a")


def test_shenzhen_cites_its_regulation_verbatim() -> None:
    pack = load_pack("cn-shenzhen")
    local = pack.lists["cn_shenzhen.food_drug_safety"]
    assert all(r.verified for r in local.legal_basis)
    assert pack.laws[local.legal_basis[0].instrument].kind == "local_regulation"
    assert pack.procedures["objection_provider_decision_working_days"].at(date(2026, 1, 1))[0] == 2  # type: ignore[index]
