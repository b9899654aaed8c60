"""Organisation code (组织机构代码, GB 11714-1997): eight body characters and a check character.

In a Unified Social Credit Code it is the body, positions 9–17. Its letter values differ from
the USCC alphabet: here ``A`` = 10 … ``Z`` = 35 over the full Latin alphabet.

>>> orgcode_check_character("77604965")
'3'
>>> orgcode_check_character("MA5CJQ4N")
'5'
"""

from __future__ import annotations

import string

WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_VALUES = {c: i for i, c in enumerate(string.digits + string.ascii_uppercase)}


def orgcode_check_character(body: str) -> str:
    """Check character for the eight body characters of an organisation code.

    Raises:
        ValueError: a character outside ``0-9A-Z`` or a body of the wrong length.
    """
    if len(body) != 8:
        raise ValueError(f"organisation code body must have 8 characters, got {len(body)}")
    try:
        total = sum(_VALUES[c] * w for c, w in zip(body, WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(
            f"character {exc.args[0]!r} is not allowed in an organisation code"
        ) from None
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def orgcode_is_valid(code: str) -> bool:
    """Whether a nine-character organisation code carries its correct check character."""
    if len(code) != 9:
        return False
    try:
        return orgcode_check_character(code[:8]) == code[8]
    except ValueError:
        return False
