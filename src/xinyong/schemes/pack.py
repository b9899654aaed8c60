"""Loading jurisdiction packs: directories of YAML, checked against the invariants.

A pack directory holds ``pack.yaml``, ``laws.yaml``, ``agencies.yaml`` and
``catalogue/*.yaml``. A pack with a ``parent`` adds to it: it inherits the parent's laws,
agencies and catalogue and may add its own, but may not redefine what the parent defines.
Built-in packs live in ``schemes/packs/``; a directory given in ``XINYONG_PACKS_PATH`` is
searched first, and its packs load through this same code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import NotFound, RuleError
from ..ingest.format import is_delivery_field
from .grades import GradingScheme
from .laws import articles_of, text_names
from .lists import Condition, ListType, Parameter, ProceduresFile
from .model import (
    AgenciesFile,
    Agency,
    CatalogueFile,
    CatalogueItem,
    Instrument,
    LawsFile,
    PackFile,
    Reference,
    SourceDeclaration,
    SourcesFile,
)
from .prohibited import find_prohibited
from .publicity import PublicityFile, PublicityRegime
from .yamlio import _line_of, load_model, read_yaml, validate_model


class CatalogueRefused(RuleError):
    """A catalogue item breaks invariant 1: no legal basis, or a prohibited category."""

    default_code = "catalogue-refused"


@dataclass
class Catalogue:
    """The items of the active public credit information catalogue, by code."""

    items: dict[str, CatalogueItem] = field(default_factory=dict)

    def __contains__(self, code: object) -> bool:
        return code in self.items

    def __iter__(self) -> Iterator[CatalogueItem]:
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    def get(self, code: str) -> CatalogueItem:
        """The item ``code``. Raises ``NotFound`` naming near matches."""
        try:
            return self.items[code]
        except KeyError:
            prefix = code.split(".")[0]
            near = [c for c in self.items if c.startswith(prefix)][:5]
            hint = f"; items in {prefix!r}: {', '.join(near)}" if near else ""
            raise NotFound(
                f"catalogue item {code!r} is not in the catalogue{hint}",
                code="unknown-catalogue-item",
            ) from None


@dataclass
class Pack:
    """A loaded jurisdiction pack, with everything it inherits from its parents."""

    meta: PackFile
    path: Path
    laws: dict[str, Instrument]
    agencies: dict[str, Agency]
    catalogue: Catalogue
    parents: tuple[str, ...] = ()
    #: source agency → what it may deliver (``sources.yaml``)
    sources: dict[str, SourceDeclaration] = field(default_factory=dict)
    #: list types by id (``lists/*.yaml``)
    lists: dict[str, ListType] = field(default_factory=dict)
    #: grading schemes by id (``grades/*.yaml``)
    grades: dict[str, GradingScheme] = field(default_factory=dict)
    #: due-process deadlines by name (``procedures.yaml``), after local narrowing
    procedures: dict[str, Parameter] = field(default_factory=dict)
    #: publicity regimes for penalty information (``publicity.yaml``), oldest first
    publicity: tuple[PublicityRegime, ...] = ()

    @property
    def id(self) -> str:
        return self.meta.id

    def cite(self, ref: Reference) -> str:
        """A reference in words, e.g. ``企业信息公示暂行条例 Art 6``."""
        instrument = self.laws[ref.instrument]
        where = f"Art {ref.article}" if ref.article else ref.section
        para = f" {ref.paragraph}" if ref.paragraph else ""
        return f"{instrument.title_zh} {where}{para}"


def builtin_packs_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("packs")))


def find_pack_dir(pack_id: str, *, extra_path: Path | None = None) -> Path:
    """Directory of pack ``pack_id``: ``extra_path`` first, then the built-in packs."""
    for root in (extra_path, builtin_packs_dir()):
        if root is not None and (root / pack_id / "pack.yaml").is_file():
            return root / pack_id
    known = sorted(p.name for p in builtin_packs_dir().iterdir() if (p / "pack.yaml").is_file())
    raise NotFound(
        f"jurisdiction pack {pack_id!r} not found; built-in packs: {', '.join(known)}"
        + (f"; also searched {extra_path}" if extra_path else ""),
        code="unknown-pack",
    )


def load_pack(pack_id: str, *, extra_path: Path | None = None) -> Pack:
    """Load a pack and its parents, checking every invariant the loader owns.

    Raises:
        NotFound: the pack (or a parent) does not exist.
        PackFormatError: a file is not valid YAML, has a duplicate or unknown key, a
            malformed date or a missing field; the message names file, line and fix.
        CatalogueRefused: an item lacks a legal basis or touches a prohibited category.
        RuleError: a reference to an unknown instrument or agency, a redefinition of a
            parent's item, or a verified citation that the instrument's text contradicts.
    """
    path = find_pack_dir(pack_id, extra_path=extra_path)
    meta = load_model(path / "pack.yaml", PackFile)
    if meta.id != pack_id:
        raise RuleError(
            f"{path / 'pack.yaml'}: id is {meta.id!r} but the directory is {pack_id!r}; "
            "make them the same",
            code="pack-id-mismatch",
        )
    parent_id = meta.parent
    if meta.parent:
        parent = load_pack(meta.parent, extra_path=extra_path)
        laws, agencies = dict(parent.laws), dict(parent.agencies)
        items = dict(parent.catalogue.items)
        parents = (*parent.parents, parent.id)
    else:
        laws, agencies, items, parents = {}, {}, {}, ()

    _merge(laws, _load_optional(path / "laws.yaml", LawsFile, "instruments"), "instrument", path)
    _merge(
        agencies, _load_optional(path / "agencies.yaml", AgenciesFile, "agencies"), "agency", path
    )
    for file in sorted((path / "catalogue").glob("*.yaml")):
        for item in _load_catalogue_file(file):
            if item.code in items:
                raise RuleError(
                    f"{file}: catalogue item {item.code!r} is already defined "
                    f"{'by a parent pack' if parents else 'in another file'}; "
                    "give the item a new code",
                    code="duplicate-item",
                )
            _check_item_links(file, item, laws, agencies)
            items[item.code] = item
    sources = dict(parent.sources) if meta.parent else {}
    own_sources = _load_optional(path / "sources.yaml", SourcesFile, "sources")
    for agency, declaration in own_sources.items():
        _check_source(path / "sources.yaml", agency, declaration, agencies, items)
    sources.update(own_sources)
    lists = dict(parent.lists) if meta.parent else {}
    for file in sorted((path / "lists").glob("*.yaml")):
        data, node = read_yaml(file)
        list_type = validate_model(file, ListType, data, node)
        if list_type.id in lists:
            raise RuleError(
                f"{file}: list {list_type.id!r} is already defined"
                + (" by a parent pack" if meta.parent else "")
                + "; give it a new id",
                code="duplicate-list",
            )
        _check_list(file, list_type, laws, items, local=meta.parent is not None)
        lists[list_type.id] = list_type
    grades = dict(parent.grades) if meta.parent else {}
    for file in sorted((path / "grades").glob("*.yaml")):
        data, node = read_yaml(file)
        scheme = validate_model(file, GradingScheme, data, node)
        if scheme.id in grades:
            raise RuleError(
                f"{file}: grading scheme {scheme.id!r} is already defined",
                code="duplicate-grading-scheme",
            )
        _check_grading(file, scheme, laws, items)
        grades[scheme.id] = scheme
    procedures = dict(parent.procedures) if meta.parent else {}
    own = _load_optional(path / "procedures.yaml", ProceduresFile, "parameters")
    for name, parameter in own.items():
        where = f"{path / 'procedures.yaml'}: {name}"
        for since, value in parameter.values.items():
            check_reference(f"{where} from {since}", value.reference, laws)
            national = procedures[name].at(since) if name in procedures else None
            if (
                national is not None
                and national[0] is not None
                and (value.value is None or value.value > national[0])
            ):
                raise RuleError(
                    f"{where}: {value.value} from {since} widens the {national[0]} that "
                    f"{parent_id} sets; a local pack may narrow a deadline, never widen it",
                    code="widens-parent",
                )
        procedures[name] = parameter
    publicity = parent.publicity if meta.parent else ()
    if (path / "publicity.yaml").is_file():
        loaded = load_model(path / "publicity.yaml", PublicityFile)
        for regime in loaded.regimes:
            check_reference(f"{path / 'publicity.yaml'}: {regime.id}", regime.reference, laws)
        publicity = tuple(
            sorted((*publicity, *loaded.regimes), key=lambda r: r.effective_from or date.min)
        )
    return Pack(
        meta,
        path,
        laws,
        agencies,
        Catalogue(items),
        parents,
        sources,
        lists,
        grades,
        procedures,
        publicity,
    )


def _load_optional(path: Path, model: Any, key: str) -> dict[str, Any]:
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = getattr(load_model(path, model), key)
    return loaded


def _merge(into: dict[str, Any], new: dict[str, Any], what: str, path: Path) -> None:
    for key, value in new.items():
        if key in into:
            raise RuleError(
                f"{path}: {what} {key!r} is already defined by a parent pack; "
                "use a new key or drop this one",
                code=f"duplicate-{what}",
            )
        into[key] = value


def _load_catalogue_file(file: Path) -> list[CatalogueItem]:
    data, node = read_yaml(file)
    raw_items = data.get("items") if isinstance(data, dict) else None
    for index, raw in enumerate(raw_items if isinstance(raw_items, list) else []):
        if not isinstance(raw, dict):
            continue
        code = raw.get("code", f"#{index + 1}")
        line = _line_of(node, ["items", index])
        if not raw.get("legal_basis"):
            raise CatalogueRefused(
                f"{file}:{line}: catalogue item {code!r} has no legal basis. Every item must "
                "cite the law, administrative regulation or State Council document that allows "
                "it to be recorded (invariant 1, catalogue first); add "
                "`legal_basis: [{instrument: …, article: …}]` or remove the item",
                code="no-legal-basis",
                item=code,
            )
        _refuse_prohibited(file, line, code, raw)
    return list(validate_model(file, CatalogueFile, data, node).items)


def _texts_of(raw: dict[str, Any]) -> list[str]:
    texts = [str(raw.get(k, "")) for k in ("code", "name_zh", "name_en", "sector", "description")]
    fields = raw.get("fields")
    if isinstance(fields, dict):
        for name, spec in fields.items():
            texts.append(str(name))
            if isinstance(spec, dict):
                texts.append(str(spec.get("description", "")))
    return texts


def _refuse_prohibited(file: Path, line: int | None, code: str, raw: dict[str, Any]) -> None:
    found = find_prohibited(_texts_of(raw))
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


def _check_list(
    file: Path,
    list_type: ListType,
    laws: dict[str, Instrument],
    items: dict[str, CatalogueItem],
    *,
    local: bool,
) -> None:
    where = f"{file}: list {list_type.id!r}"
    for ref in list_type.legal_basis:
        check_reference(where, ref, laws)
    for name, parameter in list_type.parameters.items():
        for since, value in parameter.values.items():
            check_reference(f"{where} parameter {name} from {since}", value.reference, laws)
    if local and not any(
        laws[r.instrument].kind == "local_regulation" for r in list_type.legal_basis
    ):
        raise RuleError(
            f"{where}: a list applied in one locality needs a local regulation (地方性法规) among "
            "its legal bases (2020 No.49; Shenzhen Art 77); cite one",
            code="local-list-without-local-regulation",
        )
    conditions = [*list_type.entry.where, *(list_type.term.applies_when if list_type.term else ())]
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


def _check_grading(
    file: Path,
    scheme: GradingScheme,
    laws: dict[str, Instrument],
    items: dict[str, CatalogueItem],
) -> None:
    where = f"{file}: grading scheme {scheme.id!r}"
    for ref in scheme.legal_basis:
        check_reference(where, ref, laws)
    for name, parameter in scheme.parameters.items():
        for since, value in parameter.values.items():
            check_reference(f"{where} parameter {name} from {since}", value.reference, laws)
    for indicator in scheme.indicators:
        _check_conditions(
            f"{where} indicator {indicator.id!r}", indicator.items, list(indicator.where), items
        )


def _check_source(
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


def _check_item_links(
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
    if item.publicity_deadline is not None:
        check_reference(where, item.publicity_deadline.reference, laws)


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
