"""The vectorised identification of subject codes (``ingest.vector_ids``) and the plain-text
class of the batch path are held to the scalar rules: ``ids.classify`` (through
``ledger.subject.identify``) and ``xinyong.text``."""

from __future__ import annotations

import random
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.errors import InvalidData
from xinyong.ids import Mode, generate_resident_id, generate_uscc, uscc_exceptions
from xinyong.ingest.vector_checks import PLAIN
from xinyong.ingest.vector_ids import identify_codes
from xinyong.ledger.subject import identify
from xinyong.text import unsafe_character
from xinyong.types import SubjectKind

KEY = b"test-secret-for-pseudonyms"
TODAY = date(2026, 9, 30)
_rng = random.Random(7)
USCCS = [
    generate_uscc(_rng, authority="9", entity_type="1", division=d)
    for d in ("350203", "110105", "440305", "990000", "350299")
] + sorted(uscc_exceptions())[:3]
RESIDENTS = [
    generate_resident_id(_rng, region=r, birth_date=b, male=m)
    for r, b, m in (
        ("350203", date(1980, 5, 4), True),
        ("110105", date(2012, 2, 29), False),
        ("440305", date(1877, 1, 1), True),
        ("990000", date(1990, 1, 1), False),
        ("350299", date(2026, 9, 30), True),
        ("350203", date(2026, 10, 1), False),
    )
]


def _mutate(draw: st.DrawFn, code: str) -> str:
    """A code as a source might deliver it: often as is, else with one fault or disguise."""
    how = draw(st.sampled_from(["same", "same", "char", "wide", "lower", "spaces", "cut", "15"]))
    if how == "char":
        at = draw(st.integers(0, len(code) - 1))
        return code[:at] + draw(st.sampled_from("0123456789XAZIO\u200b x")) + code[at + 1 :]
    if how == "wide":
        return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)
    if how == "lower":
        return code.lower()
    if how == "spaces":
        return draw(st.sampled_from([" ", "\u3000", "\t", "\u00a0"])) + code + " "
    if how == "cut":
        return code[: draw(st.integers(0, len(code) - 1))]
    if how == "15":
        return code[:6] + code[8:17]
    return code


@st.composite
def coded(draw: st.DrawFn) -> tuple[SubjectKind, str]:
    kind = draw(st.sampled_from(list(SubjectKind)))
    pool = RESIDENTS if draw(st.booleans()) else USCCS
    return kind, _mutate(draw, draw(st.sampled_from(pool)))


def _scalar(kind: SubjectKind, code: str, mode: Mode) -> tuple[str, str | None, str | None] | None:
    try:
        found = identify(kind, code, key=KEY, today=TODAY, mode=mode)
    except InvalidData:
        return None
    return found.subject_id, found.region, found.id_masked


@settings(max_examples=300, deadline=None)
@given(st.lists(coded(), min_size=1, max_size=40), st.sampled_from(list(Mode)))
def test_vectorised_identification_equals_classify(
    rows: list[tuple[SubjectKind, str]], mode: Mode
) -> None:
    kinds, codes = zip(*rows, strict=True)
    found = identify_codes(
        pa.array(codes, pa.string()),
        pa.array([k.is_person for k in kinds]),
        key=KEY,
        today=TODAY,
        mode=mode,
    )
    for i, (kind, code) in enumerate(rows):
        expected = _scalar(kind, code, mode)
        fifteen = kind.is_person and len(code.strip(" \t\u00a0\u3000")) == 15
        if expected is None or fifteen:  # a first-generation number is the row path's
            assert found.valid[i].as_py() is False, code
            continue
        assert found.valid[i].as_py() is True, code
        got = (found.subject_id[i].as_py(), found.region[i].as_py(), found.id_masked[i].as_py())
        assert got == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_a_plain_cell_holds_nothing_the_text_rule_refuses(text: str) -> None:
    try:
        text.encode()
    except UnicodeEncodeError:
        return  # Arrow holds no lone surrogate; the batch path hands such rows on as rows
    plain = pc.match_substring_regex(pa.array([text]), PLAIN)[0].as_py()
    if plain:  # printable, and no space but the ASCII one (which strip() sees at the ends)
        assert unsafe_character(text, identifier=True) is None
        assert all(c == " " or (c.isprintable() and not c.isspace()) for c in text)
        assert text.strip(" ") == text.strip()


def test_the_plain_class_covers_chinese_delivery_text() -> None:
    cells = [
        "厦门市思明区市场监督管理局",
        "厦市监罚〔2025〕42号",
        "阿卜杜·热合曼",
        "（2025）京0105执1号",
    ]
    found = pc.match_substring_regex(pa.array(cells), PLAIN).to_pylist()
    assert found == [True, True, True, True]
