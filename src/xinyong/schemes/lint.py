"""``xinyong schemes check``: the rule-of-law invariants over a whole pack.

The loader already refuses what can never be loaded (no legal basis, prohibited catalogue
items, a local list without a local regulation, a widened deadline, a pilot switched on).
The lint adds what needs the whole pack in view, and reports what is not yet checked against
a text. Each finding has a level: ``error`` (the pack must not be adopted), ``warning``
(review before adoption) or ``info``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import XinyongError
from .pack import Pack, load_pack
from .prohibited import find_prohibited
from .structure import awaiting_text


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning | info
    where: str
    message: str


def lint_pack(pack: Pack, *, today: date) -> list[Finding]:
    """Findings over a loaded pack, on ``today``'s parameter values."""
    findings: list[Finding] = []
    for list_type in pack.lists.values():
        where = f"list {list_type.id}"
        texts = [c.field for c in list_type.entry.where] + [
            str(c.value) for c in list_type.entry.where
        ]
        for category, term in find_prohibited(texts):
            findings.append(
                Finding(
                    "error",
                    where,
                    f"criterion touches the prohibited category "
                    f"'{category.name}' (matched {term!r})",
                )
            )
        for code in list_type.entry.items:
            polarity = pack.catalogue.get(code).polarity
            if list_type.polarity == "black" and polarity == "positive":
                findings.append(
                    Finding("error", where, f"a black list enters on {code}, a positive record")
                )
            if list_type.polarity == "red" and polarity == "negative":
                findings.append(
                    Finding("error", where, f"a red list enters on {code}, a negative record")
                )
        for name, parameter in list_type.parameters.items():
            found = parameter.at(today)
            if found is None or found[0] is None:
                findings.append(
                    Finding("warning", where, f"parameter {name} has no value in force on {today}")
                )
        if list_type.term is None:
            findings.append(Finding("info", where, "no fixed term: entries last until an exit"))
    for scheme in pack.grades.values():
        where = f"grading scheme {scheme.id}"
        for indicator in scheme.indicators:
            found = scheme.parameters[indicator.points].at(today)
            points = found[0] if found is not None else None
            for code in indicator.items:
                polarity = pack.catalogue.get(code).polarity
                if points and polarity == "positive" and points < 0:
                    findings.append(
                        Finding(
                            "error",
                            where,
                            f"indicator {indicator.id} deducts for {code}, a positive record",
                        )
                    )
                if points and polarity == "negative" and points > 0:
                    findings.append(
                        Finding(
                            "error",
                            where,
                            f"indicator {indicator.id} adds points for {code}, a negative record",
                        )
                    )
        if scheme.pilot:
            findings.append(Finding("info", where, "pilot scheme, off by default"))
    unverified = sum(
        not r.verified
        for refs in (
            [r for i in pack.catalogue for r in i.legal_basis],
            [r for lt in pack.lists.values() for r in lt.legal_basis],
            [r for s in pack.grades.values() for r in s.legal_basis],
            [
                v.reference
                for lt in pack.lists.values()
                for p in lt.parameters.values()
                for v in p.values.values()
            ],
            [
                v.reference
                for s in pack.grades.values()
                for p in s.parameters.values()
                for v in p.values.values()
            ],
        )
        for r in refs
    )
    if unverified:
        findings.append(
            Finding(
                "warning",
                f"pack {pack.id}",
                f"{unverified} citations are not "
                "checked against an instrument's text (marked unverified)",
            )
        )
    for item in pack.catalogue:
        instrument = awaiting_text(item)
        if instrument is not None:
            findings.append(
                Finding(
                    "warning",
                    f"catalogue item {item.code}",
                    f"about natural persons, on {pack.laws[instrument].title_zh}, whose text "
                    "xinyong does not ship: its basis is not verified; ship the text in "
                    "schemes/laws/ and cite the article with its quote",
                )
            )
    serious_lists = [lt.id for lt in pack.lists.values() if lt.serious]
    bound = {list_id for memo in pack.memoranda.values() for list_id in memo.target_lists}
    findings.append(
        Finding(
            "info",
            f"pack {pack.id}",
            f"{len(pack.measures)} measures in {len(pack.memoranda)} memoranda; rights-reducing "
            "measures attach to serious lists only and market actors receive advice only "
            "(checked on loading)",
        )
    )
    for list_id in serious_lists:
        if list_id not in bound:
            findings.append(
                Finding(
                    "info",
                    f"list {list_id}",
                    "serious list with no memorandum: listing has no joint measures",
                )
            )
    return findings + calendar_findings(pack.path / "calendar")


def calendar_findings(directory: Path) -> list[Finding]:
    """A pack's working-day calendar files (``calendar/YYYY.yaml``): each must load, and the
    years whose notice number or date was not checked against a public copy are named."""
    from ..workdays.years import read_year

    findings: list[Finding] = []
    unchecked: list[int] = []
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        try:
            year = read_year(path)
        except XinyongError as exc:
            findings.append(Finding("error", f"calendar {path.name}", exc.detail))
            continue
        if not year.notice or not year.notice.verified:
            unchecked.append(year.year)
    if unchecked:
        findings.append(
            Finding(
                "warning",
                "calendar",
                f"{len(unchecked)} year(s) whose State Council notice number or date is not "
                f"checked against a public copy: {', '.join(map(str, unchecked))}",
            )
        )
    return findings


def check_packs(
    pack_ids: list[str], *, extra_path: Path | None, today: date
) -> dict[str, list[Finding]]:
    """Load and lint each pack; a pack that fails to load has that failure as its error."""
    out = {}
    for pack_id in pack_ids:
        try:
            out[pack_id] = lint_pack(load_pack(pack_id, extra_path=extra_path), today=today)
        except XinyongError as exc:
            out[pack_id] = [Finding("error", f"pack {pack_id}", exc.detail)]
    return out


def pack_ids(extra_path: Path | None) -> list[str]:
    """Every pack xinyong can find: the built-in ones and those under ``extra_path``."""
    from .pack import builtin_packs_dir

    roots = [builtin_packs_dir(), *([extra_path] if extra_path else [])]
    return sorted(
        {
            p.name
            for root in roots
            if root.is_dir()
            for p in root.iterdir()
            if (p / "pack.yaml").is_file()
        }
    )
