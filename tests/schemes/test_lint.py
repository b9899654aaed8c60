"""``schemes check``: what the whole-pack lint finds, and that built-in packs pass."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from xinyong.schemes import load_pack
from xinyong.schemes.lint import check_packs, lint_pack, pack_ids
from xinyong.schemes.pack import builtin_packs_dir

TODAY = date(2026, 11, 26)


def copy_cn(root: Path, name: str) -> Path:
    target = root / name
    shutil.copytree(builtin_packs_dir() / "cn", target)
    text = (target / "pack.yaml").read_text("utf-8").replace("id: cn\n", f"id: {name}\n")
    (target / "pack.yaml").write_text(text, "utf-8")
    return target


def errors(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{f.where}: {f.message}" for f in findings if f.level == "error"]


def test_the_built_in_packs_have_no_errors() -> None:
    results = check_packs(pack_ids(None), extra_path=None, today=TODAY)
    assert set(results) >= {"cn", "cn-shenzhen"}
    assert {pack: errors(found) for pack, found in results.items()} == {
        pack: [] for pack in results
    }


def test_items_about_persons_awaiting_their_law_text_are_reported() -> None:
    from xinyong.schemes.structure import AWAITING_TEXT

    findings = lint_pack(load_pack("cn"), today=TODAY)
    awaiting = {
        f.where.removeprefix("catalogue item ")
        for f in findings
        if f.level == "warning" and "whose text xinyong does not ship" in f.message
    }
    assert awaiting == set(AWAITING_TEXT)
    assert len(awaiting) == 14


def test_unverified_citations_are_reported() -> None:
    findings = lint_pack(load_pack("cn"), today=TODAY)
    assert any(f.level == "warning" and "not checked against" in f.message for f in findings)


def test_a_black_list_on_positive_records_is_an_error(tmp_path: Path) -> None:
    pack = copy_cn(tmp_path, "cn-bad")
    path = pack / "lists" / "gov_dishonest_bodies.yaml"
    text = path.read_text("utf-8").replace("polarity: key_attention", "polarity: black")
    text = text.replace(
        "items: [gov.judgment_unperformed, gov.contract_default, gov.sme_payment_arrears]",
        "items: [award.commendation]",
    )
    text = text.replace(
        "subject_kinds: [government_body, public_institution]",
        "subject_kinds: [public_institution]",
    )
    path.write_text(text, "utf-8")
    findings = lint_pack(load_pack("cn-bad", extra_path=tmp_path), today=TODAY)
    assert errors(findings) == [
        "list cn.gov.dishonest_bodies: a black list enters on award.commendation, a positive record"
    ]


def test_points_for_a_negative_record_are_an_error(tmp_path: Path) -> None:
    pack = copy_cn(tmp_path, "cn-bad")
    path = pack / "grades" / "tax_credit_grade.yaml"
    text = path.read_text("utf-8").replace("{value: -5,", "{value: 5,")
    path.write_text(text, "utf-8")
    findings = lint_pack(load_pack("cn-bad", extra_path=tmp_path), today=TODAY)
    assert errors(findings) == [
        "grading scheme cn.tax.credit_grade: indicator tax_arrears adds points for tax.arrears, "
        "a negative record"
    ]


def test_a_pack_that_does_not_load_is_an_error_with_the_loaders_words(tmp_path: Path) -> None:
    pack = copy_cn(tmp_path, "cn-bad")
    (pack / "catalogue" / "extra.yaml").write_text(
        "items:\n  - code: social.rumours\n    name_zh: 网络谣言\n", "utf-8"
    )
    (found,) = check_packs(["cn-bad"], extra_path=tmp_path, today=TODAY)["cn-bad"]
    assert found.level == "error" and "has no legal basis" in found.message


def test_calendar_years_whose_notice_is_not_checked_are_named() -> None:
    [found] = [f for f in lint_pack(load_pack("cn"), today=TODAY) if f.where == "calendar"]
    assert found.level == "warning"
    # 2023, 2024 and 2025 were checked against public copies; the others were not
    unchecked = [*range(2004, 2023), 2026]
    assert found.message.endswith(": " + ", ".join(map(str, unchecked)))
    assert found.message.startswith(f"{len(unchecked)} year(s)")


def test_a_pack_calendar_file_that_does_not_load_is_an_error(tmp_path: Path) -> None:
    pack = copy_cn(tmp_path, "cn-broken-calendar")
    path = pack / "calendar" / "2026.yaml"
    path.write_text(path.read_text("utf-8").replace("year: 2026", "year: 2025"), "utf-8")
    results = check_packs(["cn-broken-calendar"], extra_path=tmp_path, today=TODAY)
    assert [e for e in errors(results["cn-broken-calendar"]) if "calendar" in e] == [
        f"calendar 2026.yaml: {path}: year: is 2025 in a file named 2026.yaml "
        "(fix: name it 2025.yaml)"
    ]
