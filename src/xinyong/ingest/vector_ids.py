"""Subject codes of a whole Arrow batch identified at once: USCC (GB 32100) and resident
identity number (GB 11643) check characters, vectorised with ``pyarrow.compute``.

This is an implementation, not a definition: ``ids.classify`` (with ``ids.normalise``,
``ids.uscc`` and ``ids.resident``) stays the one definition of the rules, and
``tests/ingest/test_vector_ids.py`` holds this module equal to it with Hypothesis. A code
is marked valid here only when ``classify`` finds it valid for its subject's kind; every
other code (and, by choice, a first-generation fifteen-digit number) is left to the row
path, which gives the scalar rule's reason. What a batch needs per row — the subject key
(the USCC, or the keyed pseudonym of a resident number, computed once per distinct
number), the region, the masked number and a person's birth date — comes out as columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from ..ids import Mode, PseudonymKey, divisions, pseudonymise, uscc_exceptions
from ..ids.normalise import SURROUNDING
from ..ids.orgcode import WEIGHTS as ORGCODE_WEIGHTS
from ..ids.resident import CHECK_CHARACTERS, MAX_AGE_YEARS
from ..ids.resident import WEIGHTS as RESIDENT_WEIGHTS
from ..ids.uscc import ALPHABET
from ..ids.uscc import WEIGHTS as USCC_WEIGHTS

#: full-width digits and Latin letters, and their ASCII forms (``ids.normalise``)
_FULL_WIDTH = [
    (chr(c), chr(c - 0xFEE0)) for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()
]
_ALPHA = "[" + ALPHABET + "]"
_USCC_SHAPE = f"^{_ALPHA}{{2}}[0-9]{{6}}{_ALPHA}{{10}}$"
_ORGCODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class IdentifiedCodes:
    """Per row: whether the code is certainly valid for its kind, and what it gives."""

    valid: pa.BooleanArray
    subject_id: pa.StringArray
    region: pa.StringArray
    id_masked: pa.StringArray
    #: persons: the birth date the number carries (null for organisations)
    birth: pa.Array


def normalised_codes(raw: pa.StringArray) -> pa.StringArray:
    """``ids.normalise_code`` over a column: surrounding spaces removed, full-width digits
    and letters narrowed, upper-cased. Codes holding anything else stay as they are (and
    are then invalid for either kind, as ``classify`` finds them)."""
    codes = pc.utf8_trim(raw, characters=SURROUNDING)
    if not pc.all(pc.string_is_ascii(codes)).as_py():
        for wide, narrow in _FULL_WIDTH:
            codes = pc.replace_substring(codes, wide, narrow)
    return pc.ascii_upper(codes)


def _char(codes: pa.Array, position: int) -> pa.Array:
    return pc.utf8_slice_codeunits(codes, position, position + 1)


def _weighted(
    codes: pa.Array, positions: range, alphabet: str, weights: tuple[int, ...]
) -> pa.Array:
    values = pa.array(list(alphabet))
    total: pa.Array = pa.array([0] * len(codes), pa.int64())
    for position, weight in zip(positions, weights, strict=True):
        value = pc.cast(pc.index_in(_char(codes, position), value_set=values), pa.int64())
        total = pc.add(total, pc.multiply(value, weight))
    return total


def _uscc_valid(codes: pa.Array, mode: Mode, exceptions: frozenset[str] | None) -> pa.BooleanArray:
    shaped = pc.fill_null(pc.match_substring_regex(codes, _USCC_SHAPE), False)
    safe = pc.if_else(shaped, codes, "000000000000000000")
    org_total = _weighted(safe, range(8, 16), _ORGCODE_ALPHABET, ORGCODE_WEIGHTS)
    org_check = pc.subtract(11, pc.modulo(org_total, 11))
    org_expected = pc.take(pa.array(list("0123456789X0")), org_check)
    total = _weighted(safe, range(17), ALPHABET, USCC_WEIGHTS)
    expected = pc.take(
        pa.array(list(ALPHABET)), pc.modulo(pc.subtract(31, pc.modulo(total, 31)), 31)
    )
    checks = pc.and_(pc.equal(_char(safe, 16), org_expected), pc.equal(_char(safe, 17), expected))
    if mode is Mode.LENIENT:
        checks = pa.array([True] * len(codes))
    else:
        listed = uscc_exceptions() if exceptions is None else exceptions
        checks = pc.or_(checks, pc.is_in(safe, value_set=pa.array(sorted(listed), pa.string())))
    division = pc.utf8_slice_codeunits(safe, 2, 8)
    return pc.and_(pc.and_(shaped, checks), _division_known(division))


def _division_known(codes: pa.Array) -> pa.BooleanArray:
    """A GB/T 2260 code in the table, or at least in a known province (a warning only)."""
    table = divisions()
    provinces = pa.array(sorted(table.provinces), pa.string())
    province = pc.is_in(pc.utf8_slice_codeunits(codes, 0, 2), value_set=provinces)
    return pc.or_(pc.is_in(codes, value_set=pa.array(table.codes(), pa.string())), province)


def _birth_dates(digits: pa.Array) -> pa.Array:
    """``YYYYMMDD`` as dates; null where not a calendar date (Python's ``date`` decides,
    once per distinct value, as ``parse_resident_id`` does)."""
    encoded = pc.dictionary_encode(digits)
    parsed: list[date | None] = []
    for text in encoded.dictionary.to_pylist():
        try:
            parsed.append(date(int(text[:4]), int(text[4:6]), int(text[6:8])))
        except (ValueError, TypeError):
            parsed.append(None)
    return pc.take(pa.array(parsed, pa.date32()), encoded.indices)


def _resident(codes: pa.Array, today: date) -> tuple[pa.BooleanArray, pa.Array]:
    shaped = pc.fill_null(pc.match_substring_regex(codes, "^[0-9]{17}[0-9X]$"), False)
    safe = pc.if_else(shaped, codes, "110105194912310021")
    total = _weighted(safe, range(17), "0123456789", RESIDENT_WEIGHTS)
    expected = pc.take(pa.array(list(CHECK_CHARACTERS)), pc.modulo(total, 11))
    birth = _birth_dates(pc.utf8_slice_codeunits(safe, 6, 14))
    oldest = today - timedelta(days=int(MAX_AGE_YEARS * 365.25))
    plausible = pc.and_(
        pc.less_equal(birth, pa.scalar(today, pa.date32())),
        pc.greater_equal(birth, pa.scalar(oldest, pa.date32())),
    )
    valid = pc.and_(
        pc.and_(shaped, pc.equal(_char(safe, 17), expected)),
        pc.and_(
            pc.fill_null(plausible, False), _division_known(pc.utf8_slice_codeunits(safe, 0, 6))
        ),
    )
    return valid, birth


def identify_codes(
    raw: pa.StringArray,
    person: pa.BooleanArray,
    *,
    key: PseudonymKey,
    today: date,
    mode: Mode,
    exceptions: frozenset[str] | None = None,
) -> IdentifiedCodes:
    """Each row's code identified as ``ledger.subject.identify`` would for its kind
    (``person``: a resident number is expected, else a USCC). Everything that depends on
    the code alone is computed once per distinct code of the batch."""
    encoded = pc.dictionary_encode(raw)
    distinct = normalised_codes(encoded.dictionary)
    uscc_distinct = _uscc_valid(distinct, mode, exceptions)
    resident_distinct, birth_distinct = _resident(distinct, today)
    pseudonyms = pa.array(
        [
            pseudonymise(code, key=key) if ok else None
            for code, ok in zip(distinct.to_pylist(), resident_distinct.to_pylist(), strict=True)
        ],
        pa.string(),
    )
    masked_distinct = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(distinct, 0, 6),
        "********",
        pc.utf8_slice_codeunits(distinct, 14, 18),
        "",
    )

    def per_row(values: pa.Array) -> pa.Array:
        return pc.take(values, encoded.indices)

    codes = per_row(distinct)
    resident_ok = per_row(resident_distinct)
    valid = pc.if_else(person, resident_ok, per_row(uscc_distinct))
    subject_id = pc.if_else(person, per_row(pseudonyms), codes)
    return IdentifiedCodes(
        valid=pc.fill_null(valid, False),
        subject_id=subject_id,
        region=pc.if_else(
            person, pc.utf8_slice_codeunits(codes, 0, 6), pc.utf8_slice_codeunits(codes, 2, 8)
        ),
        id_masked=pc.if_else(person, per_row(masked_distinct), pa.scalar(None, pa.string())),
        birth=pc.if_else(person, per_row(birth_distinct), pa.scalar(None, pa.date32())),
    )
