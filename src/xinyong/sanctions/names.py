"""Screening by name, for callers without an identifier: candidates, never decisions.

Only subjects some measure applies to are indexed (listed subjects, subjects under a
restriction order, and the persons measures reach through them). A query is normalised like
the portal's search (width, brackets, spacing, legal form) and also written in pinyin, so
"Wang Xiuying", "wangxiuying" and "王秀英" meet. Candidates are blocked by shared character
bigrams (of the name and of its pinyin) before rapidfuzz scores them; each candidate says
which form matched and how well. Nothing here denies: a name is not an identity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

from ..ledger import tables as t
from ..ledger.names import name_key

MIN_SCORE = 70.0


def pinyin_key(name: str) -> str:
    """``王秀英`` → ``wangxiuying``; Latin letters and digits kept, lower-cased."""
    return "".join(lazy_pinyin(name_key(name))).replace(" ", "").lower()


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(max(1, len(text) - 1))}


@dataclass(frozen=True)
class NameMatch:
    subject_id: str
    name: str
    kind: str
    code: str | None
    score: float
    matched_on: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class NameIndex:
    def __init__(self, rows: list[tuple[str, str, str, str | None]]) -> None:
        self.rows = rows
        self.keys = [(name_key(r[1]), pinyin_key(r[1])) for r in rows]
        self.blocks: dict[str, list[int]] = defaultdict(list)
        for n, (key, latin) in enumerate(self.keys):
            for gram in _bigrams(key) | _bigrams(latin):
                self.blocks[gram].append(n)

    @classmethod
    def build(cls, conn: sa.Connection, subjects: Mapping[str, Any]) -> NameIndex:
        ids = sorted(subjects)
        rows: list[tuple[str, str, str, str | None]] = []
        s = t.subjects.c
        for start in range(0, len(ids), 5000):
            for sid, name, kind, masked in conn.execute(
                sa.select(s.subject_id, s.name, s.kind, s.id_masked).where(
                    s.subject_id.in_(ids[start : start + 5000])
                )
            ):
                rows.append(
                    (
                        sid,
                        name,
                        kind,
                        masked if kind in ("natural_person", "civil_servant") else sid,
                    )
                )
        return cls(rows)

    def search(self, name: str, *, limit: int = 10) -> list[NameMatch]:
        key, latin = name_key(name), pinyin_key(name)
        if not key:
            return []
        hits: dict[int, int] = defaultdict(int)
        for gram in _bigrams(key) | _bigrams(latin):
            for n in self.blocks.get(gram, ()):
                hits[n] += 1
        # the 500 candidates sharing most bigrams are scored
        shortlist = sorted(hits, key=lambda n: -hits[n])[:500]
        found = []
        for n in shortlist:
            own, own_latin = self.keys[n]
            by_name = fuzz.WRatio(key, own)
            by_pinyin = fuzz.WRatio(latin, own_latin)
            score, how = (by_name, "name") if by_name >= by_pinyin else (by_pinyin, "pinyin")
            if score >= MIN_SCORE:
                sid, full, kind, code = self.rows[n]
                found.append(NameMatch(sid, full, kind, code, round(score, 1), how))
        found.sort(key=lambda m: (-m.score, m.name, m.subject_id))
        return found[:limit]
