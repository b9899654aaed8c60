"""Checks the pack loader applies to what it reads: legal bases and citations against the
shipped texts, prohibited categories, criteria over real fields, source declarations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import RuleError
from ..ingest.format import is_delivery_field
from .grades import GradingScheme
from .laws import articles_of, text_names
from .lists import Condition, ListType, Parameter
from .measures import Measure, Memorandum, Responder
from .model import Agency, CatalogueItem, Instrument, Reference, SourceDeclaration
from .prohibited import find_prohibited


class CatalogueRefused(RuleError):
    """A catalogue item breaks invariant 1: no legal basis, or a prohibited category."""

    default_code = "catalogue-refused"


def texts_of(raw: dict[str, Any]) -> list[str]:
    texts = [str(raw.get(k, "")) for k in ("code", "name_zh", "name_en", "sector", "description")]
    fields = raw.get("fields")
    if isinstance(fields, dict):
        for name, spec in fields.items():
            texts.append(str(name))
            if isinstance(spec, dict):
                texts.append(str(spec.get("description", "")))
    return texts


def refuse_prohibited(file: Path, line: int | None, code: str, raw: dict[str, Any]) -> None:
    found = find_prohibited(texts_of(raw))
    if found:
        category, term = found[0]
        raise CatalogueRefused(
            f"{file}:{line}: catalogue item {code!r} touches the prohibited category "
            f"'{category.name}' (matched {term!r}). Refused: {category.reason}. No pack can "
            "record it; remove the item or the field",
            code="prohibited-category",
            item=code,
            category=category.id,
        )


#: record columns a list criterion may test besides ``attributes.<field>``
CRITERIA_COLUMNS = frozenset({"severity", "source_agency", "region", "instrument_type"})


def check_list(
    file: Path,
    list_type: ListType,
    laws: dict[str, Instrument],
    items: dict[str, CatalogueItem],
    *,
    local: bool,
) -> None:
    where = f"{file}: list {list_type.id!r}"
    check_citations(where, list_type.legal_basis, list_type.parameters, laws)
    if local and not any(
        laws[r.instrument].kind == "local_regulation" for r in list_type.legal_basis
    ):
        raise RuleError(
            f"{where}: a list applied in one locality needs a local regulation (地方性法规) among "
            "its legal bases (2020 No.49; Shenzhen Art 77); cite one",
            code="local-list-without-local-regulation",
        )
    conditions = [*list_type.entry.where, *(list_type.term.applies_when if list_type.term else ())]
    if any(c.op == "in_window" for c in conditions):
        raise RuleError(f"{where}: `in_window` is for grading schemes only", code="bad-criterion")
    if list_type.entry.streak is not None:
        conditions.append(Condition(field=list_type.entry.streak.field, op="gte", value=0))
    if list_type.term is not None and list_type.term.months_field is not None:
        conditions.append(Condition(field=list_type.term.months_field, op="gte", value=0))
    if list_type.entry.absence is not None and list_type.entry.absence.since is not None:
        conditions.append(Condition(field=list_type.entry.absence.since, op="eq", value=""))
    _check_conditions(where, list_type.entry.items, conditions, items)


def _check_conditions(
    where: str,
    codes: tuple[str, ...],
    conditions: list[Condition],
    items: dict[str, CatalogueItem],
) -> None:
    for code in codes:
        if code not in items:
            raise RuleError(
                f"{where}: entry item {code!r} is not in the catalogue",
                code="unknown-catalogue-item",
            )
        for condition in conditions:
            name = condition.field
            if name.startswith("attributes."):
                if name.removeprefix("attributes.") not in items[code].fields:
                    raise RuleError(
                        f"{where}: condition on {name!r}, which item {code} does not have; "
                        f"its fields: {', '.join(items[code].fields)}",
                        code="bad-criterion",
                    )
            elif name not in CRITERIA_COLUMNS:
                raise RuleError(
                    f"{where}: condition on {name!r}; test one of "
                    f"{', '.join(sorted(CRITERIA_COLUMNS))} or attributes.<field>",
                    code="bad-criterion",
                )


def check_grading(
    file: Path,
    scheme: GradingScheme,
    laws: dict[str, Instrument],
    items: dict[str, CatalogueItem],
) -> None:
    where = f"{file}: grading scheme {scheme.id!r}"
    check_citations(where, scheme.legal_basis, scheme.parameters, laws)
    for indicator in scheme.indicators:
        _check_conditions(
            f"{where} indicator {indicator.id!r}", indicator.items, list(indicator.where), items
        )


def check_source(
    file: Path,
    agency: str,
    declaration: SourceDeclaration,
    agencies: dict[str, Agency],
    items: dict[str, CatalogueItem],
) -> None:
    where = f"{file}: source {agency!r}"
    if agency not in agencies:
        raise RuleError(f"{where} is not in agencies.yaml; add it there", code="unknown-agency")
    for code in declaration.items:
        if code not in items:
            raise RuleError(
                f"{where} declares item {code!r}, which is not in the catalogue",
                code="unknown-catalogue-item",
            )
        if agency not in items[code].providers:
            raise RuleError(
                f"{where} declares item {code!r}, but the catalogue names "
                f"{', '.join(items[code].providers)} as its providers; add {agency!r} to the "
                "item's providers (with a legal basis) or drop the item",
                code="source-not-provider",
            )
    for column, target in declaration.columns.items():
        if not is_delivery_field(target):
            raise RuleError(
                f"{where} maps column {column!r} to {target!r}, which is not a delivery field "
                "(see xinyong.ingest.format; attributes go to `attributes.<field>`)",
                code="bad-column-mapping",
            )


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_item_links(
    file: Path, item: CatalogueItem, laws: dict[str, Instrument], agencies: dict[str, Agency]
) -> None:
    where = f"{file}: catalogue item {item.code!r}"
    for provider in item.providers:
        if provider not in agencies:
            raise RuleError(
                f"{where}: provider {provider!r} is not in agencies.yaml; add the agency or "
                "correct the code",
                code="unknown-agency",
            )
    for name, spec in item.fields.items():
        if (spec.type == "enum") != bool(spec.values):
            raise RuleError(
                f"{where}: field {name!r} must have `values` if and only if its type is enum",
                code="bad-field-spec",
            )
    for ref in item.legal_basis:
        check_reference(where, ref, laws)
    if item.min_age_reference is not None:
        check_reference(where, item.min_age_reference, laws)
    if item.publicity_deadline is not None:
        check_reference(where, item.publicity_deadline.reference, laws)


def check_citations(
    where: str,
    legal_basis: tuple[Reference, ...],
    parameters: dict[str, Parameter],
    laws: dict[str, Instrument],
) -> None:
    """Check a rule's legal basis and the reference of every dated value of its parameters."""
    for ref in legal_basis:
        check_reference(where, ref, laws)
    for name, parameter in parameters.items():
        for since, value in parameter.values.items():
            check_reference(f"{where} parameter {name} from {since}", value.reference, laws)


def check_reference(where: str, ref: Reference, laws: dict[str, Instrument]) -> None:
    """Check a citation: known instrument; if verified, the article and quote are in its text.

    Raises:
        RuleError: naming the citation and what to fix.
    """
    instrument = laws.get(ref.instrument)
    if instrument is None:
        raise RuleError(
            f"{where}: legal basis cites instrument {ref.instrument!r}, which laws.yaml does "
            "not register; add it there",
            code="unknown-instrument",
        )
    if not ref.verified:
        return
    if ref.article is None:
        raise RuleError(
            f"{where}: a verified citation of {ref.instrument} must name an article",
            code="unverifiable-citation",
        )
    if instrument.text is None or instrument.text not in text_names():
        raise RuleError(
            f"{where}: citation of {ref.instrument} Art {ref.article} is marked verified but "
            "xinyong ships no text of that instrument to verify it against; set "
            "`verified: false` or add the text to schemes/laws/",
            code="unverifiable-citation",
        )
    articles = articles_of(instrument.text)
    if ref.article not in articles:
        raise RuleError(
            f"{where}: {instrument.title_zh} has no Art {ref.article} "
            f"(it has Arts 1–{max(articles)}); correct the article number",
            code="no-such-article",
        )
    if ref.quote and _normalise(ref.quote) not in _normalise(articles[ref.article]):
        raise RuleError(
            f"{where}: the quote {ref.quote!r} is not in {instrument.title_zh} Art "
            f"{ref.article}; quote the article's own words",
            code="quote-not-found",
        )


def check_measures(
    file: Path,
    measures: dict[str, Measure],
    responders: dict[str, Responder],
    laws: dict[str, Instrument],
) -> None:
    """Every measure cites existing law and names a known responder; a market actor only
    ever receives advice or grants incentives."""
    for measure in measures.values():
        where = f"{file}: measure {measure.id!r}"
        for ref in (*measure.legal_basis, *([measure.reach_basis] if measure.reach_basis else [])):
            check_reference(where, ref, laws)
        responder = responders.get(measure.implementing_agency)
        if responder is None:
            raise RuleError(
                f"{where}: implementing agency {measure.implementing_agency!r} is not in "
                "responders.yaml; add it there",
                code="unknown-responder",
            )
        if responder.kind == "market_actor" and measure.category != "market_autonomous":
            raise RuleError(
                f"{where}: {measure.implementing_agency} is a market actor; it can only be "
                "given `market_autonomous` measures (advice), never orders (2020 No.49)",
                code="market-actor-ordered",
            )


def check_memorandum(
    file: Path,
    memo: Memorandum,
    measures: dict[str, Measure],
    responders: dict[str, Responder],
    lists: dict[str, ListType],
    laws: dict[str, Instrument],
) -> None:
    """Proportionality (过惩相当) as load-time refusals: rights-reducing measures only on
    serious lists, penalties never on red lists, incentives only on red lists."""
    where = f"{file}: memorandum {memo.id!r}"
    for ref in memo.legal_basis:
        check_reference(where, ref, laws)
    for code in (memo.initiator, *memo.signatories):
        if code not in responders:
            raise RuleError(
                f"{where}: {code!r} is not in responders.yaml; add it there",
                code="unknown-responder",
            )
    for list_id in memo.target_lists:
        if list_id not in lists:
            raise RuleError(f"{where}: target list {list_id!r} is not defined", code="unknown-list")
    for row in memo.rows:
        at = f"{where} row {row.measure!r}"
        measure = measures.get(row.measure)
        if measure is None:
            raise RuleError(f"{at}: no such measure in measures.yaml", code="unknown-measure")
        for ref in row.legal_basis:
            check_reference(at, ref, laws)
        if row.implementing_agency not in responders:
            raise RuleError(
                f"{at}: implementing agency {row.implementing_agency!r} is not in responders.yaml",
                code="unknown-responder",
            )
        for list_id in memo.target_lists:
            target = lists[list_id]
            if measure.category == "rights_reducing" and not target.serious:
                raise RuleError(
                    f"{at}: a rights-reducing measure may attach only to a serious list; "
                    f"{list_id} is not serious (过惩相当, 2020 No.49)",
                    code="disproportionate-measure",
                )
            if measure.effect == "reward" and target.polarity != "red":
                raise RuleError(
                    f"{at}: an incentive attaches only to a red list; {list_id} is "
                    f"{target.polarity}",
                    code="incentive-on-black-list",
                )
            if measure.effect != "reward" and target.polarity == "red":
                raise RuleError(
                    f"{at}: a penalty cannot attach to the red list {list_id}",
                    code="penalty-on-red-list",
                )
