"""Compiled queries kept as templates: built and parsed once per list type with the evaluation
date left open, then filled in for each date (parsing costs far more than filling in).

A builder writes ``SENTINEL`` wherever the date goes as text (``'0001-01-01'``, a date no
ledger holds) and ``:as_of_dn`` where its day number goes; ``filled`` puts the date in both.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date

from sqlglot import exp

from ..schemes.lists import ListType

SENTINEL = date(1, 1, 1)
#: (id(builder), id(list type)) → (the list type, its query with placeholders for the date)
_templates: dict[tuple[int, int], tuple[ListType, exp.Expr]] = {}


def template(list_type: ListType, build: Callable[[ListType], exp.Expr]) -> exp.Expr:
    """``build(list_type)`` with ``:as_of_day`` / ``:as_of_dn`` placeholders, built once per
    loaded list type."""
    key = (id(build), id(list_type))
    cached = _templates.get(key)
    if cached is None or cached[0] is not list_type:
        sentinel = SENTINEL.isoformat()

        def placeholder(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Literal) and node.is_string and node.this == sentinel:
                return exp.Placeholder(this="as_of_day")
            return node

        cached = _templates[key] = (list_type, build(list_type).transform(placeholder))
    return cached[1]


def filled(query: exp.Expr, as_of: date) -> exp.Expr:
    """A copy of the template ``query`` for the evaluation date ``as_of``."""
    out = query.copy()
    values = {
        "as_of_dn": exp.Literal.number(as_of.toordinal()),
        "as_of_day": exp.Literal.string(as_of.isoformat()),
    }
    for node in list(out.find_all(exp.Placeholder)):
        node.replace(values[node.name].copy())
    return out


#: queries built lately, by the objects they were built from (identity) and the values
_built: OrderedDict[tuple[Hashable, ...], tuple[tuple[object, ...], exp.Expr]] = OrderedDict()
BUILT_KEPT = 512
#: id → query of the queries ``_built`` holds
_kept: dict[int, exp.Expr] = {}
_lock = threading.Lock()


def built_once(
    objects: tuple[object, ...], values: tuple[Hashable, ...], build: Callable[[], exp.Expr]
) -> exp.Expr:
    """``build()``, kept for the same ``objects`` (loaded pack rules, by identity) and
    ``values`` (date, flags): a screening refresh or an explanation on the same day reuses
    the query, and ``criteria.to_sql`` its text. A kept query is never changed in place."""
    key = (*(id(o) for o in objects), *values)
    with _lock:
        hit = _built.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], objects, strict=True)):
            _built.move_to_end(key)
            return hit[1]
    query = build()  # outside the lock: two threads may build it; the last one is kept
    with _lock:
        _built[key] = (objects, query)
        _kept[id(query)] = query
        while len(_built) > BUILT_KEPT:
            _, (_, dropped) = _built.popitem(last=False)
            if _kept.get(id(dropped)) is dropped:
                del _kept[id(dropped)]
    return query


def is_kept(query: exp.Expr) -> bool:
    """``query`` is one ``built_once`` keeps (so never changed: its text may be kept too)."""
    return _kept.get(id(query)) is query
