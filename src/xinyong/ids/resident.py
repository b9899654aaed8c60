"""Resident identity number (公民身份号码, GB 11643-1999), pseudonyms and masking.

Eighteen characters: a six-digit GB/T 2260 address code, the birth date ``YYYYMMDD``, a
three-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
First-generation fifteen-digit numbers (two-digit year, no check) are upgraded to eighteen.

The raw number is private. xinyong stores only a keyed pseudonym (HMAC-SHA256 under the
platform secret) and a masked form; ``ResidentId`` never shows the number in its ``repr``.

>>> resident_check_character("11010519491231002")
'X'
>>> mask_resident_id("11010519491231002X")
'110105********002X'
"""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .divisions import divisions
from .errors import IdentifierError
from .normalise import normalise_code

WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARACTERS = "10X98765432"
DIGITS = frozenset("0123456789")
#: Oldest age a birth date may imply before the number is called implausible.
MAX_AGE_YEARS = 150
#: Prefix that marks a person's pseudonym as a subject identifier.
PSEUDONYM_PREFIX = "P"
_HEX = "0123456789abcdef"
#: a pseudonym key: one key, or the chain of the root key and each key rotated to since
PseudonymKey = bytes | tuple[bytes, ...]


@dataclass(frozen=True)
class ResidentId:
    """A validated resident identity number. ``repr`` shows only the masked form."""

    number: str = field(repr=False)
    masked: str
    region: str
    birth_date: date
    sex: str  # "male" or "female", from the parity of the sequence code
    warnings: tuple[str, ...] = field(default=(), compare=False)


def resident_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def mask_resident_id(number: str) -> str:
    """Region and last four characters; the birth date and the rest hidden."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def upgrade_fifteen(number: str) -> str:
    """An eighteen-character number for a first-generation fifteen-digit one (born 19YY)."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + resident_check_character(first17)


def parse_resident_id(raw: str, *, today: date) -> ResidentId:
    """Validate a resident identity number.

    Args:
        raw: 18 characters (the last may be ``X``/``x``) or a 15-digit first-generation number.
        today: the reference date for birth-date plausibility (the domain never reads a clock).

    Raises:
        IdentifierError: naming the position at fault and what was expected. Error messages
            never repeat the full number.
    """
    number = normalise_code(raw)
    if len(number) == 15 and all(c in DIGITS for c in number):
        number = upgrade_fifteen(number)
    if len(number) != 18:
        raise IdentifierError(
            f"a resident identity number has 18 characters (or 15 for the first generation), "
            f"got {len(number)}",
            expected="18 characters",
        )
    for i, char in enumerate(number[:17]):
        if char not in DIGITS:
            raise IdentifierError(
                f"position {i + 1} is {char!r}, expected a digit", position=i + 1, expected="digit"
            )
    if number[17] not in "0123456789X" or not number[17].isascii():
        raise IdentifierError(
            f"position 18 is {number[17]!r}, expected a digit or 'X'",
            position=18,
            expected="digit or X",
        )
    warnings: list[str] = []
    region = number[:6]
    table = divisions()
    if region not in table:
        if region[:2] not in table.provinces:
            raise IdentifierError(
                f"positions 1–6 are a region code whose province {region[:2]!r} is not in "
                "GB/T 2260",
                position=1,
                expected="a GB/T 2260 province prefix",
            )
        warnings.append(f"region code {region} is not in the GB/T 2260 history shipped")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError(
            f"positions 7–14 are {number[6:14]!r}, which is not a calendar date (YYYYMMDD)",
            position=7,
            expected="a birth date YYYYMMDD",
        ) from None
    if birth > today:
        raise IdentifierError(
            f"birth date {birth.isoformat()} (positions 7–14) is after {today.isoformat()}",
            position=7,
            expected=f"a date on or before {today.isoformat()}",
        )
    if birth < today - timedelta(days=int(MAX_AGE_YEARS * 365.25)):
        raise IdentifierError(
            f"birth date {birth.isoformat()} (positions 7–14) implies an age over "
            f"{MAX_AGE_YEARS} years",
            position=7,
            expected=f"a date after {today.year - MAX_AGE_YEARS}",
        )
    expected = resident_check_character(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            f"check character is {number[17]!r}, expected {expected!r} (position 18)",
            position=18,
            expected=expected,
        )
    return ResidentId(
        number=number,
        masked=mask_resident_id(number),
        region=region,
        birth_date=birth,
        sex="male" if int(number[16]) % 2 else "female",
        warnings=tuple(warnings),
    )


def pseudonymise(number: str, *, key: PseudonymKey) -> str:
    """The keyed pseudonym of a (normalised, 18-character) resident identity number.

    ``P`` followed by the first 32 hex digits (128 bits) of HMAC-SHA256(key, number). The same
    number under the same key always gives the same pseudonym; without the key it cannot be
    reversed or recomputed from a guessed number.

    ``key`` may be a chain ``(root, k2, k3, …)`` (the root key, then each key the platform
    was re-keyed to, ``xinyong keys rotate-pseudonym``): the pseudonym under the root is then
    re-keyed by each later key in turn (:func:`rekey`).
    """
    root, *rotations = (key,) if isinstance(key, bytes) else key
    digest = hmac.new(root, number.encode("ascii"), hashlib.sha256).hexdigest()
    pseudonym = PSEUDONYM_PREFIX + digest[:32]
    for later in rotations:
        pseudonym = rekey(pseudonym, key=later)
    return pseudonym


def rekey(pseudonym: str, *, key: bytes) -> str:
    """A stored pseudonym re-keyed: ``P`` and the first 32 hex digits of HMAC-SHA256(key,
    pseudonym). Same shape as a pseudonym; computable without the raw number."""
    digest = hmac.new(key, pseudonym.encode("ascii"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]


def is_pseudonym(value: str) -> bool:
    """``P`` and 32 lower-case hex digits (what :func:`pseudonymise` makes)."""
    # stripping the hex digits from both ends leaves nothing only if every one is a hex digit
    return len(value) == 33 and value[0] == PSEUDONYM_PREFIX and not value[1:].strip(_HEX)


def generate_resident_id(rng: random.Random, *, region: str, birth_date: date, male: bool) -> str:
    """A valid number (for synthetic data only)."""
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + resident_check_character(first17)
