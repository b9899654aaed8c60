"""Normalising a code as given before it is checked: the one place that decides which
characters a code may arrive with.

Surrounding spaces (ASCII, no-break and ideographic) are removed, full-width Latin letters
and digits (as typed with a Chinese input method) become their ASCII forms, and lower-case
letters are upper-cased: GB 32100-2015 §4 and GB 11643-1999 §5 define the codes over the
ASCII digits and upper-case Latin letters only, so these are the same code. Anything
invisible or a control character inside the code is refused, named by code point and
position: a code that looks the same must be the same code.

>>> normalise_code(" ９１３５０２００７７６０４９６５３ａ ")
'91350200776049653A'
"""

from __future__ import annotations

from ..text import unsafe_character
from .errors import IdentifierError

#: Characters removed around a code (not inside it).
SURROUNDING = " \t\r\n\u00a0\u3000"
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise_code(raw: str) -> str:
    """``raw`` stripped, narrowed and upper-cased.

    Raises:
        IdentifierError: an invisible or control character, with its ``position``.
    """
    code = raw.strip(SURROUNDING)
    if not code.isascii():
        code = code.translate(_WIDTH)
    found = unsafe_character(code, identifier=True)
    if found is not None:
        position, what = found
        raise IdentifierError(
            f"position {position} is {what}: a code holds no invisible or control characters",
            position=position,
            expected="a letter or digit",
        )
    return code.translate(_UPPER)
