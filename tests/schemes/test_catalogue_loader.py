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
    catalogue = tmp_path / "valid.yaml"
    text = (INVALID / "unknown_agency.yaml").read_text("utf-8")
    catalogue.write_text(text.replace("ministry_of_truth", "samr"), encoding="utf-8")
    root = make_local_pack(tmp_path / "packs", catalogue)
    pack = load_pack("cn-testcity", extra_path=root)
    assert pack.parents == ("cn",)
    assert "local.no_agency" in pack.catalogue and "market.penalty" in pack.catalogue
