"""``ids.classify``: the one classifier every path that takes an identifier uses."""

from __future__ import annotations

from datetime import date

import pytest

from xinyong.ids import Kind, Mode, classify, pseudonymise
from xinyong.ids.normalise import normalise_code

TODAY = date(2026, 6, 30)
USCC = "91350200776049653A"
RESIDENT = "11010519491231002X"


class TestRefused:
    def test_a_wrong_check_character_names_position_and_expected(self) -> None:
        found = classify("91350200776049653B", mode=Mode.STRICT, today=TODAY)
        assert (found.kind, found.position, found.expected) == (Kind.INVALID, 18, "A")
        assert found.reason is not None
        assert found.reason.startswith("check character is 'B', expected 'A' (position 18)")

    def test_seventeen_characters(self) -> None:
        found = classify(USCC[:17], mode=Mode.STRICT, today=TODAY)
        assert found.kind is Kind.INVALID
        assert found.reason == (
            "17 characters: expected an 18-character USCC or resident identity number, "
            "or a 33-character pseudonym"
        )

    @pytest.mark.parametrize(
        ("raw", "position", "what"),
        [
            ("9135\u200b0200776049653A", 5, "U+200B ZERO WIDTH SPACE"),
            ("913502007760\u202e49653A", 13, "U+202E RIGHT-TO-LEFT OVERRIDE"),
            (USCC + "\x00", 19, "U+0000 (a control character)"),
            ("\ufeff" + USCC, 1, "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ],
    )
    def test_invisible_and_control_characters_by_code_point_and_position(
        self, raw: str, position: int, what: str
    ) -> None:
        found = classify(raw, mode=Mode.LENIENT, today=TODAY)
        assert (found.kind, found.position) == (Kind.INVALID, position)
        assert found.reason == (
            f"position {position} is {what}: a code holds no invisible or control characters"
        )

    def test_sql_text_is_a_bad_character_not_a_match(self) -> None:
        found = classify("' OR '1'='1", mode=Mode.LENIENT, today=TODAY)
        assert found.kind is Kind.INVALID
        assert found.reason == (
            "11 characters: expected an 18-character USCC or resident identity number, "
            "or a 33-character pseudonym"
        )
        padded = classify("' OR '1'='1' -- xx", mode=Mode.LENIENT, today=TODAY)
        assert (padded.kind, padded.position) == (Kind.INVALID, 1)

    def test_non_ascii_digits_are_not_digits(self) -> None:
        # Arabic-Indic digits pass str.isdigit(); GB 11643 numbers are ASCII digits
        found = classify("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", mode=Mode.STRICT, today=TODAY)
        assert (found.kind, found.position) == (Kind.INVALID, 1)

    def test_an_invalid_resident_number_is_shown_masked_and_never_in_the_reason(self) -> None:
        found = classify("110105194912310021", mode=Mode.STRICT, today=TODAY)
        assert found.kind is Kind.INVALID and found.shown == "110105********0021"
        assert found.reason is not None and "110105194912310021" not in found.reason

    def test_a_resident_number_a_digit_short_or_long_is_shown_masked(self) -> None:
        short = classify(RESIDENT[:17], mode=Mode.STRICT, today=TODAY)
        assert (short.kind, short.shown) == (Kind.INVALID, "110105*******1002")
        long = classify(RESIDENT[:17] + "00", mode=Mode.STRICT, today=TODAY)
        assert long.shown == "110105*********0200"
        assert classify("9135020077604965", mode=Mode.STRICT, today=TODAY).shown == (
            "913502******4965"
        )
        assert classify("91350200776O4", mode=Mode.STRICT, today=TODAY).shown == "91350200776O4"

    def test_the_length_fault_never_repeats_the_code(self) -> None:
        found = classify(RESIDENT[:15] + "1", mode=Mode.STRICT, today=TODAY, expect=Kind.USCC)
        assert found.reason == "16 characters: expected an 18-character Unified Social Credit Code"


class TestAccepted:
    def test_full_width_and_surrounding_spaces_are_normalised(self) -> None:
        wide = "\u3000９１３５０２００７７６０４９６５３ａ "
        found = classify(wide, mode=Mode.STRICT, today=TODAY)
        assert (found.kind, found.code) == (Kind.USCC, USCC)
        person = classify("１１０１０５１９４９１２３１００２ｘ", mode=Mode.STRICT, today=TODAY)
        assert person.kind is Kind.RESIDENT_ID and person.shown == "110105********002X"
        assert person.resident is not None and person.resident.number == RESIDENT

    def test_lenient_mode_and_the_exception_list(self) -> None:
        lenient = classify("91350200776049653B", mode=Mode.LENIENT, today=TODAY)
        assert lenient.kind is Kind.USCC and "accepted in lenient mode" in lenient.warnings[0]
        listed = classify(
            "91350200776049653B",
            mode=Mode.STRICT,
            exceptions=frozenset({"91350200776049653B"}),
            today=TODAY,
        )
        assert listed.kind is Kind.USCC and "exception list" in listed.warnings[0]

    def test_a_pseudonym_is_taken_as_given(self) -> None:
        p = pseudonymise(RESIDENT, key=b"k")
        assert classify(p, mode=Mode.STRICT, today=TODAY).kind is Kind.PSEUDONYM
        # where the kind is known (ingest), a pseudonym is not a resident number
        expected = classify(p, mode=Mode.STRICT, today=TODAY, expect=Kind.RESIDENT_ID)
        assert expected.kind is Kind.INVALID

    def test_an_all_digit_uscc_is_found_when_it_is_no_resident_number(self) -> None:
        found = classify("913502000728319549", mode=Mode.STRICT, today=TODAY)
        assert (found.kind, found.code) == (Kind.USCC, "913502000728319549")

    def test_the_normaliser_is_what_the_parsers_use(self) -> None:
        assert normalise_code(" ９１３５０２００７７６０４９６５３ａ ") == USCC


def test_a_number_glued_to_letters_is_masked_in_free_text() -> None:
    from datetime import date

    from xinyong.ids.hiding import mask_numbers

    today = date(2026, 12, 1)
    for text, shown in (
        ("ID11010519491231002X", "ID110105********002X"),
        ("11010519491231002Xabc", "110105********002Xabc"),
        ("A11010519491231002X号", "A110105********002X号"),
        ("91350200776049653A", "91350200776049653A"),  # a USCC stays
    ):
        assert mask_numbers(text, today=today) == shown
