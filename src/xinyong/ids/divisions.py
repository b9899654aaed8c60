"""Administrative division codes (GB/T 2260), shipped as a data table with their history.

A six-digit code names a province (``XX0000``), a prefecture (``XXXX00``) or a county. Codes
are retired and reused over time; resident ID numbers keep the code in force when they were
issued, so the table keeps every name a code has had with the years it was in use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..errors import NotFound


@dataclass(frozen=True)
class Division:
    """One name a division code has carried."""

    code: str
    name: str
    #: first year in use; ``None`` when in use before the history begins
    start_year: int | None
    #: last year in use; ``None`` while still in use
    end_year: int | None

    @property
    def level(self) -> str:
        """``province``, ``prefecture`` or ``county``."""
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "prefecture"
        return "county"

    @property
    def current(self) -> bool:
        return self.end_year is None


class DivisionTable:
    """Look-ups over the GB/T 2260 history."""

    def __init__(self, rows: list[Division]) -> None:
        self._by_code: dict[str, list[Division]] = {}
        for row in rows:
            self._by_code.setdefault(row.code, []).append(row)
        self.provinces = frozenset(code[:2] for code in self._by_code if code.endswith("0000"))

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def codes(self) -> list[str]:
        """Every code the table has held, sorted."""
        return sorted(self._by_code)

    def history(self, code: str) -> list[Division]:
        """Every name ``code`` has had, oldest first; empty if the code never existed."""
        return sorted(self._by_code.get(code, []), key=lambda d: d.start_year or 0)

    def get(self, code: str) -> Division:
        """The most recent name of ``code``. Raises ``NotFound`` for an unknown code."""
        history = self.history(code)
        if not history:
            raise NotFound(
                f"division code {code!r} is not in the GB/T 2260 table",
                code="unknown-division",
            )
        return history[-1]

    def full_name(self, code: str) -> str:
        """Province, prefecture and county names joined, e.g. ``北京市 朝阳区``."""
        codes = dict.fromkeys((code[:2] + "0000", code[:4] + "00", code))
        names = [self.get(c).name for c in codes if c in self]
        return " ".join(n for n in names if n not in ("市辖区", "县"))

    def current_counties(self) -> list[str]:
        """Codes of county-level divisions still in use, sorted (for synthetic data)."""
        return sorted(
            code
            for code, rows in self._by_code.items()
            if not code.endswith("00") and any(r.current for r in rows)
        )


@cache
def divisions() -> DivisionTable:
    """The table shipped with the package (``ids/data/gb2260.csv``)."""
    text = resources.files(__package__).joinpath("data/gb2260.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = [
        Division(
            code=r["code"],
            name=r["name"],
            start_year=int(r["start_year"]) if r["start_year"] else None,
            end_year=int(r["end_year"]) if r["end_year"] else None,
        )
        for r in csv.DictReader(lines)
    ]
    return DivisionTable(rows)
