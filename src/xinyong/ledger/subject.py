"""Turning a source's identification of a subject into the ledger's subject key.

Organisations are keyed by their USCC; persons by the keyed pseudonym of their resident
identity number, which is computed here and nowhere else, so the raw number goes no further.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ..errors import FieldError, InvalidData
from ..ids import Classified, Kind, Mode, PseudonymKey, classify, pseudonymise
from ..ids.batch import plain_codes
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
    kind: SubjectKind,
    code: str,
    *,
    key: PseudonymKey,
    today: date,
    mode: Mode = Mode.STRICT,
    exceptions: frozenset[str] | None = None,
    known: Mapping[str, str] | None = None,
) -> Identified:
    """The ledger key for a subject of ``kind`` identified by ``code`` (``ids.classify``).

    Raises:
        InvalidData: the code is invalid for this kind (field ``subject_code``); the message
            never contains a raw resident number.
    """
    if kind.is_person and known and code in known:
        # a quarantined row keeps a person's pseudonym in place of the number: its masked form
        return Identified(code, known[code][:6], known[code])
    expect = Kind.RESIDENT_ID if kind.is_person else Kind.USCC
    found = classify(code, mode=mode, exceptions=exceptions, today=today, expect=expect)
    if found.resident is not None:
        rid = found.resident
        return Identified(pseudonymise(rid.number, key=key), rid.region, rid.masked, rid.warnings)
    if found.uscc is None:
        what = "resident identity number" if kind.is_person else "Unified Social Credit Code"
        raise InvalidData(
            f"subject_code is not a valid {what}: {found.reason}",
            code="invalid-subject-code",
            errors=[
                FieldError(
                    "subject_code",
                    f"not a valid {what}: {found.reason}",
                    f"give the subject's {what}",
                )
            ],
        )
    uscc = found.uscc
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
    known: Mapping[str, str] | None = None,
) -> Subject:
    """A ``Subject`` from a source's identification (see ``identify``)."""
    if not name.strip():
        raise InvalidData(
            "subject_name is empty",
            code="invalid-subject",
            errors=[FieldError("subject_name", "is empty", "give the registered name")],
        )
    found = identify(kind, code, key=key, today=today, mode=mode, known=known)
    return Subject(
        subject_id=found.subject_id,
        kind=kind,
        name=name.strip(),
        region=found.region,
        id_masked=found.id_masked,
        source_agency=source_agency,
    )


def subject_key(
    code: str,
    *,
    key: PseudonymKey,
    today: date,
    mode: Mode = Mode.STRICT,
    exceptions: frozenset[str] | None = None,
    field: str = "subject",
) -> str:
    """The ledger key a caller's identifier stands for: a pseudonym as given, a resident
    identity number turned into its pseudonym, a USCC normalised — checked by
    ``ids.classify`` under ``mode`` and ``exceptions`` exactly as ingest checks it.

    Raises:
        InvalidData: ``code`` is not a valid subject identifier (code
            ``invalid-subject``), naming ``field`` and the fault; never a silent "not
            found" and never an "allow".
    """
    found = classify(code, mode=mode, exceptions=exceptions, today=today)
    if found.kind is Kind.RESIDENT_ID and found.resident is not None:
        return pseudonymise(found.resident.number, key=key)
    if found.kind in (Kind.USCC, Kind.PSEUDONYM) and found.code is not None:
        return found.code
    raise invalid_subject(found, field)


def subject_keys(
    codes: Sequence[str],
    *,
    key: PseudonymKey,
    today: date,
    mode: Mode = Mode.STRICT,
    exceptions: frozenset[str] | None = None,
    field: str = "subjects",
) -> list[str | InvalidData]:
    """``subject_key`` of each code in a batch, in order: the key, or the refusal naming
    ``{field}.{position}``. Plain codes are checked together (``ids.batch``), the rest one
    by one; the result is the same as calling ``subject_key`` on each."""
    plain = plain_codes(codes, today=today)
    fast = {
        at: pseudonymise(code, key=key) if person else code
        for at, code, valid, person in zip(
            plain.at, plain.codes, plain.valid, plain.person, strict=True
        )
        if valid
    }

    def single(at: int) -> str | InvalidData:
        try:
            return subject_key(
                codes[at],
                key=key,
                today=today,
                mode=mode,
                exceptions=exceptions,
                field=f"{field}.{at}",
            )
        except InvalidData as refused:
            return refused

    return [fast[at] if at in fast else single(at) for at in range(len(codes))]


def invalid_subject(found: Classified, field: str = "subject") -> InvalidData:
    """The refusal of a code that is no subject identifier, naming the field and fault."""
    reason = found.reason or (
        "an organisation code (GB 11714) is not a subject identifier"
        if found.kind is Kind.ORGANISATION_CODE
        else "is not a subject identifier"
    )
    return InvalidData(
        f"{field} is not a valid identifier: {reason}",
        code="invalid-subject",
        errors=[
            FieldError(
                field,
                reason,
                "give the subject's 18-character Unified Social Credit Code or resident "
                "identity number (or its pseudonym), as issued",
            )
        ],
        position=found.position,
        expected=found.expected,
    )
