"""A deterministic synthetic population: subjects, links and records, streamed.

``Population.rows()`` yields ``(content, agency, row)`` tuples in one pass, holding only
small pools (recent government bodies) in memory, so it scales to tens of millions of
subjects. The same ``SynthConfig`` gives the same rows, byte for byte.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..ids import divisions, generate_resident_id, generate_uscc
from ..ids.uscc import ALPHABET
from ..ingest.format import Content
from ..schemes import CatalogueItem, FieldSpec, Pack
from ..types import LinkRole, SubjectKind
from ..workdays import add_months
from . import names

#: marks an attribute a synthetic series leaves out
_OMIT = object()
#: Default reference date, fixed so that output does not depend on the day it is made.
DEFAULT_AS_OF = date(2026, 9, 30)
#: Item codes a careless source might send; none is in the catalogue.
UNKNOWN_ITEMS = ("tax.arrear", "market.penalties", "court.dishonest", "social.online_speech")
_USCC_PREFIX = {
    SubjectKind.LEGAL_PERSON: "91",
    SubjectKind.INDIVIDUAL_BUSINESS: "92",
    SubjectKind.SOCIAL_ORGANISATION: "51",
    SubjectKind.PUBLIC_INSTITUTION: "12",
    SubjectKind.GOVERNMENT_BODY: "11",
}
_REGISTRAR = {
    SubjectKind.LEGAL_PERSON: "samr",
    SubjectKind.INDIVIDUAL_BUSINESS: "samr",
    SubjectKind.SOCIAL_ORGANISATION: "civil_affairs",
    SubjectKind.PUBLIC_INSTITUTION: "establishment_office",
    SubjectKind.GOVERNMENT_BODY: "establishment_office",
}


@dataclass(frozen=True)
class SynthConfig:
    """What to generate. Shares are fractions of record rows."""

    subjects: int
    seed: int = 0
    as_of: date = DEFAULT_AS_OF
    #: subject code with a wrong check character
    bad_check_share: float = 0.01
    #: item code outside the catalogue
    unknown_item_share: float = 0.005
    #: no instrument number
    missing_instrument_share: float = 0.005
    #: the same row delivered twice
    duplicate_share: float = 0.01
    #: a corrected version 2 following the row
    correction_share: float = 0.005
    #: records whose underlying decision is later revoked (a decisions row)
    revocation_share: float = 0.003


@dataclass
class Tally:
    """What was generated, for the manifest and for tests."""

    subjects: Counter[str] = field(default_factory=Counter)
    defects: Counter[str] = field(default_factory=Counter)
    records_valid: int = 0
    corrections: int = 0
    duplicates: int = 0
    links: int = 0
    revocations: int = 0
    #: persons whose every row is defective: quarantined rows apply nothing, so these persons
    #: never reach the ledger
    persons_only_in_defective_rows: int = 0


@cache
def profile() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("profile.yaml").read_text("utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


@cache
def _place(code: str) -> str:
    """Short city label for names: 厦门 for 350203 (福建省 厦门市 思明区), 北京 for 110116."""
    parts = divisions().full_name(code).split()
    label = parts[1] if len(parts) == 3 else parts[0]
    return label[:-1] if label[-1] in "市区县盟州" and len(label) > 2 else label


@cache
def _authority_place(code: str) -> str:
    """Where a deciding body sits: 厦门市思明区 for 350203, 北京市怀柔区 for 110116."""
    parts = divisions().full_name(code).split()
    return "".join(parts[1:] if len(parts) == 3 else parts)


class Population:
    """Generator of one synthetic population under one pack's catalogue."""

    def __init__(self, config: SynthConfig, pack: Pack) -> None:
        self.config = config
        self.pack = pack
        self.rng = random.Random(config.seed)
        self.tally = Tally()
        self.counties = divisions().current_counties()
        kinds = profile()["kinds"]
        self.kinds = [SubjectKind(k) for k in kinds]
        self.kind_weights = list(kinds.values())
        rates = profile()["rates"]
        self.items_by_kind: dict[SubjectKind, list[tuple[CatalogueItem, float]]] = {
            kind: [(i, rates[i.code]) for i in pack.catalogue if kind in i.subject_kinds]
            for kind in SubjectKind
        }
        self.texts: dict[str, list[str]] = profile()["texts"]
        self.bodies: list[tuple[str, str]] = []  # recent (code, kind) of employers
        self.sequence: Counter[str] = Counter()
        self._valid_rows = 0  # record rows without a defect

    # -- subjects ---------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[Content, str, tuple[Any, ...]]]:
        made = 0
        while made < self.config.subjects:
            kind = self.rng.choices(self.kinds, self.kind_weights)[0]
            if kind is SubjectKind.CIVIL_SERVANT and not self.bodies:
                kind = SubjectKind.GOVERNMENT_BODY
            if kind in (SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS):
                if made + 2 > self.config.subjects:
                    kind = SubjectKind.NATURAL_PERSON
            if kind.is_person:
                yield from self._person(kind)
                made += 1
            else:
                yield from self._organisation(kind)
                made += (
                    2 if kind in (SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS) else 1
                )

    def _organisation(self, kind: SubjectKind) -> Iterator[tuple[Content, str, tuple[Any, ...]]]:
        rng, division = self.rng, self.rng.choice(self.counties)
        prefix = _USCC_PREFIX[kind]
        code = generate_uscc(rng, authority=prefix[0], entity_type=prefix[1], division=division)
        place = _place(division)
        established = self.config.as_of - timedelta(days=rng.randint(400, 9000))
        extra: dict[str, Any] = {"established_on": established.isoformat()}
        rep: tuple[str, str, bool] | None = None
        if kind is SubjectKind.LEGAL_PERSON:
            name = names.company_name(rng, place)
        elif kind is SubjectKind.INDIVIDUAL_BUSINESS:
            rep = self._new_person_identity(division)
            name = names.shop_name(rng, place, rep[1])
        elif kind is SubjectKind.SOCIAL_ORGANISATION:
            name, extra["org_type"] = names.social_org_name(rng, place)
        elif kind is SubjectKind.GOVERNMENT_BODY:
            name = names.body_name(rng, place)
        else:
            name = names.institution_name(rng, place)
        self.tally.subjects[kind] += 1
        yield Content.SUBJECTS, _REGISTRAR[kind], (str(kind), code, name)
        if kind in (SubjectKind.GOVERNMENT_BODY, SubjectKind.PUBLIC_INSTITUTION):
            self.bodies.append((code, str(kind)))
            del self.bodies[:-500]
        if kind is SubjectKind.LEGAL_PERSON:
            rep = self._new_person_identity(division)
        if rep is not None:
            role = (
                LinkRole.LEGAL_REPRESENTATIVE
                if kind is SubjectKind.LEGAL_PERSON
                else LinkRole.PRINCIPAL_PERSON
            )
            self.tally.subjects[SubjectKind.NATURAL_PERSON] += 1
            self.tally.links += 1
            yield (
                Content.LINKS,
                "samr",
                (
                    str(kind),
                    code,
                    str(role),
                    str(SubjectKind.NATURAL_PERSON),
                    rep[0],
                    rep[1],
                    established.isoformat(),
                ),
            )
            yield from self._records(SubjectKind.NATURAL_PERSON, rep[0], rep[1], division, None)
        yield from self._records(kind, code, name, division, extra)

    def _new_person_identity(self, division: str) -> tuple[str, str, bool]:
        rng, male = self.rng, self.rng.random() < 0.5
        born = self.config.as_of - timedelta(days=rng.randint(20 * 365, 70 * 365))
        number = generate_resident_id(rng, region=division, birth_date=born, male=male)
        return number, names.person_name(rng, male=male), male

    def _person(self, kind: SubjectKind) -> Iterator[tuple[Content, str, tuple[Any, ...]]]:
        division = self.rng.choice(self.counties)
        number, name, _ = self._new_person_identity(division)
        self.tally.subjects[kind] += 1
        if kind is SubjectKind.CIVIL_SERVANT:
            body, body_kind = self.rng.choice(self.bodies)
            self.tally.links += 1
            start = self.config.as_of - timedelta(days=self.rng.randint(100, 8000))
            yield (
                Content.LINKS,
                "civil_service",
                (
                    body_kind,
                    body,
                    str(LinkRole.EMPLOYER),
                    str(kind),
                    number,
                    name,
                    start.isoformat(),
                ),
            )
        valid_before = self._valid_rows
        yield from self._records(kind, number, name, division, None, at_least_one=True)
        if kind is SubjectKind.NATURAL_PERSON and self._valid_rows == valid_before:
            self.tally.persons_only_in_defective_rows += 1

    # -- records ----------------------------------------------------------------------------

    def _records(
        self,
        kind: SubjectKind,
        code: str,
        name: str,
        division: str,
        extra: dict[str, Any] | None,
        *,
        at_least_one: bool = False,
    ) -> Iterator[tuple[Content, str, tuple[Any, ...]]]:
        rng, chosen = self.rng, []
        for item, rate in self.items_by_kind[kind]:
            count = int(rate) + (1 if rng.random() < rate % 1 else 0)
            chosen.extend([item] * count)
        if at_least_one and not chosen:
            items = self.items_by_kind[kind]
            chosen.append(rng.choices([i for i, _ in items], [r for _, r in items])[0])
        for item in chosen:
            agency = rng.choice(item.providers)
            annual = profile().get("annual", {}).get(item.code)
            if annual is None:
                row = self._record_row(item, agency, kind, code, name, division, extra or {})
                yield from self._deliver(agency, row, item)
                continue
            for back in range(annual["years"]):
                year = self.config.as_of.year - 1 - back
                decided = date(year + 1, 4, rng.randint(10, 28))
                if decided > self.config.as_of:
                    continue
                fixed: dict[str, Any] = {"year": year, "_decided": decided}
                fixed.update(dict.fromkeys(annual.get("omit", []), _OMIT))
                for field_name, weights in annual.get("weights", {}).items():
                    fixed[field_name] = rng.choices(list(weights), list(weights.values()))[0]
                row = self._record_row(item, agency, kind, code, name, division, fixed)
                yield from self._deliver(agency, row, item)

    def _record_row(
        self,
        item: CatalogueItem,
        agency: str,
        kind: SubjectKind,
        code: str,
        name: str,
        division: str,
        extra: dict[str, Any],
    ) -> list[Any]:
        rng, as_of = self.rng, self.config.as_of
        earliest = max(
            as_of - timedelta(days=5 * 365),
            date.fromisoformat(extra.get("established_on", "2000-01-01")),
        )
        if item.min_subject_age and kind.is_person:  # e.g. minors are never listed
            born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
            earliest = max(earliest, add_months(born, 12 * item.min_subject_age))
        decided = earliest + timedelta(days=rng.randint(0, max(0, (as_of - earliest).days - 1)))
        if "_decided" in extra:  # an annual item: decided in the spring after its year
            decided = extra["_decided"]
        published = min(as_of, decided + timedelta(days=rng.randint(0, 20)))
        occurred = (
            decided - timedelta(days=rng.randint(1, 180)) if item.polarity == "negative" else None
        )
        self.sequence[agency] += 1
        seq = self.sequence[agency]
        attributes = {
            field_name: extra[field_name]
            if field_name in extra
            else self._value(spec, field_name, decided)
            for field_name, spec in item.fields.items()
            if spec.required or field_name in extra or rng.random() < 0.7
        }
        attributes.pop("_decided", None)
        attributes = {k: v for k, v in attributes.items() if v is not _OMIT}
        agency_name = self.pack.agencies[agency].name_zh
        return [
            f"{agency.upper()}-{seq:010d}",
            1,
            item.code,
            str(kind),
            code,
            name,
            rng.choice(item.instrument_types),
            f"{_place(division)}{agency_name[:2]}〔{decided.year}〕{seq}号",
            f"{_authority_place(division)}{agency_name}",
            decided.isoformat(),
            decided.isoformat(),
            published.isoformat(),
            occurred.isoformat() if occurred else "",
            rng.choice(item.severity_classes),
            division,
            json.dumps(attributes, ensure_ascii=False, sort_keys=True),
        ]

    def _value(self, spec: FieldSpec, name: str, decided: date) -> Any:
        rng = self.rng
        if spec.type == "enum":
            return rng.choice(spec.values or ("",))
        if spec.type == "date":
            days = 3 * 365 if name.startswith("valid") else -rng.randint(30, 3000)
            return (decided + timedelta(days=days)).isoformat()
        if spec.type == "boolean":
            return rng.random() < 0.5
        if spec.type == "integer":
            if "year" in name:
                return decided.year - 1
            low = int(spec.minimum or 1)
            return rng.randint(low, min(int(spec.maximum or low + 50), low + 50))
        if spec.type == "decimal":
            if spec.maximum is not None:
                return round(rng.uniform(spec.minimum or 0, spec.maximum), 1)
            return float(int(10 ** rng.uniform(3, 6.5)))
        if name.endswith("number"):
            return f"（{decided.year}）执{rng.randint(1, 99999)}号"
        text = rng.choice(self.texts.get(name) or ["依法认定的事项"])
        return text[: spec.max_length] if spec.max_length else text

    def _deliver(
        self, agency: str, row: list[Any], item: CatalogueItem
    ) -> Iterator[tuple[Content, str, tuple[Any, ...]]]:
        config, rng, r = self.config, self.rng, self.rng.random()
        cuts = (
            ("bad_check", config.bad_check_share),
            ("unknown_item", config.unknown_item_share),
            ("missing_instrument", config.missing_instrument_share),
        )
        threshold = 0.0
        for defect, share in cuts:
            threshold += share
            if r < threshold:
                self.tally.defects[defect] += 1
                if defect == "bad_check":
                    code = row[4]
                    alphabet = (
                        "0123456789X" if row[3] in ("natural_person", "civil_servant") else ALPHABET
                    )
                    row[4] = code[:-1] + rng.choice([c for c in alphabet if c != code[-1]])
                elif defect == "unknown_item":
                    row[2] = rng.choice(UNKNOWN_ITEMS)
                else:
                    row[7] = ""
                yield Content.RECORDS, agency, tuple(row)
                return
        self._valid_rows += 1
        self.tally.records_valid += 1
        yield Content.RECORDS, agency, tuple(row)
        if rng.random() < config.duplicate_share:
            self.tally.duplicates += 1
            yield Content.RECORDS, agency, tuple(row)
        if rng.random() < config.revocation_share:
            self.tally.revocations += 1
            decided = date.fromisoformat(row[10])
            effective = min(config.as_of, decided + timedelta(days=rng.randint(10, 120)))
            yield (
                Content.DECISIONS,
                agency,
                (
                    row[0],
                    "revoked",
                    effective.isoformat(),
                    f"复〔{effective.year}〕{rng.randint(1, 999)}号",
                    rng.choice(("行政复议决定撤销原处理决定", "人民法院判决撤销原行政行为")),
                ),
            )
        if rng.random() < config.correction_share:
            self.tally.corrections += 1
            self.tally.records_valid += 1
            corrected = list(row)
            corrected[1] = 2
            attributes = json.loads(row[15])
            for name, spec in item.fields.items():
                if spec.type == "decimal" and name in attributes and spec.maximum is None:
                    attributes[name] = round(attributes[name] * 0.8, 2)
            corrected[15] = json.dumps(attributes, ensure_ascii=False, sort_keys=True)
            yield Content.RECORDS, agency, tuple(corrected)
