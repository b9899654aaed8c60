"""Search keys for subject names, tolerant of the ways one name is written.

A name is looked up by two keys, both computed when the subject is registered and indexed:

- ``name_key``: the name in NFKC (full-width letters, digits and brackets become half-width),
  case-folded, without spaces, brackets or punctuation, with the legal form written one way
  (有限责任公司 → 有限公司);
- ``name_core``: the same without the leading place names (深圳市, 南山区 …), so that
  "某某科技" finds "深圳市某某科技有限公司".

A query is keyed the same way and matched as a prefix of either key, which an ordinary index
answers on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_LEGAL_FORMS = (("有限责任公司", "有限公司"), ("股份有限公司", "股份公司"))
_PLACE = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,7}?(?:省|自治区|特别行政区|市|自治州|地区|盟|县|区|旗)){1,3}"
)


def name_key(name: str) -> str:
    """The normalised search key of ``name``.

    >>> name_key("深圳市 ＡＢＣ（科技）有限责任公司")
    '深圳市abc科技有限公司'
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    for variant, canonical in _LEGAL_FORMS:
        text = text.replace(variant, canonical)
    return _DROP.sub("", text)


def name_core(name: str) -> str:
    """The search key of ``name`` without its leading place names.

    >>> name_core("广东省深圳市南山区华为技术有限公司")
    '华为技术有限公司'
    """
    key = name_key(name)
    core = _PLACE.sub("", key)
    return core or key
