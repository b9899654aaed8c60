"""Which text the platform can store and show: one rule for every path that takes text.

Free text (names, issuers, reasons, attribute values) may hold any character a person
writes, with tab and line breaks, but never a lone surrogate (it cannot be encoded: the
database, the JSON and Parquet writers and the PDF renderer all fail on it), NUL or another
C0/C1 control character. Identifiers (subject codes, instrument numbers, source record ids,
item codes) may in addition hold nothing invisible: no zero-width character, no bidi override
or isolate, no other format character, no line or paragraph separator — two codes that look
the same must be the same code.

>>> unsafe_character("厦市监罚〔2025〕42号", identifier=True) is None
True
>>> unsafe_character("9135\u200b0200", identifier=True)
(5, 'U+200B ZERO WIDTH SPACE')
>>> unsafe_character("a\\td", identifier=False) is None
True
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from .errors import FieldError

#: The fix a refusal under this rule gives (how a quarantine release recognises one).
FIX_IDENTIFIER = "remove invisible and control characters from identifiers"
FIX_FREE_TEXT = "remove control characters (tab and line breaks are allowed)"
TEXT_FIXES = frozenset({FIX_IDENTIFIER, FIX_FREE_TEXT})

#: Controls free text may hold: tab, line feed, carriage return.
FREE_TEXT_CONTROLS = frozenset("\t\n\r")
#: Unicode categories refused everywhere: controls and surrogates.
_REFUSED = frozenset({"Cc", "Cs"})
#: Further categories refused in identifiers: format (zero-width, bidi), private use,
#: unassigned, line and paragraph separators.
_INVISIBLE = frozenset({"Cf", "Co", "Cn", "Zl", "Zp"})


def describe(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``; a control or a surrogate by what it is."""
    point = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category == "Cs":
        return f"{point} (a lone surrogate, not a character)"
    if category == "Cc":
        return f"{point} (a control character)"
    name = unicodedata.name(char, "")
    return f"{point} {name}" if name else f"{point} (unassigned)"


def _refused(char: str, identifier: bool) -> bool:
    category = unicodedata.category(char)
    if category in _REFUSED:
        return identifier or char not in FREE_TEXT_CONTROLS
    return identifier and category in _INVISIBLE


def unsafe_character(text: str, *, identifier: bool) -> tuple[int, str] | None:
    """The first character of ``text`` the platform refuses: (1-based position, what it is).

    Args:
        identifier: apply the stricter rule for identifiers (nothing invisible).
    """
    if text.isprintable():
        return None  # the common case, decided in C: nothing refused is printable
    for position, char in enumerate(text, start=1):
        if _refused(char, identifier):
            return position, describe(char)
    return None


def text_errors(name: str, value: Any, *, identifier: bool) -> list[FieldError]:
    """A ``FieldError`` for each text in ``value`` (nested in lists and objects) that holds
    a refused character, naming the field, the code point and its position."""
    if isinstance(value, str):
        found = unsafe_character(value, identifier=identifier)
        if found is None:
            return []
        position, what = found
        fix = FIX_IDENTIFIER if identifier else FIX_FREE_TEXT
        return [FieldError(name, f"holds {what} at position {position}", fix)]
    if isinstance(value, Mapping):
        errors = []
        for key, inner in value.items():
            label = f"{name}.{storable(str(key))}"
            errors += text_errors(label, key, identifier=True)
            errors += text_errors(label, inner, identifier=identifier)
        return errors
    if isinstance(value, list | tuple):
        return [
            e
            for i, v in enumerate(value)
            for e in text_errors(f"{name}.{i}", v, identifier=identifier)
        ]
    return []


def storable(value: Any) -> Any:
    """``value`` with every refused character written as a visible escape (``\\ud800``), so
    a row that holds one can be kept as delivered (in quarantine) and shown to a reviewer."""
    if isinstance(value, str):
        if value.isprintable():
            return value
        return "".join(f"\\u{ord(c):04x}" if _refused(c, identifier=False) else c for c in value)
    if isinstance(value, Mapping):
        return {storable(str(k)): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value
