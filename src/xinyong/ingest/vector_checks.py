"""The records rules of ``rows.py`` and ``ledger.validate`` over a whole Arrow batch.

A batch holds the delivered text of each cell (delivery-format column names, ``""`` for
nothing). :func:`check_records` marks each row the vectorised checks *accept*: a row is
accepted only if every rule a records row must pass holds for it —

- text: every cell is made of characters known printable (so none that ``xinyong.text``
  refuses) and has no surrounding space (so stripping changes nothing);
- required fields given; version a whole number of at least 1;
- the catalogue item known, declared for the source and provided by it; the subject kind,
  severity and instrument type allowed for that item; instrument number and issuer given;
- the subject code a valid USCC or resident number for the kind (``vector_ids``), a
  person old enough where the item has a minimum age;
- dates parsed (by ``date.fromisoformat``, once per distinct text), none after the delivery
  date, published on or after the decision, conduct on or before it;
- the attributes parsed and checked against the item's field schema (``parse_attributes``
  and ``RecordValidator.attribute_errors``, once per distinct item and text);
- the region a GB/T 2260 code, or empty.

Every other row goes to the row path, which gives the reasons (``commit.DeliveryLoad``):
the vectorised checks decide only what needs no reason. For the accepted rows the ledger's
record and subject rows come out whole, record ids computed as ``content_id`` does.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import FieldError
from ..types import SubjectKind
from .rows import RowContext, parse_attributes
from .vector_ids import identify_codes
from .vector_rows import CheckedBatch, ledger_rows

#: candidate ranges of characters a cell may hold on the batch path; only those Python
#: calls printable and not a space are kept (``str.isprintable``: no control, format,
#: surrogate, private-use, unassigned or separator character)
_CANDIDATES = (
    (0x21, 0x7E),
    (0xA1, 0x24F),
    (0x2010, 0x205E),
    (0x2100, 0x214F),
    (0x2460, 0x24FF),
    (0x3001, 0x303F),
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xFE30, 0xFE4F),
    (0xFF01, 0xFF5E),
)


def _ranges() -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for low, high in _CANDIDATES:
        start = None
        for point in range(low, high + 2):
            good = point <= high and chr(point).isprintable() and not chr(point).isspace()
            if good and start is None:
                start = point
            elif not good and start is not None:
                kept.append((start, point - 1))
                start = None
    return kept


#: the characters of a plain cell: printable (see ``_CANDIDATES``), and the ASCII space
PLAIN = "^[ " + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in _ranges()) + "]*$"
_REQUIRED = (
    "source_record_id",
    "item_code",
    "subject_kind",
    "subject_code",
    "subject_name",
    "instrument_type",
    "instrument_number",
    "instrument_issuer",
    "severity",
    "decided_on",
    "instrument_date",
)
_DATES = ("decided_on", "published_on", "occurred_on", "instrument_date")


def _and(mask: pa.Array, more: pa.Array) -> pa.Array:
    return pc.and_(mask, pc.fill_null(more, False))


def _plain(cells: pa.Array) -> pa.Array:
    """Per cell: made of plain characters (``PLAIN``), without surrounding space; tested
    once per distinct text where a column repeats itself."""
    encoded = pc.dictionary_encode(cells)
    few = len(encoded.dictionary) * 2 < len(cells)
    texts = encoded.dictionary if few else cells
    plain = pc.and_(
        pc.match_substring_regex(texts, PLAIN),
        pc.invert(pc.or_(pc.starts_with(texts, " "), pc.ends_with(texts, " "))),
    )
    return pc.take(plain, encoded.indices) if few else plain


def _pairs(left: pa.Array, right: pa.Array, allowed: set[str]) -> pa.Array:
    joined = pc.binary_join_element_wise(left, right, "\x1f")
    return pc.is_in(joined, value_set=pa.array(sorted(allowed), pa.string()))


def _dates(column: pa.Array, required: bool) -> tuple[pa.Array, pa.Array]:
    """The column as dates, and whether each cell is a date (or empty where allowed)."""
    encoded = pc.dictionary_encode(column)
    parsed: list[date | None] = []
    good: list[bool] = []
    for text in encoded.dictionary.to_pylist():
        try:
            parsed.append(date.fromisoformat(text) if text else None)
            good.append(bool(text) or not required)
        except ValueError:
            parsed.append(None)
            good.append(False)
    return (
        pc.take(pa.array(parsed, pa.date32()), encoded.indices),
        pc.take(pa.array(good, pa.bool_()), encoded.indices),
    )


def _attributes(
    items: pa.Array, texts: pa.Array, ctx: RowContext, allowed: set[str]
) -> tuple[pa.Array, pa.Array]:
    """Per row: the attributes as the ledger stores them (JSON), and whether they pass."""
    encoded = pc.dictionary_encode(pc.binary_join_element_wise(items, texts, "\x1f"))
    stored: list[str | None] = []
    good: list[bool] = []
    for key in encoded.dictionary.to_pylist():
        item, text = key.split("\x1f", 1)
        errors: list[FieldError] = []
        if item in allowed:
            values = parse_attributes(
                {"attributes": text, "item_code": item}, ctx.catalogue, errors
            )
            errors += ctx.validator.attribute_errors(item, values)
        if item not in allowed or errors:
            stored.append(None)
            good.append(False)
            continue
        stored.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")))
        good.append(True)
    return (
        pc.take(pa.array(stored, pa.string()), encoded.indices),
        pc.take(pa.array(good, pa.bool_()), encoded.indices),
    )


def _old_enough(
    items: pa.Array, person: pa.Array, birth: pa.Array, decided: pa.Array, ctx: RowContext
) -> pa.Array:
    """False where a person is under the item's minimum age on the decision (``add_months``
    by whole years: the same day and month, a birthday on 29 February left to the row path)."""
    ok = pa.array([True] * len(items))
    for item in ctx.catalogue:
        if not item.min_subject_age:
            continue
        concerned = pc.and_(person, pc.equal(items, item.code))
        if not pc.any(concerned).as_py():
            continue
        born_key = pc.add(
            pc.multiply(pc.add(pc.year(birth), item.min_subject_age), 10_000),
            pc.add(pc.multiply(pc.month(birth), 100), pc.day(birth)),
        )
        decided_key = pc.add(
            pc.multiply(pc.year(decided), 10_000),
            pc.add(pc.multiply(pc.month(decided), 100), pc.day(decided)),
        )
        leap_day = pc.and_(pc.equal(pc.month(birth), 2), pc.equal(pc.day(birth), 29))
        adult = pc.and_(pc.greater_equal(decided_key, born_key), pc.invert(leap_day))
        ok = pc.if_else(concerned, pc.fill_null(adult, False), ok)
    return ok


def check_records(
    table: pa.Table, ctx: RowContext, *, stamp: Any, dates_as_text: bool
) -> CheckedBatch:
    """Which rows of ``table`` the batch path accepts, with their ledger rows."""
    n = table.num_rows
    catalogue, agency = ctx.catalogue, ctx.agency

    columns: dict[str, pa.Array] = {}

    def col(name: str) -> pa.Array:
        if name not in columns:
            if name not in table.column_names:
                columns[name] = pa.array([""] * n, pa.string())
            else:
                columns[name] = pc.fill_null(table.column(name).combine_chunks(), "")
        return columns[name]

    ok: pa.Array = pa.array([True] * n)
    for name in table.column_names:
        if name != "subject_code":
            ok = _and(ok, _plain(col(name)))
    for name in _REQUIRED:
        ok = _and(ok, pc.not_equal(col(name), ""))
    allowed = {
        code
        for code in ctx.declaration.items
        if code in catalogue and agency in catalogue.items[code].providers
    }
    items, kinds = col("item_code"), col("subject_kind")
    specs = [catalogue.items[code] for code in allowed]
    ok = _and(
        ok, _pairs(items, kinds, {f"{i.code}\x1f{k}" for i in specs for k in i.subject_kinds})
    )
    ok = _and(
        ok,
        _pairs(
            items, col("severity"), {f"{i.code}\x1f{s}" for i in specs for s in i.severity_classes}
        ),
    )
    types = {f"{i.code}\x1f{t}" for i in specs for t in i.instrument_types}
    ok = _and(ok, _pairs(items, col("instrument_type"), types))
    versions = col("version")
    ok = _and(ok, pc.match_substring_regex(versions, "^[0-9]{1,9}$"))
    version = pc.cast(pc.if_else(ok, versions, "1"), pa.int64())
    ok = _and(ok, pc.greater_equal(version, 1))
    dated: dict[str, pa.Array] = {}
    for name in _DATES:
        dated[name], good = _dates(col(name), name in ("decided_on", "instrument_date"))
        ok = _and(ok, good)
        ok = _and(
            ok, pc.fill_null(pc.less_equal(dated[name], pa.scalar(ctx.today, pa.date32())), True)
        )
    decided = dated["decided_on"]
    ok = _and(ok, pc.fill_null(pc.greater_equal(dated["published_on"], decided), True))
    ok = _and(ok, pc.fill_null(pc.less_equal(dated["occurred_on"], decided), True))
    regions = col("region")
    known = pc.is_in(regions, value_set=pa.array(_division_codes(), pa.string()))
    ok = _and(ok, pc.or_(pc.equal(regions, ""), known))
    attributes, good = _attributes(items, col("attributes"), ctx, allowed)
    ok = _and(ok, good)
    persons = pa.array(sorted(k for k in SubjectKind if k.is_person), pa.string())
    person = pc.is_in(kinds, value_set=persons)
    ids = identify_codes(col("subject_code"), person, key=ctx.key, today=ctx.today, mode=ctx.mode)
    ok = _and(ok, ids.valid)
    ok = _and(ok, _old_enough(items, person, ids.birth, decided, ctx))
    return ledger_rows(ok, col, version, dated, attributes, ids, agency, stamp, dates_as_text)


def _division_codes() -> list[str]:
    from ..ids import divisions

    return divisions().codes()
