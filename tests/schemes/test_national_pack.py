from __future__ import annotations

from collections import Counter

import pytest

from xinyong.errors import NotFound
from xinyong.schemes import Pack, load_pack
from xinyong.schemes.laws import articles_of
from xinyong.schemes.prohibited import find_prohibited
from xinyong.types import Area, SubjectKind


def test_covers_the_four_areas_of_the_outline(cn_pack: Pack) -> None:
    areas = Counter(item.area for item in cn_pack.catalogue)
    assert set(areas) == set(Area)


def test_covers_the_key_sectors_the_issue_names(cn_pack: Pack) -> None:
    sectors = {item.sector for item in cn_pack.catalogue}
    wanted = {
        "tax",
        "prices",
        "customs",
        "workplace_safety",
        "product_quality",
        "environment",
        "food_drugs",
        "healthcare",
        "ip",
        "logistics",
        "construction",
        "procurement",
        "ecommerce",
        "transport",
        "contracts",
        "labour_social_insurance",
        "education",
        "research",
        "civil_service",
        "social_organisations",
        "court_enforcement",
    }
    assert wanted <= sectors


def test_every_subject_kind_has_items(cn_pack: Pack) -> None:
    kinds = {kind for item in cn_pack.catalogue for kind in item.subject_kinds}
    assert kinds == set(SubjectKind)


def test_civil_servants_files_are_not_public(cn_pack: Pack) -> None:
    items = [i for i in cn_pack.catalogue if i.sector == "civil_service"]
    assert {i.code.split(".")[1] for i in items} == {
        "personal_matters_report",
        "integrity_record",
        "annual_review",
        "violation",
    }
    assert {i.public for i in items} == {"authorised"}


def test_every_verified_citation_quotes_its_article(cn_pack: Pack) -> None:
    verified = [
        (item.code, ref) for item in cn_pack.catalogue for ref in item.legal_basis if ref.verified
    ]
    assert len(verified) >= 10
    for code, ref in verified:
        text = cn_pack.laws[ref.instrument].text
        assert text is not None and ref.article is not None, code
        assert ref.quote and ref.quote in articles_of(text)[ref.article], code


def test_no_item_touches_a_prohibited_category(cn_pack: Pack) -> None:
    for item in cn_pack.catalogue:
        texts = [item.code, item.name_zh, item.name_en, item.sector, *item.fields]
        texts += [spec.description for spec in item.fields.values()]
        assert find_prohibited(texts) == [], item.code


def test_cite_renders_a_reference(cn_pack: Pack) -> None:
    ref = cn_pack.catalogue.get("market.annual_report_overdue").legal_basis[0]
    assert cn_pack.cite(ref) == "企业信息公示暂行条例 Art 17"


def test_unknown_item_names_near_matches(cn_pack: Pack) -> None:
    with pytest.raises(NotFound, match="'tax.arrear' is not in the catalogue; items in 'tax'"):
        cn_pack.catalogue.get("tax.arrear")


def test_unknown_pack() -> None:
    with pytest.raises(NotFound, match="pack 'cn-atlantis' not found; built-in packs: cn"):
        load_pack("cn-atlantis")
