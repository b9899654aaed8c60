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


def syllables(name: str) -> list[str]:
    """``王秀英`` → ``["wang", "xiu", "ying"]``; Latin words split into pinyin-like syllables
    are left whole (``wangxiuying`` stays one token, matched by score, not by block)."""
    return [x.lower() for x in lazy_pinyin(name_key(name)) if x.strip()]


def _grams(key: str, sounds: list[str]) -> set[str]:
    """Blocking keys: character bigrams of the name, and pinyin syllable pairs (with each
    syllable alone for short names)."""
    grams = {key[i : i + 2] for i in range(max(1, len(key) - 1))}
    grams |= {f"{a} {b}" for a, b in zip(sounds, sounds[1:], strict=False)}
    return grams | set(sounds)


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


#: a blocking key shared by more names than this share of the index is too common to use
STOP_SHARE = 0.02


class NameIndex:
    def __init__(self, rows: list[tuple[str, str, str, str | None]]) -> None:
        self.rows = rows
        self.keys: list[tuple[str, str]] = []
        self.blocks: dict[str, list[int]] = defaultdict(list)
        for n, row in enumerate(rows):
            key, sounds = name_key(row[1]), syllables(row[1])
            self.keys.append((key, "".join(sounds)))
            for gram in _grams(key, sounds):
                self.blocks[gram].append(n)
        self.stop = max(50, int(len(rows) * STOP_SHARE))
        #: pinyin syllables seen in the index, for splitting Latin input
        self.known = {g for g in self.blocks if g.isascii() and g.isalpha()}

    def _segment(self, word: str) -> list[str]:
        """``xiuying`` → ``["xiu", "ying"]`` by the longest known syllable from the left."""
        found, i = [], 0
        while i < len(word):
            for size in range(min(6, len(word) - i), 0, -1):
                if word[i : i + size] in self.known or size == 1:
                    found.append(word[i : i + size])
                    i += size
                    break
        return found

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
        key = name_key(name)
        sounds = syllables(name)
        if key.isascii():
            # Latin input ("Wang Xiuying", "wangxiuying"): split into known syllables
            sounds = [x for w in name.lower().split() for x in self._segment(w)]
        latin = "".join(sounds)
        if not key:
            return []
        hits: dict[int, int] = defaultdict(int)
        for gram in _grams(key, sounds):
            block = self.blocks.get(gram, ())
            if len(block) > self.stop:  # too common to narrow anything down
                continue
            for n in block:
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
