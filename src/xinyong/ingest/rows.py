"""From a delivered row to ledger objects: renaming, typing, identifying, validating.

Every function here raises ``InvalidData`` whose ``errors`` list every problem found with
the row (field, message, fix), so a quarantined row says all that is wrong with it at once.
Values may arrive as text (CSV) or typed (JSON Lines, Parquet, xlsx); both are accepted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..errors import FieldError, InvalidData, NotFound
from ..ids import Mode, PseudonymKey, is_pseudonym, parse_resident_id
from ..ledger import EffectiveInstrument, Record, RecordValidator, Subject, SubjectLink
from ..ledger.subject import Identified, identify
from ..schemes import Catalogue, FieldSpec, Pack
from ..schemes.model import SourceDeclaration
from ..text import storable, text_errors
from ..types import LinkRole, SubjectKind
from ..workdays import add_months
from .format import (
    CODE_FIELDS,
    COLUMNS,
    IDENTIFIER_FIELDS,
    OPTIONAL_FIELDS,
    Content,
    renamed_columns,
)


@dataclass
class RowContext:
    """What parsing a row of one delivery needs to know."""

    agency: str
    content: Content
    declaration: SourceDeclaration
    catalogue: Catalogue
    validator: RecordValidator
    key: PseudonymKey
    today: date
    mode: Mode = Mode.STRICT
    #: pseudonyms taken as given, with their masked numbers (a released quarantined row)
    known: dict[str, str] = field(default_factory=dict)
    #: identified subjects by (kind, code), so a subject's many rows parse its code once
    _subjects: dict[tuple[str, str], Identified | InvalidData] = field(default_factory=dict)

    @classmethod
    def for_source(
        cls,
        pack: Pack,
        agency: str,
        content: Content,
        *,
        key: PseudonymKey,
        today: date,
        mode: Mode,
    ) -> RowContext:
        """The context for rows of ``content`` from ``agency`` (``NotFound`` if undeclared)."""
        catalogue = pack.catalogue
        return cls(
            agency,
            content,
            declaration_of(pack, agency),
            catalogue,
            RecordValidator(catalogue),
            key,
            today,
            mode,
        )

    def rename(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The row under delivery-format names (declared renames applied). Raises
        ``InvalidData`` if two of its columns give one field (``renamed_columns``)."""
        names = renamed_columns(self.declaration.columns, list(raw), "the row")
        return dict(zip(names, raw.values(), strict=True))

    def subject(self, kind: Any, code: Any, name: Any) -> Subject:
        """An identified subject (its code's identification cached per delivery, its name
        always this row's). Raises ``InvalidData``."""
        subject_kind = _kind(kind)
        if not _text(name):
            raise InvalidData(
                "subject_name is empty",
                code="invalid-subject",
                errors=[FieldError("subject_name", "is empty", "give the registered name")],
            )
        cache_key = (str(subject_kind), _text(code))
        found = self._subjects.get(cache_key)
        if found is None:
            try:
                found = identify(
                    subject_kind,
                    _text(code),
                    key=self.key,
                    today=self.today,
                    mode=self.mode,
                    known=self.known,
                )
            except InvalidData as exc:
                found = exc
            if len(self._subjects) > 200_000:
                self._subjects.clear()
            self._subjects[cache_key] = found
        if isinstance(found, InvalidData):
            raise found
        return Subject(
            subject_id=found.subject_id,
            kind=subject_kind,
            name=_text(name),
            region=found.region,
            id_masked=found.id_masked,
            source_agency=self.agency,
        )


def declaration_of(pack: Pack, agency: str) -> SourceDeclaration:
    """The source declaration of ``agency``. Raises ``NotFound`` listing the declared ones."""
    try:
        return pack.sources[agency]
    except KeyError:
        raise NotFound(
            f"source agency {agency!r} is not declared in pack {pack.id}; declared: "
            f"{', '.join(sorted(pack.sources))}",
            code="unknown-source",
        ) from None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _kind(value: Any) -> SubjectKind:
    try:
        return SubjectKind(_text(value))
    except ValueError:
        raise InvalidData(
            f"subject kind {value!r} is unknown",
            errors=[
                FieldError(
                    "subject_kind", f"is {_text(value)!r}", f"use one of {', '.join(SubjectKind)}"
                )
            ],
        ) from None


def unsafe_text(row: Mapping[str, Any]) -> list[FieldError]:
    """Every cell (and column name) holding a character the platform cannot store or show:
    a lone surrogate, NUL or another control character anywhere (tab and line breaks are
    allowed in free text), anything invisible in an identifier (``text.py``). Subject codes
    are left to ``ids.classify``, which applies the same rule; a JSON ``attributes`` cell
    is checked once parsed (``parse_attributes``)."""
    errors: list[FieldError] = []
    for column, value in row.items():
        name = str(column)
        errors += text_errors(storable(name), name, identifier=True)
        if name in CODE_FIELDS or name == "attributes":
            continue
        errors += text_errors(storable(name), value, identifier=name in IDENTIFIER_FIELDS)
    return errors


class _Collector:
    """Gathers the errors of one row while its fields are parsed; the text rule first."""

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.errors: list[FieldError] = unsafe_text(row)

    def date(self, row: Mapping[str, Any], name: str) -> date | None:
        value = row.get(name)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            if name not in OPTIONAL_FIELDS:
                self.errors.append(FieldError(name, "is missing", "give a date YYYY-MM-DD"))
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors.append(FieldError(name, f"is {text!r}, not a date", "write YYYY-MM-DD"))
            return None

    def integer(self, row: Mapping[str, Any], name: str) -> int:
        text = _text(row.get(name))
        try:
            return int(text)
        except ValueError:
            self.errors.append(FieldError(name, f"is {text!r}, not a whole number", "e.g. 1"))
            return 0

    def require(self, row: Mapping[str, Any], *names: str) -> None:
        for name in names:
            if not _text(row.get(name)):
                self.errors.append(FieldError(name, "is missing", f"give {name}"))

    def raise_if_any(self, what: str) -> None:
        if self.errors:
            raise InvalidData(
                f"{what}: " + "; ".join(str(e) for e in self.errors), errors=self.errors
            )


def _coerce(spec: FieldSpec, text: str) -> Any:
    """A text cell of a flat ``attributes.<field>`` column as its field's type."""
    if spec.type == "integer":
        return int(text)
    if spec.type == "decimal":
        return float(text)
    if spec.type == "boolean":
        lowered = text.lower()
        if lowered not in ("true", "false", "1", "0", "是", "否"):
            raise ValueError(text)
        return lowered in ("true", "1", "是")
    return text


def parse_attributes(
    row: Mapping[str, Any], catalogue: Catalogue, errors: list[FieldError]
) -> dict[str, Any]:
    raw = row.get("attributes")
    attributes: dict[str, Any] = {}
    if isinstance(raw, dict):
        attributes.update(raw)
    elif _text(raw):
        try:
            loaded = json.loads(_text(raw))
        except json.JSONDecodeError as exc:
            errors.append(
                FieldError(
                    "attributes",
                    f"is not valid JSON ({exc.msg})",
                    'write a JSON object, e.g. {"fine_yuan": 5000}',
                )
            )
            return attributes
        if not isinstance(loaded, dict):
            errors.append(FieldError("attributes", "is not a JSON object", "write {…}"))
            return attributes
        attributes.update(loaded)
    errors += text_errors("attributes", attributes, identifier=False)
    code = _text(row.get("item_code"))
    fields = catalogue.items[code].fields if code in catalogue else {}
    for column, value in row.items():
        if not column.startswith("attributes.") or value is None or _text(value) == "":
            continue
        name = column.removeprefix("attributes.")
        spec = fields.get(name)
        if spec is None or not isinstance(value, str):
            attributes[name] = value  # unknown fields are reported by the validator
            continue
        try:
            attributes[name] = _coerce(spec, value.strip())
        except ValueError:
            errors.append(FieldError(column, f"is {value!r}, not a {spec.type}", "correct it"))
    return attributes


def parse_record(row: Mapping[str, Any], ctx: RowContext) -> tuple[Subject, Record]:
    """The subject and the record a records row describes, before catalogue validation.

    The bulk path validates in ``BulkWriter.add_record``; everything else uses
    ``parse_valid_record``.
    """
    c = _Collector(row)
    c.require(
        row,
        "source_record_id",
        "item_code",
        "subject_kind",
        "subject_code",
        "subject_name",
        "instrument_type",
        "severity",
    )
    item_code = _text(row.get("item_code"))
    if item_code and item_code in ctx.catalogue and item_code not in ctx.declaration.items:
        c.errors.append(
            FieldError(
                "item_code",
                f"{ctx.agency} is not declared as a source of {item_code}",
                f"items declared for {ctx.agency}: {', '.join(ctx.declaration.items)}",
            )
        )
    subject: Subject | None = None
    try:
        subject = ctx.subject(
            row.get("subject_kind"), row.get("subject_code"), row.get("subject_name")
        )
    except InvalidData as exc:
        c.errors.extend(exc.errors or [FieldError("subject_code", exc.detail)])
    version = c.integer(row, "version")
    decided, published = c.date(row, "decided_on"), c.date(row, "published_on")
    occurred, issued = c.date(row, "occurred_on"), c.date(row, "instrument_date")
    attributes = parse_attributes(row, ctx.catalogue, c.errors)
    item = ctx.catalogue.items.get(item_code)
    if item is not None and item.min_subject_age and subject is not None and decided is not None:
        c.errors.extend(_age_errors(item.min_subject_age, row, subject, decided, ctx))
    c.raise_if_any("row is invalid")
    assert subject is not None and decided is not None and issued is not None
    record = Record(
        item_code=item_code,
        subject_id=subject.subject_id,
        source_agency=ctx.agency,
        source_record_id=_text(row["source_record_id"]),
        version=version,
        instrument=EffectiveInstrument(
            _text(row.get("instrument_type")),
            _text(row.get("instrument_number")),
            _text(row.get("instrument_issuer")),
            issued,
        ),
        decided_on=decided,
        severity=_text(row.get("severity")),
        attributes=attributes,
        published_on=published,
        occurred_on=occurred,
        region=_text(row.get("region")) or None,
    )
    return subject, record


def _age_errors(
    minimum: int, row: Mapping[str, Any], subject: Subject, decided: date, ctx: RowContext
) -> list[FieldError]:
    """An error if a person is younger than ``minimum`` on ``decided`` (the raw number is read
    here and not kept)."""
    if not subject.kind.is_person:
        return []
    if is_pseudonym(_text(row.get("subject_code"))):
        return [
            FieldError(
                "subject_code",
                f"is kept only as its pseudonym, so the person's age on {decided} (this item "
                f"may record no one under {minimum}) cannot be checked",
                "give the person's number again: --set subject_code=…",
            )
        ]
    born = parse_resident_id(_text(row.get("subject_code")), today=ctx.today).birth_date
    adult = add_months(born, 12 * minimum)
    if decided >= adult:
        return []
    return [
        FieldError(
            "subject_code",
            f"the person was under {minimum} on {decided}; this item may not record them",
            "do not deliver records this item's legal basis excludes (minors are never listed)",
        )
    ]


def parse_valid_record(row: Mapping[str, Any], ctx: RowContext) -> tuple[Subject, Record]:
    """``parse_record``, then the catalogue's validation. Raises ``InvalidData``."""
    subject, record = parse_record(row, ctx)
    errors = ctx.validator.errors(record, subject_kind=subject.kind, today=ctx.today)
    if errors:
        raise InvalidData("record is invalid", errors=errors)
    return subject, record


def parse_subject(row: Mapping[str, Any], ctx: RowContext) -> Subject:
    c = _Collector(row)
    c.require(row, *COLUMNS[Content.SUBJECTS])
    c.raise_if_any("row is invalid")
    return ctx.subject(row["subject_kind"], row["subject_code"], row["subject_name"])


def parse_link(row: Mapping[str, Any], ctx: RowContext) -> tuple[Subject, SubjectLink]:
    """The person a links row names, and the link from the organisation to them."""
    c = _Collector(row)
    c.require(row, *COLUMNS[Content.LINKS])
    valid_from = c.date(row, "valid_from")
    try:
        role = LinkRole(_text(row.get("role")))
    except ValueError:
        c.errors.append(
            FieldError("role", f"is {row.get('role')!r}", f"use one of {', '.join(LinkRole)}")
        )
    c.raise_if_any("row is invalid")
    assert valid_from is not None
    organisation = identify(
        _kind(row["from_kind"]),
        _text(row["from_code"]),
        key=ctx.key,
        today=ctx.today,
        mode=ctx.mode,
        known=ctx.known,
    )
    person = ctx.subject(row["to_kind"], row["to_code"], row["to_name"])
    link = SubjectLink(
        organisation.subject_id, person.subject_id, role, valid_from, source_agency=ctx.agency
    )
    return person, link


#: decisions a source delivers about its own records, and what each becomes in the ledger
DECISIONS = {
    "revoked",
    "notice_served",
    "extended",
    "early_exit",
    "lifted",
    "exception_permitted",
}


@dataclass(frozen=True)
class Decision:
    """A decision about records already delivered."""

    source_record_id: str
    #: one of ``DECISIONS`` (the ledger's event kind of the same name)
    decision: str
    effective_on: date
    instrument_number: str
    reason: str | None
    attributes: dict[str, Any] = field(default_factory=dict)


def _is_iso_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def parse_decision(row: Mapping[str, Any], ctx: RowContext) -> Decision:
    c = _Collector(row)
    c.require(row, "source_record_id", "decision", "instrument_number")
    effective = c.date(row, "effective_on")
    decision = _text(row.get("decision"))
    if decision and decision not in DECISIONS:
        c.errors.append(
            FieldError("decision", f"is {decision!r}", f"use one of {', '.join(sorted(DECISIONS))}")
        )
    attributes = parse_attributes({"attributes": row.get("attributes")}, ctx.catalogue, c.errors)
    months = attributes.get("months")
    if decision == "extended" and (
        isinstance(months, bool) or not isinstance(months, int) or months < 1
    ):
        c.errors.append(
            FieldError("attributes.months", f"is {months!r}", 'an extension gives {"months": n}')
        )
    if decision == "exception_permitted":
        until = attributes.get("until")
        if not isinstance(attributes.get("action"), str) or not _is_iso_date(until):
            c.errors.append(
                FieldError(
                    "attributes",
                    f"is {attributes!r}",
                    'a permit gives {"action": "aviation.ticket", "until": "YYYY-MM-DD"}',
                )
            )
    if effective is not None and effective > ctx.today:
        c.errors.append(
            FieldError(
                "effective_on", f"is {effective}, after the delivery date", "correct the date"
            )
        )
    c.raise_if_any("row is invalid")
    assert effective is not None
    return Decision(
        _text(row["source_record_id"]),
        decision,
        effective,
        _text(row["instrument_number"]),
        _text(row.get("reason")) or None,
        attributes,
    )
