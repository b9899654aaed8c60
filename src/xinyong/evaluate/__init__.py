"""Evaluating schemes: lists (and later grades) derived from the ledger, a pack and a date."""

from .engines import DuckDBEngine, QueryEngine, SqlEngine
from .lifecycle import EntryStatus, ExitReason, ListEntry
from .run import evaluate_lists

__all__ = [
    "DuckDBEngine",
    "EntryStatus",
    "ExitReason",
    "ListEntry",
    "QueryEngine",
    "SqlEngine",
    "evaluate_lists",
]
