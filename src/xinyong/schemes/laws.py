"""Legal instruments and their articles, for citing and checking legal bases.

A pack's ``laws.yaml`` registers the instruments its items cite. Where the text of an
instrument ships with xinyong (``schemes/laws/*.md``), a citation marked ``verified`` is
checked mechanically: the article must exist and its ``quote`` must appear in it.

>>> chinese_numeral("二十三")
23
>>> chinese_numeral("一百零五")
105
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ARTICLE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条\s*(.*)$")


def chinese_numeral(text: str) -> int:
    """The value of a Chinese numeral below 10,000 (``十二`` → 12).

    Raises:
        ValueError: a character that is not a Chinese numeral.
    """
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            raise ValueError(f"{char!r} is not a Chinese numeral")
    return total + digit


def parse_articles(text: str) -> dict[int, str]:
    """Article number → article text (its first line and the paragraphs until the next)."""
    articles: dict[int, str] = {}
    current: int | None = None
    for line in text.splitlines():
        match = _ARTICLE.match(line.strip())
        if match:
            current = chinese_numeral(match.group(1))
            articles[current] = match.group(2)
        elif current is not None and line.strip() and not line.startswith("#"):
            articles[current] += "\n" + line.strip()
    return articles


def text_names() -> list[str]:
    """File names of the instrument texts shipped with xinyong."""
    root = resources.files(__package__).joinpath("laws")
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".md"))


@cache
def articles_of(text_name: str) -> dict[int, str]:
    """Articles of a shipped instrument text (``schemes/laws/<text_name>``)."""
    root = resources.files(__package__).joinpath("laws")
    return parse_articles(root.joinpath(text_name).read_text("utf-8"))
