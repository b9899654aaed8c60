"""Keeping resident identity numbers out of the quarantine: pseudonymised, masked or sealed.

A quarantined row is kept so a reviewer can correct it, but the raw resident number must not
be kept with it (GB/T 35273-2020 *Personal information security specification*: 6.2,
de-identify personal information once collected; 6.3, store sensitive personal information,
which identity numbers are (Annex B), encrypted; PIPL Art. 51(3): encryption and
de-identification). At the boundary, every value that identifies a person, or holds
something shaped like a resident number, is replaced by its masked form
(``110105********002X``), and in ``quarantine.identities`` the column keeps:

- a person's identifier that is a valid number: its keyed pseudonym and masked form only
  (``{"pseudonym", "masked"}``); a release uses the pseudonym, as an accepted row would;
- anything else (an invalid number, or a value with a number inside): the value sealed with
  AES-256-GCM under ``XINYONG_QUARANTINE_KEY`` (``{"masked", "sealed"}``), bound to its
  row and column, which only ``xinyong quarantine reveal`` opens, audited; without a key it
  is kept masked and nothing else.

Fifteen-digit values are treated as first-generation resident numbers only when they parse
as one (business registration numbers have fifteen digits too); eighteen-character values
are left alone only when they are a valid USCC.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import ConfigError
from ..ids import (
    IdentifierError,
    PseudonymKey,
    is_pseudonym,
    mask_resident_id,
    parse_resident_id,
    pseudonymise,
)
from ..ids.hiding import mask_numbers, mask_value
from ..types import SubjectKind

#: delivery-format columns that carry a subject's identifier, with the column of its kind
IDENTIFIER_COLUMNS = {
    "subject_code": "subject_kind",
    "to_code": "to_kind",
    "from_code": "from_kind",
}
SEALED_PREFIX = "v1:"


def seal_key(secret: str) -> bytes:
    """The AES-256 key derived from ``XINYONG_QUARANTINE_KEY``."""
    return hashlib.sha256(b"xinyong quarantine seal v1\x00" + secret.encode()).digest()


def seal(value: str, *, key: bytes, bound_to: str) -> str:
    nonce = os.urandom(12)
    box = AESGCM(key).encrypt(nonce, value.encode("utf-8"), bound_to.encode("utf-8"))
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + box).decode("ascii")


def unseal(sealed: str, *, key: bytes, bound_to: str) -> str:
    """The value ``seal`` sealed. Raises ``ConfigError`` under the wrong key."""
    blob = base64.urlsafe_b64decode(sealed.removeprefix(SEALED_PREFIX))
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], bound_to.encode("utf-8")).decode()
    except InvalidTag:
        raise ConfigError(
            "the sealed value does not open under XINYONG_QUARANTINE_KEY: it was sealed under "
            "another key",
            code="wrong-quarantine-key",
        ) from None


@dataclass(frozen=True)
class Protected:
    """A row fit to keep: the values to show and, per hidden column, what is kept of it."""

    row: dict[str, Any]
    identities: dict[str, dict[str, str]]


def _is_person_kind(value: Any) -> bool:
    try:
        return SubjectKind(str(value).strip()).is_person
    except ValueError:
        return True  # an unknown kind may be a person's: hide rather than guess


def protect_row(
    raw: Mapping[str, Any],
    *,
    renames: Mapping[str, str],
    key: PseudonymKey,
    seal_with: bytes | None,
    bound_to: str,
    today: date,
) -> Protected:
    """``raw`` (source column names) with no resident number left in it.

    Args:
        renames: the source's column renames (source name → delivery-format name).
        key: the pseudonym key; seal_with: the quarantine key (``None``: keep masked only).
        bound_to: the row's id; a sealed value opens only for its own row and column.
    """
    named = {renames.get(column, column): column for column in raw}
    identifying = {
        named[code]
        for code, kind in IDENTIFIER_COLUMNS.items()
        if code in named and _is_person_kind(raw.get(named.get(kind, kind)))
    }
    row: dict[str, Any] = {}
    identities: dict[str, dict[str, str]] = {}
    for column, value in raw.items():
        text = "" if value is None else str(value)
        masked = mask_numbers(text, today=today)
        if column in identifying and text.strip() and not is_pseudonym(text.strip()):
            try:
                number = parse_resident_id(text, today=today).number
                identities[column] = {
                    "pseudonym": pseudonymise(number, key=key),
                    "masked": mask_resident_id(number),
                }
                row[column] = identities[column]["masked"]
                continue
            except IdentifierError:
                masked = mask_value(text.strip())
        if masked == text:
            row[column] = value
            continue
        kept = {"masked": masked}
        if seal_with is not None:
            kept["sealed"] = seal(text, key=seal_with, bound_to=f"{bound_to}:{column}")
        identities[column] = kept
        row[column] = masked
    return Protected(row, identities)


def hide_text(values: Any, *, today: date) -> Any:
    """Strings (in lists and dicts too) with every resident number in them masked."""
    if isinstance(values, str):
        return mask_numbers(values, today=today)
    if isinstance(values, dict):
        return {k: hide_text(v, today=today) for k, v in values.items()}
    if isinstance(values, list):
        return [hide_text(v, today=today) for v in values]
    return values


def restore_row(
    row: Mapping[str, Any],
    identities: Mapping[str, Mapping[str, str]],
    *,
    changes: Mapping[str, Any],
    seal_with: bytes | None,
    bound_to: str,
) -> dict[str, Any]:
    """The row to validate again on release: the reviewer's changes over the row, with each
    hidden column's pseudonym or unsealed value.

    Raises:
        InvalidData: a hidden column was kept masked only (no key at the time) and the
            reviewer did not set it (field = that column).
    """
    from ..errors import FieldError, InvalidData

    restored = dict(row)
    for column, kept in identities.items():
        if column in changes:
            continue
        if "pseudonym" in kept:
            restored[column] = kept["pseudonym"]
        elif "sealed" in kept and seal_with is not None:
            restored[column] = unseal(
                kept["sealed"], key=seal_with, bound_to=f"{bound_to}:{column}"
            )
        else:
            raise InvalidData(
                f"column {column!r} of this row was kept only masked",
                code="value-not-kept",
                errors=[
                    FieldError(
                        column,
                        f"is kept only as {kept['masked']!r}",
                        f"give the value again: --set {column}=…"
                        if "sealed" not in kept
                        else "set XINYONG_QUARANTINE_KEY to the key the row was sealed under",
                    )
                ],
            )
    return {**restored, **changes}
