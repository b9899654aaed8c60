"""Loading jurisdiction packs: directories of YAML, checked against the invariants.

A pack directory holds ``pack.yaml``, ``laws.yaml``, ``agencies.yaml`` and
``catalogue/*.yaml``. A pack with a ``parent`` adds to it: it inherits the parent's laws,
agencies and catalogue and may add its own, but may not redefine what the parent defines.
Built-in packs live in ``schemes/packs/``; a directory given in ``XINYONG_PACKS_PATH`` is
searched first, and its packs load through this same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from ..errors import NotFound, RuleError
from .checks import (
    CatalogueRefused,
    check_grading,
    check_item_links,
    check_list,
    check_measures,
    check_memorandum,
    check_reference,
    check_source,
    refuse_prohibited,
)
from .grades import GradingScheme
from .lists import ListType, Parameter, ProceduresFile, RepairBar
from .measures import (
    CommitmentMatter,
    CommitmentsFile,
    Measure,
    MeasuresFile,
    Memorandum,
    MemorandumRow,
    Responder,
    RespondersFile,
)
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
from .publicity import PublicityFile, PublicityRegime
from .structure import check_structure
from .yamlio import _line_of, load_model, read_yaml, validate_model


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
    #: responding agencies (``responders.yaml``)
    responders: dict[str, Responder] = field(default_factory=dict)
    #: the measures catalogue (``measures.yaml``), by id
    measures: dict[str, Measure] = field(default_factory=dict)
    #: memoranda binding measures to lists (``memoranda/*.yaml``), by id
    memoranda: dict[str, Memorandum] = field(default_factory=dict)
    #: matters where the credit-commitment route applies (``commitments.yaml``), by id
    commitments: dict[str, CommitmentMatter] = field(default_factory=dict)
    #: legal bars to credit repair (``procedures.yaml`` ``repair_bars``), by id
    repair_bars: dict[str, RepairBar] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.meta.id

    def measures_for(
        self, list_id: str, day: date
    ) -> Iterator[tuple[Memorandum, MemorandumRow, Measure]]:
        """Each (memorandum, row, measure) in force on ``day`` that attaches a measure to
        entries of ``list_id``."""
        for memo in self.memoranda.values():
            if list_id not in memo.target_lists or not memo.in_force(day):
                continue
            for row in memo.rows:
                measure = self.measures[row.measure]
                if measure.in_force(day):
                    yield memo, row, measure

    def procedure(self, name: str, day: date) -> int | None:
        """The value of the due-process parameter ``name`` in force on ``day``; ``None`` when
        the pack sets none (or it was repealed)."""
        parameter = self.procedures.get(name)
        found = parameter.at(day) if parameter is not None else None
        return found[0] if found is not None else None

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
            check_item_links(file, item, laws, agencies)
            check_structure(file, item, local=meta.parent is not None)
            items[item.code] = item
    sources = dict(parent.sources) if meta.parent else {}
    own_sources = _load_optional(path / "sources.yaml", SourcesFile, "sources")
    for agency, declaration in own_sources.items():
        check_source(path / "sources.yaml", agency, declaration, agencies, items)
    sources.update(own_sources)
    lists = _load_rules(
        path / "lists",
        ListType,
        dict(parent.lists) if meta.parent else {},
        lambda f, lt: check_list(f, lt, laws, items, local=meta.parent is not None),
    )
    grades = _load_rules(
        path / "grades",
        GradingScheme,
        dict(parent.grades) if meta.parent else {},
        lambda f, gs: check_grading(f, gs, laws, items),
    )
    for scheme in grades.values():
        if scheme.authority is not None and scheme.authority not in agencies:
            raise RuleError(
                f"{path / 'grades'}: {scheme.id}: authority {scheme.authority!r} is not in "
                "agencies.yaml",
                code="unknown-agency",
            )
    procedures = dict(parent.procedures) if meta.parent else {}
    own_file = (
        load_model(path / "procedures.yaml", ProceduresFile)
        if (path / "procedures.yaml").is_file()
        else ProceduresFile()
    )
    own = own_file.parameters
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
    repair_bars = dict(parent.repair_bars) if meta.parent else {}
    for bar in own_file.repair_bars:
        where = f"{path / 'procedures.yaml'}: repair bar {bar.id!r}"
        for ref in bar.legal_basis:
            check_reference(where, ref, laws)
        unknown = [code for code in bar.items if code not in items]
        if unknown or bar.years not in procedures:
            raise RuleError(
                f"{where}: {', '.join(unknown) or bar.years} is not in the catalogue or the "
                "procedures; define it first",
                code="unknown-reference",
            )
        _merge(repair_bars, {bar.id: bar}, "repair bar", path)
    publicity = parent.publicity if meta.parent else ()
    if (path / "publicity.yaml").is_file():
        loaded = load_model(path / "publicity.yaml", PublicityFile)
        for regime in loaded.regimes:
            check_reference(f"{path / 'publicity.yaml'}: {regime.id}", regime.reference, laws)
        publicity = tuple(
            sorted((*publicity, *loaded.regimes), key=lambda r: r.effective_from or date.min)
        )
    responders = dict(parent.responders) if meta.parent else {}
    _merge(
        responders,
        _load_optional(path / "responders.yaml", RespondersFile, "responders"),
        "responder",
        path,
    )
    measures = dict(parent.measures) if meta.parent else {}
    if (path / "measures.yaml").is_file():
        own_measures = {m.id: m for m in load_model(path / "measures.yaml", MeasuresFile).measures}
        _merge(measures, own_measures, "measure", path)
        check_measures(path / "measures.yaml", own_measures, responders, laws)
    memoranda: dict[str, Memorandum] = _load_rules(
        path / "memoranda",
        Memorandum,
        dict(parent.memoranda) if meta.parent else {},
        lambda f, memo: check_memorandum(f, memo, measures, responders, lists, laws),
    )
    commitments = dict(parent.commitments) if meta.parent else {}
    if (path / "commitments.yaml").is_file():
        for matter in load_model(path / "commitments.yaml", CommitmentsFile).matters:
            where = f"{path / 'commitments.yaml'}: matter {matter.id!r}"
            for ref in matter.legal_basis:
                check_reference(where, ref, laws)
            if matter.authority not in agencies:
                raise RuleError(
                    f"{where}: authority {matter.authority!r} is not in agencies.yaml",
                    code="unknown-agency",
                )
            _merge(commitments, {matter.id: matter}, "commitment matter", path)
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
        responders,
        measures,
        memoranda,
        commitments,
        repair_bars,
    )


R = TypeVar("R", ListType, GradingScheme, Memorandum)


def _load_rules(
    directory: Path, model: type[R], inherited: dict[str, R], check: Callable[[Path, R], None]
) -> dict[str, R]:
    """Load every ``*.yaml`` rule in ``directory`` on top of the inherited ones, by id."""
    rules = inherited
    for file in sorted(directory.glob("*.yaml")):
        data, node = read_yaml(file)
        rule = validate_model(file, model, data, node)
        if rule.id in rules:
            raise RuleError(
                f"{file}: {rule.id!r} is already defined (here or by a parent pack); "
                "give it a new id",
                code="duplicate-rule",
            )
        check(file, rule)
        rules[rule.id] = rule
    return rules


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
        refuse_prohibited(file, line, code, raw)
    return list(validate_model(file, CatalogueFile, data, node).items)
