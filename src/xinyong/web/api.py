"""The JSON API's reference data under ``/api``: the jurisdiction pack, its catalogue, list
types with their entries, grading schemes, double publicity and statistics — all public.

Errors have one shape (``{ok: false, error, errors: [{field, message, fix}], status, code}``);
lists are paginated (``items, page, per_page, total, pages``). The subjects' side of the API
(search, public pages, files, records) is ``subjects_api``; rights, screening and the audit log
have their own modules.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query

from ..disclosure.double_publicity import PublicityFilter, double_publicity
from ..disclosure.entries import current_entries, list_type_view
from ..disclosure.shown import Page
from ..errors import NotFound
from ..types import PublicAttribute
from .answers import api_router
from .answers.base import Paged
from .answers.pack import CatalogueItem, GradesAnswer, ListsAnswer, ListTypeAnswer, SchemesAnswer
from .answers.public import ListEntry, PublicityAnswer, StatisticsAnswer
from .deps import PageNo, PerPage, PublicReader
from .platform import Platform, PlatformDep

router = api_router()


@router.get("/schemes", tags=["schemes"])
def schemes(p: PlatformDep, _: PublicReader) -> SchemesAnswer:
    """The jurisdiction pack this node runs, with what it contains."""
    pack = p.pack
    return SchemesAnswer.model_validate(
        {
            "id": pack.id,
            "version": pack.meta.version,
            "name_zh": pack.meta.name_zh,
            "name_en": pack.meta.name_en,
            "parents": list(pack.parents),
            "catalogue_items": len(pack.catalogue),
            "lists": sorted(pack.lists),
            "grading_schemes": sorted(pack.grades),
            "laws": {
                code: {"title_zh": law.title_zh, "title_en": law.title_en, "kind": str(law.kind)}
                for code, law in sorted(pack.laws.items())
            },
            "procedures": {
                name: {
                    str(since): {"value": v.value, "reference": pack.cite(v.reference)}
                    for since, v in parameter.values.items()
                }
                for name, parameter in pack.procedures.items()
            },
        }
    )


@router.get("/catalogue", tags=["catalogue"])
def catalogue(
    p: PlatformDep, _: PublicReader, page: PageNo = 1, per_page: PerPage = 50
) -> Paged[CatalogueItem]:
    """The public credit information catalogue: every item a record may be of."""
    items = [catalogue_item(p, i.code) for i in p.pack.catalogue]
    start = (page - 1) * per_page
    return Paged[CatalogueItem].model_validate(
        Page(items[start : start + per_page], page, per_page, len(items)).to_dict()
    )


def catalogue_item(p: Platform, code: str) -> dict[str, Any]:
    item = p.pack.catalogue.get(code)
    data = item.model_dump(mode="json", exclude_none=True)
    data["legal_basis_cited"] = [p.pack.cite(r) for r in item.legal_basis]
    return data


@router.get("/catalogue/{code}", tags=["catalogue"])
def catalogue_entry(
    p: PlatformDep, _: PublicReader, code: Annotated[str, Path(max_length=80)]
) -> CatalogueItem:
    """One catalogue item with its fields, legal basis and publicity."""
    return CatalogueItem.model_validate(catalogue_item(p, code))


@router.get("/lists", tags=["lists"])
def lists(p: PlatformDep, who: PublicReader) -> ListsAnswer:
    """Every list type with its entry and exit rules, remedies and legal basis. The public
    sees public lists; credentialed public bodies see all."""
    shown = [
        list_type_view(p.pack, lt)
        for lt in p.pack.lists.values()
        if lt.public is PublicAttribute.PUBLIC or not who.is_public
    ]
    return ListsAnswer.model_validate({"items": shown, "total": len(shown)})


def _public_list(p: Platform, list_id: str) -> Any:
    list_type = p.pack.lists.get(list_id)
    if list_type is None or list_type.public is not PublicAttribute.PUBLIC:
        raise NotFound(f"no public list {list_id[:80]!r}", code="unknown-list")
    return list_type


@router.get("/lists/{list_id}", tags=["lists"])
def list_type(
    p: PlatformDep, _: PublicReader, list_id: Annotated[str, Path(max_length=80)]
) -> ListTypeAnswer:
    """One public list type with its rules and basis."""
    return ListTypeAnswer.model_validate(list_type_view(p.pack, _public_list(p, list_id)))


@router.get("/lists/{list_id}/entries", tags=["lists"])
def list_entries(
    p: PlatformDep,
    _: PublicReader,
    list_id: Annotated[str, Path(max_length=80)],
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> Paged[ListEntry]:
    """The entries of a public list in force today, newest first."""
    _public_list(p, list_id)
    with p.engine.connect() as conn:
        return Paged[ListEntry].model_validate(
            current_entries(
                conn, p.pack, list_id, p.today(), page=page, per_page=per_page
            ).to_dict()
        )


@router.get("/grades", tags=["grades"])
def grades(p: PlatformDep, _: PublicReader) -> GradesAnswer:
    """Grading schemes with their bands and basis, and today's distribution of grades."""
    distribution = p.statistics()["grades"]
    return GradesAnswer.model_validate(
        {
            "items": [
                {
                    "id": s.id,
                    "name_zh": s.name_zh,
                    "name_en": s.name_en,
                    "public": str(s.public),
                    "enabled": s.enabled,
                    "pilot": s.pilot,
                    "legal_basis": [p.pack.cite(r) for r in s.legal_basis],
                    "bands": [b.model_dump(mode="json") for b in s.bands],
                    "distribution": distribution.get(s.id, {}).get("bands", {}),
                }
                for s in p.pack.grades.values()
            ]
        }
    )


@router.get("/publicity", tags=["publicity"])
def publicity(
    p: PlatformDep,
    _: PublicReader,
    kind: Annotated[str | None, Query(pattern="^(licensing|penalty)$")] = None,
    agency: Annotated[str | None, Query(max_length=64)] = None,
    sector: Annotated[str | None, Query(max_length=64)] = None,
    region: Annotated[str | None, Query(pattern=r"^\d{2,6}$")] = None,
    decided_from: date | None = None,
    decided_to: date | None = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> PublicityAnswer:
    """Double publicity (双公示): licensing and penalty decisions, newest first, faceted by
    agency, sector and province; optionally between two decision dates (inclusive)."""
    where = PublicityFilter(kind, agency, sector, region, decided_from, decided_to)
    with p.engine.connect() as conn:
        return PublicityAnswer.model_validate(
            double_publicity(conn, p.pack, p.today(), where, page=page, per_page=per_page)
        )


@router.get("/statistics", tags=["statistics"])
def statistics(p: PlatformDep, _: PublicReader) -> StatisticsAnswer:
    """Records by sector and year, list sizes over time, grade distribution, regions
    (aggregates of the whole ledger, refreshed every few minutes)."""
    return StatisticsAnswer.model_validate(p.statistics())
