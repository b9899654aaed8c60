"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015).

Eighteen characters in five segments::

    9 1 350200 77604965 3 A
    | | |      |          +-- 18: check character (GB 32100)
    | | |      +------------- 9–17: organisation code (GB 11714), its own check at 17
    | | +-------------------- 3–8: division code of the registering authority (GB/T 2260)
    | +---------------------- 2: entity type
    +------------------------ 1: registration authority

The alphabet has 31 characters (no I, O, S, V, Z); a character's value is its index.

>>> check_character("91350200776049653")
'A'
>>> parse_uscc("91350200776049653A").division
'350200'
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .divisions import divisions
from .errors import IdentifierError
from .normalise import normalise_code
from .orgcode import orgcode_check_character

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIGITS = frozenset("0123456789")
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUES = {c: i for i, c in enumerate(ALPHABET)}


class Mode(StrEnum):
    """How a failing check character is treated."""

    STRICT = "strict"  # reject, unless the code is on the exception list
    LENIENT = "lenient"  # accept with a warning


@dataclass(frozen=True)
class Uscc:
    """A parsed Unified Social Credit Code."""

    code: str
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def registration_authority(self) -> str:
        return self.code[0]

    @property
    def entity_type(self) -> str:
        return self.code[1]

    @property
    def division(self) -> str:
        return self.code[2:8]

    @property
    def organisation_code(self) -> str:
        return self.code[8:17]

    @property
    def check(self) -> str:
        return self.code[17]

    def authority_info(self) -> dict[str, Any] | None:
        """Name and subject kind for positions 1–2, or ``None`` if the table lacks them."""
        authority = authorities().get(self.registration_authority)
        if authority is None:
            return None
        kind = authority["types"].get(self.entity_type)
        if kind is None:
            return None
        return {"authority": authority["name_en"], **kind}


def check_character(body: str) -> str:
    """The GB 32100 check character for the first 17 characters.

    Raises:
        IdentifierError: a character outside the alphabet, naming its position.
    """
    total = 0
    for i, (char, weight) in enumerate(zip(body, WEIGHTS, strict=False)):
        value = _VALUES.get(char)
        if value is None:
            raise IdentifierError(
                f"position {i + 1} is {char!r}, expected one of {ALPHABET} "
                "(the letters I, O, S, V and Z are never used)",
                position=i + 1,
            )
        total += value * weight
    return ALPHABET[(31 - total % 31) % 31]


@cache
def authorities() -> dict[str, Any]:
    """Registration-authority and entity-type table (``ids/data/uscc_authorities.yaml``)."""
    text = resources.files(__package__).joinpath("data/uscc_authorities.yaml").read_text("utf-8")
    table: dict[str, Any] = yaml.safe_load(text)["authorities"]
    return table


@cache
def uscc_exceptions() -> frozenset[str]:
    """Codes known to be issued with a wrong check character (``data/uscc_exceptions.yaml``)."""
    text = resources.files(__package__).joinpath("data/uscc_exceptions.yaml").read_text("utf-8")
    return frozenset(entry["code"] for entry in yaml.safe_load(text)["codes"])


def parse_uscc(
    raw: str, *, mode: Mode = Mode.STRICT, exceptions: frozenset[str] | None = None
) -> Uscc:
    """Validate and parse a Unified Social Credit Code.

    The code is normalised first (``normalise_code``: surrounding spaces, full width, case;
    invisible and control characters refused). A wrong check
    character (position 18) or organisation-code check (position 17) is an error in strict
    mode unless the code is on the exception list, and a warning in lenient mode. An unknown
    registration authority or entity type is always a warning: the official table is not
    settled.

    Args:
        exceptions: codes issued with a wrong check character (default: ``uscc_exceptions()``).

    Raises:
        IdentifierError: with ``position`` and ``expected`` where one character is wrong.
    """
    code = normalise_code(raw)
    if len(code) != 18:
        raise IdentifierError(
            f"a Unified Social Credit Code has 18 characters, got {len(code)}",
            expected="18 characters",
        )
    for i, char in enumerate(code):
        if i in range(2, 8) and char not in DIGITS:
            raise IdentifierError(
                f"position {i + 1} is {char!r}, expected a digit "
                "(positions 3–8 are the GB/T 2260 division code)",
                position=i + 1,
                expected="digit",
            )
        if char not in _VALUES:
            raise IdentifierError(
                f"position {i + 1} is {char!r}, expected one of {ALPHABET} "
                "(the letters I, O, S, V and Z are never used)",
                position=i + 1,
                expected=ALPHABET,
            )
    warnings: list[str] = []
    problems: list[IdentifierError] = []
    expected_org = orgcode_check_character(code[8:16])
    if code[16] != expected_org:
        problems.append(
            IdentifierError(
                f"organisation-code check character (position 17) is {code[16]!r}, "
                f"expected {expected_org!r} (GB 11714)",
                position=17,
                expected=expected_org,
            )
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        problems.append(
            IdentifierError(
                f"check character is {code[17]!r}, expected {expected!r} (position 18)",
                position=18,
                expected=expected,
            )
        )
    if problems:
        if code in (uscc_exceptions() if exceptions is None else exceptions):
            warnings.append(
                f"{problems[0].detail}; accepted because the code is on the exception list "
                "of codes issued with a wrong check character"
            )
        elif mode is Mode.LENIENT:
            warnings.extend(f"{p.detail}; accepted in lenient mode" for p in problems)
        else:
            first = problems[0]
            raise IdentifierError(
                "; ".join(p.detail for p in problems)
                + " (strict mode; the code is not on the exception list)",
                position=first.position,
                expected=first.expected,
            )
    division = code[2:8]
    if division not in divisions():
        if division[:2] not in divisions().provinces:
            raise IdentifierError(
                f"positions 3–8 are {division!r}; {division[:2]!r} is not a province code "
                "in GB/T 2260",
                position=3,
                expected="a GB/T 2260 province prefix",
            )
        warnings.append(f"division code {division} is not in the GB/T 2260 table shipped")
    uscc = Uscc(code=code, warnings=tuple(warnings))
    if uscc.authority_info() is None:
        warnings.append(
            f"registration authority {code[0]!r} with entity type {code[1]!r} is not in the "
            "authority table (sources conflict; see ids/data/uscc_authorities.yaml)"
        )
        uscc = Uscc(code=code, warnings=tuple(warnings))
    return uscc


def is_valid_uscc(raw: str) -> bool:
    """Whether ``raw`` passes strict validation."""
    try:
        parse_uscc(raw)
    except IdentifierError:
        return False
    return True


def generate_uscc(rng: random.Random, *, authority: str, entity_type: str, division: str) -> str:
    """A valid code with a random organisation-code body (for synthetic data only)."""
    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    org = body + orgcode_check_character(body)
    first17 = f"{authority}{entity_type}{division}{org}"
    return first17 + check_character(first17)
