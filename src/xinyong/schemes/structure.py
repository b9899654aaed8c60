"""Structural refusals: what a catalogue item must be, whatever its words say.

The prohibited-category check (``prohibited.py``) matches words, so a neutral name passes it.
These checks do not read names at all:

- **Sectors are a closed set.** An item's ``sector`` must be one of the codes in
  ``schemes/sectors.yaml``, each placed in a field of integrity building the Planning Outline
  (国发〔2014〕21号) names. It is platform data: no pack can add a sector. Personal online
  conduct is not among them.
- **A verified legal basis.** An item about natural persons (``natural_person`` or
  ``civil_servant`` subjects), and every item of a local pack, needs at least one legal basis
  marked ``verified`` with a ``quote`` — which the loader has checked is in that article of a
  text shipped in ``schemes/laws/``. An unverified citation cannot create such an item.
- **Free text bounded to the instrument.** On an item about natural persons, a field is typed
  (integer, decimal, date, boolean) or an enumeration; a ``string`` field must declare
  ``quotes_instrument: true`` (its value is copied from the decision, judgment or notice the
  record rests on) and a ``max_length`` of at most ``MAX_QUOTED_LENGTH``.

Items of the national pack whose basis is an instrument xinyong ships no text of are listed
in ``AWAITING_TEXT`` with that instrument and the fingerprint of their reviewed definition;
``xinyong schemes check`` reports each until the text ships. Only an item identical to the
reviewed one, in a pack without a parent, can use the list: renamed, retyped or moved, it is
refused like any other.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..types import Area
from .checks import CatalogueRefused
from .model import CatalogueItem
from .yamlio import load_model

#: longest free text a field about a natural person may hold (characters)
MAX_QUOTED_LENGTH = 500

#: national (``cn``) items about natural persons whose legal basis is an instrument that does
#: not ship in ``schemes/laws/``: item → (that instrument, :func:`fingerprint` of the reviewed
#: definition). To be emptied as the texts ship.
AWAITING_TEXT: dict[str, tuple[str, str]] = {
    "tax.arrears": ("tax_collection_law", "7721245a9ad8540d"),
    "tax.major_violation": ("major_tax_violation_measures_2021", "573d9ff0ddf50d4f"),
    "ip.serious_dishonesty": ("ip_credit_rules_2022", "267ba2e6dfdcdf84"),
    "commitment.made": ("guobanfa_2019_35", "1eff6dd768e7536f"),
    "civil_servant.personal_matters_report": ("guofa_2016_76", "c16e0d09aa986a83"),
    "civil_servant.integrity_record": ("guofa_2016_76", "e2cadb6c9dcfbd42"),
    "civil_servant.annual_review": ("guofa_2016_76", "f22f5ad23b0762bd"),
    "civil_servant.violation": ("guofa_2016_76", "b9a21550c8d2223c"),
    "court.dishonest_debtor": ("spc_dishonest_debtors_2017", "eb35862e653c49a8"),
    "court.consumption_restriction": ("spc_consumption_restriction_2015", "70fbf19da2b90df6"),
    "court.enforcement_case": ("spc_dishonest_debtors_2017", "02ec5fb362d8ae65"),
    "education.exam_cheating": ("education_exam_violations_2012", "7928073e7271f8be"),
    "research.misconduct": ("research_misconduct_rules_2022", "8e471f8076ffec04"),
    "award.commendation": ("guofa_2016_33", "9b1936d477152dd8"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutlineField(_Strict):
    """A field of integrity building as the Planning Outline names it."""

    area: Area
    name_zh: str
    section: str


class SectorsFile(_Strict):
    fields: dict[str, OutlineField]
    sectors: dict[str, str]


@cache
def sectors() -> dict[str, OutlineField]:
    """Every sector code an item may carry, with the Outline field it belongs to."""
    path = Path(str(resources.files(__package__).joinpath("sectors.yaml")))
    loaded = load_model(path, SectorsFile)
    return {code: loaded.fields[field] for code, field in loaded.sectors.items()}


def about_persons(item: CatalogueItem) -> bool:
    return any(kind.is_person for kind in item.subject_kinds)


def fingerprint(item: CatalogueItem) -> str:
    """SHA-256 (first 16 hex digits) of the item's definition as written (keys left at their
    defaults do not count, so a new optional key elsewhere does not change it)."""
    written = item.model_dump(mode="json", exclude_defaults=True)
    canonical = json.dumps(written, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def awaiting_text(item: CatalogueItem) -> str | None:
    """The instrument whose text must ship before ``item`` is verified, if ``item`` is the
    reviewed national item listed in ``AWAITING_TEXT``, unchanged."""
    listed = AWAITING_TEXT.get(item.code)
    if listed is not None and listed[1] == fingerprint(item):
        return listed[0]
    return None


def check_structure(file: Path, item: CatalogueItem, *, local: bool) -> None:
    """Refuse ``item`` unless its sector, legal basis and fields have the required shape
    (``local``: it comes from a pack with a parent).

    Raises:
        CatalogueRefused: naming the item, the structural reason and the fix.
    """
    where = f"{file}: catalogue item {item.code!r}"
    known = sectors()
    if item.sector not in known:
        raise CatalogueRefused(
            f"{where}: sector {item.sector!r} is not a field of integrity building the Planning "
            "Outline (国发〔2014〕21号) names; use one of "
            f"{', '.join(sorted(known))} (schemes/sectors.yaml)",
            code="unknown-sector",
            item=item.code,
        )
    persons = about_persons(item)
    verified = any(r.verified and r.quote for r in item.legal_basis)
    pending = not local and awaiting_text(item) is not None
    if (persons or local) and not verified and not pending:
        whose = "is about natural persons" if persons else "is defined by a local pack"
        raise CatalogueRefused(
            f"{where} {whose}, and none of its legal bases is verified. Such an item needs a "
            "citation checked against a text shipped in schemes/laws/: an article, a `quote` "
            "of its own words and `verified: true`; an unverified citation cannot create it",
            code="unverified-basis",
            item=item.code,
        )
    if not persons:
        return
    for name, spec in item.fields.items():
        if spec.type != "string":
            continue
        if not spec.quotes_instrument or not spec.max_length:
            raise CatalogueRefused(
                f"{where}: free-text field {name!r} on an item about natural persons. Make it "
                "typed or an enumeration, or, if its value is copied from the instrument the "
                "record rests on, declare `quotes_instrument: true` and a `max_length` of at "
                f"most {MAX_QUOTED_LENGTH}",
                code="unbounded-free-text",
                item=item.code,
            )
        if spec.max_length > MAX_QUOTED_LENGTH:
            raise CatalogueRefused(
                f"{where}: field {name!r} allows {spec.max_length} characters; text about a "
                f"natural person quoted from an instrument is at most {MAX_QUOTED_LENGTH}",
                code="unbounded-free-text",
                item=item.code,
            )
