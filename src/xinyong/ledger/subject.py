"""Turning a source's identification of a subject into the ledger's subject key.

Organisations are keyed by their USCC; persons by the keyed pseudonym of their resident
identity number, which is computed here and nowhere else, so the raw number goes no further.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import FieldError, InvalidData
from ..ids import IdentifierError, Mode, PseudonymKey, parse_resident_id, parse_uscc, pseudonymise
from ..types import SubjectKind
from .model import Subject


@dataclass(frozen=True)
class Identified:
    """A subject key with what may be kept of the identifier."""

    subject_id: str
    region: str | None
    id_masked: str | None
    warnings: tuple[str, ...] = ()


def identify(
    kind: SubjectKind, code: str, *, key: PseudonymKey, today: date, mode: Mode = Mode.STRICT
) -> Identified:
    """The ledger key for a subject of ``kind`` identified by ``code``.

    Raises:
        InvalidData: the code is invalid for this kind (field ``subject_code``); the message
            never contains a raw resident number.
    """
    try:
        if kind.is_person:
            rid = parse_resident_id(code, today=today)
            return Identified(
                pseudonymise(rid.number, key=key), rid.region, rid.masked, rid.warnings
            )
        uscc = parse_uscc(code, mode=mode)
    except IdentifierError as exc:
        what = "resident identity number" if kind.is_person else "Unified Social Credit Code"
        raise InvalidData(
            f"subject_code is not a valid {what}: {exc.detail}",
            code="invalid-subject-code",
            errors=[
                FieldError(
                    "subject_code",
                    f"not a valid {what}: {exc.detail}",
                    f"give the subject's {what}",
                )
            ],
        ) from None
    warnings = list(uscc.warnings)
    info = uscc.authority_info()
    if info is not None and info["subject_kind"] != kind:
        warnings.append(
            f"code type {uscc.code[:2]} ({info['name_en']}) usually marks a "
            f"{info['subject_kind']}, but the subject is given as {kind}"
        )
    return Identified(uscc.code, uscc.division, None, tuple(warnings))


def make_subject(
    kind: SubjectKind,
    code: str,
    name: str,
    *,
    key: PseudonymKey,
    today: date,
    source_agency: str,
    mode: Mode = Mode.STRICT,
) -> Subject:
    """A ``Subject`` from a source's identification (see ``identify``)."""
    if not name.strip():
        raise InvalidData(
            "subject_name is empty",
            code="invalid-subject",
            errors=[FieldError("subject_name", "is empty", "give the registered name")],
        )
    found = identify(kind, code, key=key, today=today, mode=mode)
    return Subject(
        subject_id=found.subject_id,
        kind=kind,
        name=name.strip(),
        region=found.region,
        id_masked=found.id_masked,
        source_agency=source_agency,
    )


def subject_key(code: str, *, key: PseudonymKey, today: date) -> str:
    """The ledger key a caller's identifier stands for: a pseudonym as given, a resident
    identity number turned into its pseudonym, a USCC upper-cased.

    Eighteen characters of 17 digits and a digit or X can be either: a valid resident number
    is taken as one, else a valid USCC; neither is an error (never a silent "not found").

    Raises:
        IdentifierError: ``code`` looks like a resident number but is not a valid one.
    """
    from ..ids import is_pseudonym

    text = code.strip()
    if is_pseudonym(text):
        return text
    upper = text.upper()
    looks_resident = (len(upper) == 15 and upper.isdigit()) or (
        len(upper) == 18 and upper[:17].isdigit() and upper[17] in "0123456789X"
    )
    if not looks_resident:
        return upper
    try:
        return pseudonymise(parse_resident_id(upper, today=today).number, key=key)
    except IdentifierError:
        if len(upper) == 18:
            try:
                return parse_uscc(upper, mode=Mode.STRICT).code
            except IdentifierError:
                pass
        raise
