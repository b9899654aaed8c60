"""The one classifier of identifiers: what a code given by a caller or a source is, checked.

Every path that takes an identifier — ingest, ``POST /api/records``, screening (single,
bulk, the in-process index), subject look-ups in the API and portal, ``xinyong id check``,
``xinyong screen`` — classifies it here, under the same strict/lenient mode and USCC
exception list, so a code ingest refuses is refused everywhere and never answered "allow".

Eighteen characters of 17 digits and a digit or ``X`` can be either a resident identity
number or an all-digit USCC: a valid resident number is taken as one, else a valid USCC;
neither is invalid, with the resident number's fault.

>>> found = classify("91350200776049653B", mode=Mode.STRICT, today=date(2026, 1, 1))
>>> found.kind, found.position, found.expected
(<Kind.INVALID: 'invalid'>, 18, 'A')
>>> classify("９１３５０２００７７６０４９６５３Ａ", mode=Mode.STRICT, today=date(2026, 1, 1)).code
'91350200776049653A'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .errors import IdentifierError
from .normalise import normalise_code
from .orgcode import orgcode_check_character
from .resident import ResidentId, is_pseudonym, mask_resident_id, parse_resident_id
from .uscc import Mode, Uscc, parse_uscc


class Kind(StrEnum):
    USCC = "uscc"
    RESIDENT_ID = "resident_id"
    PSEUDONYM = "pseudonym"
    ORGANISATION_CODE = "organisation_code"  # GB 11714: valid, but not a subject key
    INVALID = "invalid"


#: What a code may be expected to be: a subject's kind decides it at ingest.
Expect = Kind | None


@dataclass(frozen=True)
class Classified:
    """A classified code, safe to show: a resident number appears only masked in ``shown``
    and never in ``reason``; ``code`` (the normalised code) is private for persons."""

    kind: Kind
    #: the normalised code (a resident number in full: never show it), or ``None``
    code: str | None = field(repr=False)
    #: the code as it may be shown: a resident number masked
    shown: str
    #: why the code is invalid (``None`` when valid)
    reason: str | None = None
    #: 1-based position of the character at fault, and what it should be
    position: int | None = None
    expected: str | None = None
    warnings: tuple[str, ...] = ()
    uscc: Uscc | None = field(default=None, repr=False)
    resident: ResidentId | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return self.kind is not Kind.INVALID


def _looks_resident(code: str) -> bool:
    digits = all("0" <= c <= "9" for c in code[:17])
    return (len(code) == 15 and digits) or (
        len(code) == 18 and digits and code[17] in "0123456789X"
    )


def _shown(code: str) -> str:
    """The code as it may be shown: masked if it could be (most of) a resident number — a
    run of 14 or more digits, a digit or ``X`` short of or past 18 — else as given."""
    if _looks_resident(code) or (
        len(code) >= 14 and all("0" <= c <= "9" for c in code[:-1]) and code[-1] in "0123456789X"
    ):
        return mask_resident_id(code)
    return code if len(code) <= 40 else code[:40] + "…"


def _invalid(code: str, exc: IdentifierError) -> Classified:
    return Classified(Kind.INVALID, None, _shown(code), exc.detail, exc.position, exc.expected)


def _as_uscc(code: str, mode: Mode, exceptions: frozenset[str] | None) -> Classified:
    uscc = parse_uscc(code, mode=mode, exceptions=exceptions)
    return Classified(Kind.USCC, uscc.code, uscc.code, warnings=uscc.warnings, uscc=uscc)


def _as_resident(code: str, today: date) -> Classified:
    rid = parse_resident_id(code, today=today)
    return Classified(Kind.RESIDENT_ID, rid.number, rid.masked, warnings=rid.warnings, resident=rid)


def _length_fault(code: str, expect: Expect) -> IdentifierError:
    wanted = {
        Kind.USCC: "an 18-character Unified Social Credit Code",
        Kind.RESIDENT_ID: "an 18-character resident identity number (or 15 for the first "
        "generation)",
    }.get(
        expect or Kind.INVALID,
        "an 18-character USCC or resident identity number, or a 33-character pseudonym",
    )
    return IdentifierError(f"{len(code)} characters: expected {wanted}", expected="18 characters")


def classify(
    raw: str,
    *,
    mode: Mode,
    exceptions: frozenset[str] | None = None,
    today: date,
    expect: Expect = None,
) -> Classified:
    """What ``raw`` is, normalised and checked (never raises for a bad code).

    Args:
        mode: how a USCC with a wrong check character is treated (``XINYONG_USCC_MODE``).
        exceptions: USCCs issued with a wrong check character (default: the shipped list).
        today: reference date for a resident number's birth-date plausibility.
        expect: ``Kind.USCC`` or ``Kind.RESIDENT_ID`` where the subject's kind decides
            (ingest); by default any subject identifier (and a 9-character organisation
            code, which is valid but not a subject key).
    """
    stripped = raw.strip(" \t\r\n\u00a0\u3000")
    if expect is None and is_pseudonym(stripped):
        return Classified(Kind.PSEUDONYM, stripped, stripped)
    try:
        code = normalise_code(raw)
    except IdentifierError as exc:
        # the code as given, up to the fault, masked if it is a resident number
        return Classified(Kind.INVALID, None, "…", exc.detail, exc.position, exc.expected)
    try:
        if expect is Kind.USCC:
            if len(code) != 18:
                raise _length_fault(code, expect)
            return _as_uscc(code, mode, exceptions)
        if expect is Kind.RESIDENT_ID:
            if len(code) not in (15, 18):
                raise _length_fault(code, expect)
            return _as_resident(code, today)
        if _looks_resident(code):
            try:
                return _as_resident(code, today)
            except IdentifierError as fault:
                if len(code) == 18:
                    try:
                        return _as_uscc(code, mode, exceptions)
                    except IdentifierError:
                        pass
                raise fault from None
        if len(code) == 9:
            return _organisation_code(code)
        if len(code) != 18:
            raise _length_fault(code, expect)
        return _as_uscc(code, mode, exceptions)
    except IdentifierError as exc:
        return _invalid(code, exc)


def _organisation_code(code: str) -> Classified:
    try:
        expected = orgcode_check_character(code[:8])
    except ValueError as exc:
        raise IdentifierError(str(exc)) from None
    if expected != code[8]:
        raise IdentifierError(
            f"check character is {code[8]!r}, expected {expected!r} (position 9)",
            position=9,
            expected=expected,
        )
    return Classified(Kind.ORGANISATION_CODE, code, code)
