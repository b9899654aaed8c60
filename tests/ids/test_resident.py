from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.ids import (
    IdentifierError,
    divisions,
    generate_resident_id,
    mask_resident_id,
    parse_resident_id,
    pseudonymise,
)
from xinyong.ids.resident import is_pseudonym

TODAY = date(2026, 11, 26)


class TestValidation:
    def test_accepts_the_worked_examples(self) -> None:
        rid = parse_resident_id("11010519491231002X", today=TODAY)
        assert (rid.region, rid.birth_date, rid.sex) == ("110105", date(1949, 12, 31), "female")
        assert parse_resident_id("440524188001010014", today=TODAY).sex == "male"

    def test_accepts_a_lower_case_x(self) -> None:
        assert parse_resident_id("11010519491231002x", today=TODAY).number.endswith("X")

    def test_retired_region_codes_are_known(self) -> None:
        # 440524 潮阳县 was in use 1983–1992; IDs issued then keep it
        assert [d.name for d in divisions().history("440524")] == ["潮阳县"]
        assert parse_resident_id("440524188001010014", today=TODAY).warnings == ()

    def test_wrong_check_digit_says_what_was_expected(self) -> None:
        with pytest.raises(IdentifierError) as exc:
            parse_resident_id("110105194912310021", today=TODAY)
        assert exc.value.detail == "check character is '1', expected 'X' (position 18)"

    def test_impossible_birth_date(self) -> None:
        with pytest.raises(IdentifierError) as exc:
            parse_resident_id("110105194902300024", today=TODAY)
        assert exc.value.position == 7
        assert "'19490230', which is not a calendar date" in exc.value.detail

    def test_birth_date_after_today(self) -> None:
        first17 = "11010520270101002"
        from xinyong.ids import resident_check_character

        with pytest.raises(IdentifierError, match="is after 2026-11-26"):
            parse_resident_id(first17 + resident_check_character(first17), today=TODAY)

    def test_unknown_province(self) -> None:
        from xinyong.ids import resident_check_character

        first17 = "99010519491231002"
        with pytest.raises(IdentifierError, match="province '99'"):
            parse_resident_id(first17 + resident_check_character(first17), today=TODAY)

    def test_upgrades_a_fifteen_digit_number(self) -> None:
        rid = parse_resident_id("110105491231002", today=TODAY)
        assert rid.number == "11010519491231002X"

    def test_errors_never_repeat_the_number(self) -> None:
        with pytest.raises(IdentifierError) as exc:
            parse_resident_id("110105194912310021", today=TODAY)
        assert "110105194912310021" not in str(exc.value)


class TestPrivacy:
    def test_repr_shows_only_the_masked_number(self) -> None:
        rid = parse_resident_id("11010519491231002X", today=TODAY)
        assert "11010519491231002X" not in repr(rid)
        assert "110105********002X" in repr(rid)

    def test_mask_hides_the_birth_date(self) -> None:
        assert mask_resident_id("11010519491231002X") == "110105********002X"

    def test_pseudonym_is_keyed_and_stable(self) -> None:
        a = pseudonymise("11010519491231002X", key=b"platform-a")
        assert a == pseudonymise("11010519491231002X", key=b"platform-a")
        assert a != pseudonymise("11010519491231002X", key=b"platform-b")
        assert is_pseudonym(a) and "19491231" not in a


counties = st.sampled_from(divisions().current_counties())


@given(
    seed=st.integers(0, 2**32),
    region=counties,
    age_days=st.integers(0, 100 * 365),
    male=st.booleans(),
)
def test_every_generated_number_validates(
    seed: int, region: str, age_days: int, male: bool
) -> None:
    number = generate_resident_id(
        random.Random(seed), region=region, birth_date=TODAY - timedelta(days=age_days), male=male
    )
    rid = parse_resident_id(number, today=TODAY)
    assert rid.sex == ("male" if male else "female")


@given(
    seed=st.integers(0, 2**32),
    region=counties,
    age_days=st.integers(0, 100 * 365),
)
def test_every_single_character_substitution_is_detected(
    seed: int, region: str, age_days: int
) -> None:
    number = generate_resident_id(
        random.Random(seed), region=region, birth_date=TODAY - timedelta(days=age_days), male=True
    )
    for i in range(18):
        for c in "0123456789X":
            if c == number[i]:
                continue
            with pytest.raises(IdentifierError):
                parse_resident_id(number[:i] + c + number[i + 1 :], today=TODAY)
