"""Finding resident identity numbers in free text, to mask or pseudonymise them.

One rule for every boundary (quarantined rows, error messages, URLs): a token shaped like a
resident number (17 digits and a digit or ``X``, or 15 digits) is hidden if it parses as
one, or if it has 18 characters and is not a valid USCC (a mistyped number is still a
person's number). Fifteen-digit tokens that do not parse are left: business registration
numbers have fifteen digits too.

>>> mask_numbers("罚〔2025〕11010519491231002X号", today=date(2026, 1, 1))
'罚〔2025〕110105********002X号'
>>> mask_numbers("91350200776049653A", today=date(2026, 1, 1))
'91350200776049653A'
"""

from __future__ import annotations

import re
from datetime import date

from .errors import IdentifierError
from .resident import PseudonymKey, mask_resident_id, parse_resident_id, pseudonymise
from .uscc import Mode, parse_uscc

#: anything shaped like a resident number: 17 digits and a digit or X, or 15 digits
#: (bounded by digits only: ``ID11010519491231002X`` and ``…002X号`` hide the number too)
RESIDENT_SHAPED = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?!\d)")


def mask_value(text: str) -> str:
    """A value with its identifying characters hidden: a number's region and last four."""
    return mask_resident_id(text) if len(text) >= 10 else "*" * len(text)


def needs_hiding(token: str, *, today: date) -> bool:
    """Whether a resident-shaped token is (or is a mistyped) resident number."""
    try:
        parse_resident_id(token, today=today)
        return True
    except IdentifierError:
        if len(token) == 15:
            return False
    try:
        parse_uscc(token.upper(), mode=Mode.STRICT)
        return False
    except IdentifierError:
        return True


def mask_numbers(text: str, *, today: date) -> str:
    """``text`` with every resident number in it masked (``110105********002X``)."""
    return RESIDENT_SHAPED.sub(
        lambda m: mask_value(m.group()) if needs_hiding(m.group(), today=today) else m.group(),
        text,
    )


def pseudonymise_numbers(text: str, *, key: PseudonymKey, today: date) -> str:
    """``text`` with every valid resident number replaced by its pseudonym and every other
    hidden one masked: a URL or query that still finds the person, and shows no number."""

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        try:
            return pseudonymise(parse_resident_id(token, today=today).number, key=key)
        except IdentifierError:
            return mask_value(token) if needs_hiding(token, today=today) else token

    return RESIDENT_SHAPED.sub(replace, text)


def is_resident_number(text: str, *, today: date) -> bool:
    """Whether ``text`` is, as a whole, a resident number (or a mistyped one) to hide."""
    token = text.strip()
    return RESIDENT_SHAPED.fullmatch(token) is not None and needs_hiding(token, today=today)
