"""Validation of a record against the active catalogue, before it may enter the ledger.

Every problem is collected (not just the first), each as a ``FieldError`` naming the field,
what is wrong and how to fix it. ``RecordValidator`` compiles each catalogue item's checks
once, so the bulk path pays for a dictionary look-up and a few comparisons per record.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ..errors import FieldError, InvalidData
from ..ids import divisions
from ..schemes import Catalogue, CatalogueItem, FieldSpec
from ..text import text_errors
from ..types import SubjectKind
from .model import Record

AttributeCheck = Callable[[Any], str | None]


def _check_for(spec: FieldSpec) -> AttributeCheck:
    """A function returning an error message for a bad value of ``spec``, else ``None``."""

    def check(value: Any) -> str | None:
        kind = spec.type
        if kind == "string":
            if not isinstance(value, str):
                return f"expected text, got {type(value).__name__} {value!r}"
            if spec.max_length and len(value) > spec.max_length:
                return f"has {len(value)} characters, at most {spec.max_length} allowed"
            return None
        if kind == "enum":
            if value not in (spec.values or ()):
                return f"is {value!r}, expected one of {', '.join(spec.values or ())}"
            return None
        if kind == "boolean":
            return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
        if kind == "date":
            if not isinstance(value, str):
                return f"expected a date YYYY-MM-DD, got {value!r}"
            try:
                date.fromisoformat(value)
            except ValueError:
                return f"is {value!r}, expected a date YYYY-MM-DD"
            return None
        if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
            return f"expected a whole number, got {value!r}"
        if kind == "decimal":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"expected a number, got {value!r}"
            if not math.isfinite(value):
                return f"expected a finite number, got {value!r}"
        if spec.minimum is not None and value < spec.minimum:
            return f"is {value}, below the minimum {spec.minimum:g}"
        if spec.maximum is not None and value > spec.maximum:
            return f"is {value}, above the maximum {spec.maximum:g}"
        return None

    return check


def _text_errors(record: Record) -> list[FieldError]:
    """Text the platform cannot store or show (``xinyong.text``), for records that come
    by ``append_record`` or the bulk writer rather than a delivered row."""
    inst = record.instrument
    return [
        *text_errors("source_record_id", record.source_record_id, identifier=True),
        *text_errors("instrument_type", inst.type, identifier=True),
        *text_errors("instrument_number", inst.number, identifier=True),
        *text_errors("instrument_issuer", inst.issuer, identifier=False),
        *text_errors("attributes", dict(record.attributes), identifier=False),
    ]


class _ItemRules:
    def __init__(self, item: CatalogueItem) -> None:
        self.item = item
        self.kinds = frozenset(item.subject_kinds)
        self.severities = frozenset(item.severity_classes)
        self.instrument_types = frozenset(item.instrument_types)
        self.providers = frozenset(item.providers)
        self.required = tuple(n for n, s in item.fields.items() if s.required)
        self.checks = {name: _check_for(spec) for name, spec in item.fields.items()}


class RecordValidator:
    """Checks records against a catalogue. Build one per catalogue and reuse it."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._rules = {item.code: _ItemRules(item) for item in catalogue}
        self._divisions = divisions()

    def errors(self, record: Record, *, subject_kind: SubjectKind, today: date) -> list[FieldError]:
        """Every problem with ``record``; an empty list means it may enter the ledger.

        Args:
            subject_kind: the kind of the subject the record is about.
            today: the delivery date; no date of the record may be after it.
        """
        rules = self._rules.get(record.item_code)
        if rules is None:
            return [
                FieldError(
                    "item_code",
                    f"{record.item_code!r} is not an item of the active catalogue; records "
                    "outside the catalogue are refused (invariant 1)",
                    "use an item code listed by `xinyong catalogue list`",
                )
            ]
        item = rules.item
        errors: list[FieldError] = []
        if subject_kind not in rules.kinds:
            errors.append(
                FieldError(
                    "subject_kind",
                    f"item {item.code} does not apply to a {subject_kind}",
                    f"item {item.code} applies to: {', '.join(item.subject_kinds)}",
                )
            )
        if record.source_agency not in rules.providers:
            errors.append(
                FieldError(
                    "source_agency",
                    f"{record.source_agency!r} is not a provider of item {item.code}",
                    f"providers of {item.code}: {', '.join(item.providers)}",
                )
            )
        if not record.source_record_id.strip():
            errors.append(
                FieldError("source_record_id", "is empty", "give the source's own record id")
            )
        if record.version < 1:
            errors.append(FieldError("version", f"is {record.version}", "versions start at 1"))
        if record.severity not in rules.severities:
            errors.append(
                FieldError(
                    "severity",
                    f"is {record.severity!r}, not a severity class of item {item.code}",
                    f"use one of: {', '.join(item.severity_classes)}",
                )
            )
        errors.extend(_text_errors(record))
        errors.extend(self._instrument_errors(record, rules))
        errors.extend(self._date_errors(record, today))
        errors.extend(self._attribute_errors(record.attributes, rules))
        if record.region is not None and record.region not in self._divisions:
            errors.append(
                FieldError(
                    "region",
                    f"{record.region!r} is not a GB/T 2260 division code",
                    "give the six-digit code of the deciding body's division",
                )
            )
        return errors

    def check(self, record: Record, *, subject_kind: SubjectKind, today: date) -> None:
        """Raise ``InvalidData`` listing every problem, or return if the record is valid."""
        errors = self.errors(record, subject_kind=subject_kind, today=today)
        if errors:
            raise InvalidData(
                f"record {record.source_agency}/{record.source_record_id} v{record.version} "
                f"is invalid: " + "; ".join(str(e) for e in errors),
                code="invalid-record",
                errors=errors,
            )

    def attribute_errors(self, item_code: str, attributes: Mapping[str, Any]) -> list[FieldError]:
        """The attribute problems of a record of ``item_code`` (a catalogue item), and the
        text in them the platform cannot store, as :meth:`errors` finds them."""
        return [
            *text_errors("attributes", dict(attributes), identifier=False),
            *self._attribute_errors(attributes, self._rules[item_code]),
        ]

    @staticmethod
    def _instrument_errors(record: Record, rules: _ItemRules) -> list[FieldError]:
        inst = record.instrument
        errors = []
        if inst.type not in rules.instrument_types:
            errors.append(
                FieldError(
                    "instrument_type",
                    f"is {inst.type!r}; item {rules.item.code} rests on "
                    f"{', '.join(rules.item.instrument_types)}",
                    "name the legally effective instrument the record rests on",
                )
            )
        for name, value in (("instrument_number", inst.number), ("instrument_issuer", inst.issuer)):
            if not value.strip():
                errors.append(
                    FieldError(
                        name,
                        "is empty: a record must rest on a legally effective instrument",
                        "give the instrument's document number and issuing body",
                    )
                )
        return errors

    @staticmethod
    def _date_errors(record: Record, today: date) -> list[FieldError]:
        errors = []
        dates = {
            "decided_on": record.decided_on,
            "published_on": record.published_on,
            "occurred_on": record.occurred_on,
            "instrument_date": record.instrument.issued_on,
        }
        for name, value in dates.items():
            if value is not None and value > today:
                errors.append(
                    FieldError(
                        name,
                        f"is {value.isoformat()}, after the delivery date {today.isoformat()}",
                        "correct the date; records cannot come from the future",
                    )
                )
        if record.published_on is not None and record.published_on < record.decided_on:
            errors.append(
                FieldError(
                    "published_on",
                    f"is {record.published_on.isoformat()}, before decided_on "
                    f"{record.decided_on.isoformat()}",
                    "a decision is published on or after the day it is taken",
                )
            )
        if record.occurred_on is not None and record.occurred_on > record.decided_on:
            errors.append(
                FieldError(
                    "occurred_on",
                    f"is {record.occurred_on.isoformat()}, after decided_on "
                    f"{record.decided_on.isoformat()}",
                    "conduct happens before the decision about it",
                )
            )
        return errors

    @staticmethod
    def _attribute_errors(attributes: Mapping[str, Any], rules: _ItemRules) -> list[FieldError]:
        errors = []
        for name in rules.required:
            if attributes.get(name) is None:
                errors.append(
                    FieldError(
                        f"attributes.{name}",
                        f"is required by item {rules.item.code}",
                        f"give {name}: {rules.item.fields[name].description}",
                    )
                )
        for name, value in attributes.items():
            check = rules.checks.get(name)
            if check is None:
                errors.append(
                    FieldError(
                        f"attributes.{name}",
                        f"is not a field of item {rules.item.code}",
                        f"fields of {rules.item.code}: {', '.join(rules.item.fields) or 'none'}",
                    )
                )
            elif value is not None and (message := check(value)) is not None:
                errors.append(FieldError(f"attributes.{name}", message, "correct the value"))
        return errors
