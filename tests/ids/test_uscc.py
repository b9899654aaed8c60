from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.ids import IdentifierError, Mode, divisions, generate_uscc, parse_uscc
from xinyong.ids.uscc import ALPHABET

#: Verified-valid samples from docs/sources.md §1.1 [C].
REAL_CODES = [
    "91350200776049653A",
    "91440101MA5CJQ4N59",
    "913502000728319549",
    "123502001549897397",
    "91350503MA31DNG762",
]


class TestParsing:
    @pytest.mark.parametrize("code", REAL_CODES)
    def test_accepts_real_codes(self, code: str) -> None:
        assert parse_uscc(code).code == code

    def test_splits_the_five_segments(self) -> None:
        uscc = parse_uscc("91350200776049653A")
        assert (
            uscc.registration_authority,
            uscc.entity_type,
            uscc.division,
            uscc.organisation_code,
            uscc.check,
        ) == ("9", "1", "350200", "776049653", "A")

    def test_normalises_case_and_whitespace(self) -> None:
        assert parse_uscc("  91440101ma5cjq4n59 ").code == "91440101MA5CJQ4N59"

    def test_names_the_authority_and_kind(self) -> None:
        info = parse_uscc("123502001549897397").authority_info()
        assert info is not None and info["subject_kind"] == "public_institution"


class TestRejection:
    def test_wrong_check_character_says_what_was_expected(self) -> None:
        with pytest.raises(IdentifierError) as exc:
            parse_uscc("91350200776049653B")
        assert "check character is 'B', expected 'A'" in exc.value.detail
        assert exc.value.position == 18
        assert exc.value.expected == "A"

    def test_excluded_letter_names_its_position(self) -> None:
        with pytest.raises(IdentifierError) as exc:
            parse_uscc("91350200776O49653A")
        assert exc.value.position == 12
        assert "'O'" in exc.value.detail

    def test_letter_in_division_segment(self) -> None:
        with pytest.raises(IdentifierError) as exc:
            parse_uscc("913502A0776049653A")
        assert exc.value.position == 7
        assert "division code" in exc.value.detail

    def test_wrong_length(self) -> None:
        with pytest.raises(IdentifierError, match="18 characters, got 17"):
            parse_uscc("91350200776049653")

    def test_unknown_province(self) -> None:
        # 99 is no province; build a code with correct check characters so only that fails
        code = generate_uscc(random.Random(1), authority="9", entity_type="1", division="990101")
        with pytest.raises(IdentifierError, match="not a province code"):
            parse_uscc(code)


class TestModes:
    def test_exception_list_accepts_a_real_code_issued_with_a_wrong_check(self) -> None:
        uscc = parse_uscc("91350211M0000XUF46")
        assert uscc.code == "91350211M0000XUF46"
        assert "exception list" in uscc.warnings[0]

    def test_strict_mode_rejects_a_bad_check_not_on_the_list(self) -> None:
        with pytest.raises(IdentifierError, match="strict mode"):
            parse_uscc("91350200776049653B", mode=Mode.STRICT)

    def test_lenient_mode_accepts_with_a_warning(self) -> None:
        uscc = parse_uscc("91350200776049653B", mode=Mode.LENIENT)
        assert uscc.warnings == (
            "check character is 'B', expected 'A' (position 18); accepted in lenient mode",
        )

    def test_lenient_mode_still_rejects_a_malformed_code(self) -> None:
        with pytest.raises(IdentifierError):
            parse_uscc("9135020077604965IA", mode=Mode.LENIENT)

    def test_organisation_code_check_is_applied(self) -> None:
        # change position 17 and recompute position 18: only the GB 11714 check fails
        from xinyong.ids import check_character

        first17 = "9135020077604965" + "4"
        with pytest.raises(IdentifierError) as exc:
            parse_uscc(first17 + check_character(first17))
        assert "organisation-code check character (position 17) is '4', expected '3'" in (
            exc.value.detail
        )


divisions_strategy = st.sampled_from(divisions().current_counties())


@given(
    seed=st.integers(0, 2**32),
    division=divisions_strategy,
    kind=st.sampled_from(["91", "92", "93", "51", "52", "53", "11", "12"]),
)
def test_every_generated_code_validates(seed: int, division: str, kind: str) -> None:
    code = generate_uscc(
        random.Random(seed), authority=kind[0], entity_type=kind[1], division=division
    )
    assert parse_uscc(code).code == code


def _substitutions(code: str, alphabet: str) -> list[str]:
    return [
        code[:i] + c + code[i + 1 :] for i in range(len(code)) for c in alphabet if c != code[i]
    ]


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_substitution_of_a_real_code_is_detected(code: str) -> None:
    for changed in _substitutions(code, ALPHABET):
        with pytest.raises(IdentifierError):
            parse_uscc(changed)


@given(seed=st.integers(0, 2**32), division=divisions_strategy)
def test_every_single_character_substitution_of_a_generated_code_is_detected(
    seed: int, division: str
) -> None:
    code = generate_uscc(random.Random(seed), authority="9", entity_type="1", division=division)
    for changed in _substitutions(code, ALPHABET):
        with pytest.raises(IdentifierError):
            parse_uscc(changed)
