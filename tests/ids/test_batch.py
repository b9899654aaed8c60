"""``ids.batch`` and ``ledger.subject.subject_keys``: a batch of codes is judged exactly as
the same codes sent one by one, and the usual codes take the columnar path."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.errors import InvalidData
from xinyong.ids import (
    Kind,
    Mode,
    check_character,
    classify,
    generate_resident_id,
    generate_uscc,
    orgcode_check_character,
    resident_check_character,
)
from xinyong.ids.batch import plain_codes
from xinyong.ids.uscc import ALPHABET
from xinyong.ledger.subject import subject_key, subject_keys

TODAY = date(2026, 6, 30)
KEY = b"batch-test-key-0123456789abcdef!"
REGIONS = ["110105", "350203", "440305", "990000", "110199", "000000"]


@st.composite
def residents(draw: st.DrawFn) -> str:
    """A resident number: a real date or not, a known region or not, its check or not."""
    region = draw(st.sampled_from(REGIONS))
    birth = draw(st.text("0123456789", min_size=8, max_size=8))
    if draw(st.booleans()):
        day = draw(st.dates(min_value=date(1870, 1, 1), max_value=date(2030, 12, 31)))
        birth = day.strftime("%Y%m%d")
    first17 = region + birth + draw(st.text("0123456789", min_size=3, max_size=3))
    check = resident_check_character(first17)
    return first17 + (check if draw(st.booleans()) else draw(st.sampled_from("0123456789Xx")))


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """A USCC: all-digit or lettered, a known division or not, its two checks or not."""
    alphabet = draw(st.sampled_from(["0123456789", ALPHABET, ALPHABET + "IOSVZ"]))
    head = draw(st.text(alphabet, min_size=2, max_size=2))
    division = draw(st.sampled_from(REGIONS + ["35020A"]))
    body = draw(st.text(alphabet, min_size=8, max_size=8))
    org = body + (
        orgcode_check_character(body)
        if draw(st.booleans())
        else draw(st.text(alphabet, min_size=1, max_size=1))
    )
    first17 = head + division + org
    check = check_character(first17) if all(c in ALPHABET for c in first17) else "0"
    code = first17 + (check if draw(st.booleans()) else draw(st.sampled_from(ALPHABET)))
    return code.lower() if draw(st.integers(0, 9)) == 0 else code


codes = st.one_of(
    residents(),
    usccs(),
    st.text(min_size=0, max_size=20),
    st.text("0123456789X", min_size=15, max_size=18),
    st.builds(lambda c: f" {c}\u3000", usccs()),
)


def one_by_one(code: str, field: str) -> str | InvalidData:
    try:
        return subject_key(code, key=KEY, today=TODAY, mode=Mode.STRICT, field=field)
    except InvalidData as refused:
        return refused


def same(found: str | InvalidData, expected: str | InvalidData) -> bool:
    if isinstance(expected, InvalidData):
        return isinstance(found, InvalidData) and found.to_dict() == expected.to_dict()
    return found == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(codes, max_size=30))
def test_a_batch_is_judged_as_its_codes_one_by_one(batch: list[str]) -> None:
    keys = subject_keys(batch, key=KEY, today=TODAY, mode=Mode.STRICT)
    expected = [one_by_one(code, f"subjects.{i}") for i, code in enumerate(batch)]
    assert len(keys) == len(batch)
    assert all(same(k, e) for k, e in zip(keys, expected, strict=True)), (keys, expected)


@settings(max_examples=400, deadline=None)
@given(st.lists(codes, min_size=1, max_size=30))
def test_the_fast_path_accepts_only_what_classify_accepts_alike(batch: list[str]) -> None:
    plain = plain_codes(batch, today=TODAY)
    for at, code, valid, person in zip(
        plain.at, plain.codes, plain.valid, plain.person, strict=True
    ):
        if valid:
            for mode in Mode:
                found = classify(batch[at], mode=mode, today=TODAY)
                assert (found.kind, found.code) == (Kind.RESIDENT_ID if person else Kind.USCC, code)


def test_the_usual_codes_all_take_the_columnar_path() -> None:
    rng = random.Random(7)
    batch = [
        generate_uscc(rng, authority="9", entity_type="1", division="350200")
        if i % 2
        else generate_resident_id(rng, region="350203", birth_date=date(1980, 2, 29), male=True)
        for i in range(2_000)
    ]
    batch += ["11010519491231002x", "91350200776049653a"]  # case is normalised alike
    plain = plain_codes(batch, today=TODAY)
    assert list(plain.at) == list(range(len(batch)))
    assert plain.valid == [True] * len(batch)
    assert plain.person == [i % 2 == 0 or i == 2_000 for i in range(len(batch))]


@pytest.mark.parametrize(
    ("code", "fault"),
    [
        ("11010519491231002X", None),
        ("11010520270101002X", "birth date"),  # after today
        ("11010518700101002X", "age over"),
        ("11010519490230002X", "calendar date"),
        ("11010519491231002Y", None),  # not 17 digits and X: a USCC try, refused by classify
    ],
)
def test_resident_faults_are_refused_with_the_single_reason(code: str, fault: str | None) -> None:
    first17 = code[:17]
    if fault is not None:
        code = first17 + resident_check_character(first17)
    [found] = subject_keys([code], key=KEY, today=TODAY, mode=Mode.STRICT)
    expected = one_by_one(code, "subjects.0")
    assert same(found, expected)
    if fault is not None:
        assert isinstance(found, InvalidData) and fault in found.errors[0].message


@pytest.mark.parametrize(
    "batch",
    [
        ["91350200776049653", "A91350200776049653A"],  # 17 + 19 characters
        ["", "91350200776049653A91350200776049653A"],
        ["1101051949123100", "2X11010519491231002X"],
    ],
)
def test_codes_whose_lengths_only_sum_to_whole_codes_are_not_cut_into_them(
    batch: list[str],
) -> None:
    keys = subject_keys(batch, key=KEY, today=TODAY, mode=Mode.STRICT)
    assert all(isinstance(k, InvalidData) for k in keys)
    assert [k.errors[0].field for k in keys if isinstance(k, InvalidData)] == [
        "subjects.0",
        "subjects.1",
    ]
