"""The pack loader refuses every malformed or unlawful catalogue, saying why and how to fix it.

Each file in ``invalid/`` holds one defect. It is loaded as the catalogue of a pack that
layers on ``cn``, the same way a local pack is loaded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xinyong.errors import RuleError
from xinyong.schemes import CatalogueRefused, PackFormatError, load_pack

INVALID = Path(__file__).parent / "invalid"

#: file → (error class, code, words the message must contain)
EXPECTED: dict[str, tuple[type[RuleError], str, list[str]]] = {
    "no_legal_basis.yaml": (
        CatalogueRefused,
        "no-legal-basis",
        ["'local.no_basis' has no legal basis", "invariant 1", "add `legal_basis"],
    ),
    "empty_legal_basis.yaml": (
        CatalogueRefused,
        "no-legal-basis",
        ["'local.empty_basis' has no legal basis"],
    ),
    "religion.yaml": (
        CatalogueRefused,
        "prohibited-category",
        ["prohibited category 'religion'", "征信业管理条例 Art 14"],
    ),
    "genes.yaml": (CatalogueRefused, "prohibited-category", ["'genes'", "matched 'genetic'"]),
    "biometrics.yaml": (
        CatalogueRefused,
        "prohibited-category",
        ["'fingerprints and other biometrics'", "matched 'fingerprint'"],
    ),
    "blood_type.yaml": (CatalogueRefused, "prohibited-category", ["'blood type'"]),
    "health.yaml": (
        CatalogueRefused,
        "prohibited-category",
        ["'health and medical history'", "matched '病史'"],
    ),
    "political_opinion.yaml": (
        CatalogueRefused,
        "prohibited-category",
        ["'political opinion'", "matched '政治'"],
    ),
    "speech.yaml": (
        CatalogueRefused,
        "prohibited-category",
        ["'speech and online content'", "rumour blacklist"],
    ),
    "online_content.yaml": (
        CatalogueRefused,
        "prohibited-category",
        ["'speech and online content'", "matched 'online comments'"],
    ),
    "location_tracking.yaml": (
        CatalogueRefused,
        "prohibited-category",
        ["'location tracking'", "matched 'gps'"],
    ),
    "duplicate_key.yaml": (
        PackFormatError,
        "duplicate-key",
        ["line 19: duplicate key 'summary' (first at line 18)", "remove one"],
    ),
    "unknown_key.yaml": (
        PackFormatError,
        "pack-format",
        ["catalogue.yaml:19:items.0.fields.amount.descripton", "remove the key"],
    ),
    "malformed_date.yaml": (
        PackFormatError,
        "pack-format",
        ["catalogue.yaml:16:items.0.effective_from", "YYYY-MM-DD"],
    ),
    "unknown_instrument.yaml": (
        RuleError,
        "unknown-instrument",
        ["'social_credit_law_2030'", "laws.yaml does not register"],
    ),
    "no_such_article.yaml": (
        RuleError,
        "no-such-article",
        ["企业信息公示暂行条例 has no Art 99", "Arts 1–25"],
    ),
    "quote_not_found.yaml": (
        RuleError,
        "quote-not-found",
        ["'公示个人收入' is not in 企业信息公示暂行条例 Art 6"],
    ),
    "unverifiable_citation.yaml": (
        RuleError,
        "unverifiable-citation",
        ["marked verified", "ships no text"],
    ),
    "unknown_agency.yaml": (
        RuleError,
        "unknown-agency",
        ["'ministry_of_truth' is not in agencies.yaml"],
    ),
    "redefines_parent_item.yaml": (
        RuleError,
        "duplicate-item",
        ["'market.penalty' is already defined by a parent pack"],
    ),
    "article_and_section.yaml": (PackFormatError, "pack-format", ["exactly one of `article`"]),
    "enum_without_values.yaml": (RuleError, "bad-field-spec", ["field 'level' must have `values`"]),
    "yaml_syntax.yaml": (PackFormatError, "yaml-syntax", ["not valid YAML"]),
    # structural refusals: whatever the item is called
    "online_untrustworthiness.yaml": (
        CatalogueRefused,
        "unverified-basis",
        ["'local.online_untrustworthiness' is about natural persons", "none of its legal bases"],
    ),
    "neutral_name_unverified.yaml": (
        CatalogueRefused,
        "unverified-basis",
        ["'local.conduct_record' is about natural persons", "an unverified citation cannot"],
    ),
    "local_item_unverified.yaml": (
        CatalogueRefused,
        "unverified-basis",
        ["'local.firm_record' is defined by a local pack", "`verified: true`"],
    ),
    "sector_outside_outline.yaml": (
        CatalogueRefused,
        "unknown-sector",
        ["sector 'online_conduct' is not a field", "国发〔2014〕21号", "education, environment"],
    ),
    "free_text_on_persons.yaml": (
        CatalogueRefused,
        "unbounded-free-text",
        ["free-text field 'details' on an item about natural persons", "quotes_instrument"],
    ),
    "long_quoted_text.yaml": (
        CatalogueRefused,
        "unbounded-free-text",
        ["field 'details' allows 5000 characters", "at most 500"],
    ),
}


def make_local_pack(root: Path, catalogue: Path) -> Path:
    pack = root / "cn-testcity"
    (pack / "catalogue").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        "id: cn-testcity\nname_zh: 测试市\nname_en: Test City\nversion: '1'\nparent: cn\n",
        encoding="utf-8",
    )
    shutil.copy(catalogue, pack / "catalogue" / "catalogue.yaml")
    return root


def test_every_invalid_file_has_an_expectation() -> None:
    assert sorted(p.name for p in INVALID.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader_refuses_with_a_message_that_says_why(name: str, tmp_path: Path) -> None:
    error_class, code, words = EXPECTED[name]
    root = make_local_pack(tmp_path, INVALID / name)
    with pytest.raises(error_class) as exc:
        load_pack("cn-testcity", extra_path=root)
    assert exc.value.code == code
    for word in words:
        assert word in exc.value.detail


def test_a_valid_local_pack_adds_to_the_national_catalogue(tmp_path: Path) -> None:
    root = make_local_pack(tmp_path / "packs", Path(__file__).parent / "valid_local_item.yaml")
    pack = load_pack("cn-testcity", extra_path=root)
    assert pack.parents == ("cn",)
    assert "local.penalty" in pack.catalogue and "market.penalty" in pack.catalogue


def test_a_national_item_awaiting_its_text_is_exempt_only_as_reviewed(tmp_path: Path) -> None:
    """An item listed as awaiting its law text loads only unchanged: the same code renamed to
    严重网络失信行为 in a copy of the national pack is refused for its unverified basis."""
    from xinyong.schemes.pack import builtin_packs_dir

    shutil.copytree(builtin_packs_dir() / "cn", tmp_path / "cn")
    assert "court.dishonest_debtor" in load_pack("cn", extra_path=tmp_path).catalogue
    judicial = tmp_path / "cn" / "catalogue" / "judicial.yaml"
    text = judicial.read_text("utf-8")
    assert text.count("name_zh: 失信被执行人\n") == 1
    judicial.write_text(text.replace("name_zh: 失信被执行人\n", "name_zh: 严重网络失信行为\n"))
    with pytest.raises(CatalogueRefused) as exc:
        load_pack("cn", extra_path=tmp_path)
    assert exc.value.code == "unverified-basis"
    assert "'court.dishonest_debtor' is about natural persons" in exc.value.detail


def test_the_sectors_are_the_outlines_fields_without_online_conduct() -> None:
    from xinyong.schemes.structure import sectors
    from xinyong.types import Area

    fields = sectors()
    assert {f.area for f in fields.values()} == set(Area)
    assert not [f.name_zh for f in fields.values() if "互联网" in f.name_zh or "网络" in f.name_zh]
    assert fields["court_enforcement"].name_zh == "法院公信建设"
    assert fields["tax"].section == "二（二）深入推进商务诚信建设"
