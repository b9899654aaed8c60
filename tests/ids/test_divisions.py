from __future__ import annotations

import pytest

from xinyong.errors import NotFound
from xinyong.ids import divisions


def test_has_every_province_level_division() -> None:
    # 34 provincial-level divisions, of which 31 on the mainland plus Taiwan, HK and Macau
    assert len(divisions().provinces) >= 34


def test_names_levels() -> None:
    table = divisions()
    assert table.get("110000").level == "province"
    assert table.get("350200").level == "prefecture"
    assert table.get("350203").level == "county"


def test_full_name_joins_the_hierarchy() -> None:
    assert divisions().full_name("350203") == "福建省 厦门市 思明区"


def test_unknown_code_is_not_found() -> None:
    with pytest.raises(NotFound, match="'999999' is not in the GB/T 2260 table"):
        divisions().get("999999")


def test_current_counties_exclude_retired_codes() -> None:
    counties = divisions().current_counties()
    assert "110105" in counties and "440524" not in counties
