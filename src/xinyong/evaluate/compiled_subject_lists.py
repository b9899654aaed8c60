"""Subject-level list types as compiled queries, one row per finished entry: a streak of
qualifying records (e.g. A grade three years running) or the absence of negative records
(e.g. the green lane). The rules are those of ``subject_level`` (kept as the test oracle).

Streak: of each source record its standing version counts, unless revoked or repaired; per
streak value the latest decision (on a tie, the smallest source key); the latest ``count``
consecutive values must all match; if the newest value breaks a streak that held just
before it, the entry is exited on that record's date. Absence: the subject's first matching
record (standing versions only; by its ``since`` date, else the decision date), ``months``
after it and after the last standing, unrevoked negative record.
"""

from __future__ import annotations

from datetime import date

import sqlglot
from sqlglot import exp

from ..ledger import EventKind
from ..schemes import Pack
from ..schemes.lists import ListType
from .calendar_table import CALENDAR
from .casts import source_text
from .criteria import AMONG, SOURCE_DIALECT, last_record_query, trigger_query
from .stages import NULL, Stages, greatest, lit


def _versions(list_type: ListType, as_of: date, only_among: bool, extra: str = "") -> str:
    trigger = source_text(trigger_query(list_type, as_of, only_among), SOURCE_DIALECT)
    return (
        f"SELECT t.*, c.dn AS d{extra} FROM ({trigger}) AS t "
        f"JOIN {CALENDAR} AS c ON c.day = t.decided_on"
    )


def _among(column: str, only_among: bool, joiner: str = "WHERE") -> str:
    """Only the ``AMONG`` subjects' entries: the trigger rows also hold other subjects'
    versions of their source records (``criteria.of_source_records``)."""
    if not only_among:
        return ""
    return f" {joiner} {column} IN (SELECT subject_id FROM {AMONG})"


def _iso_before_calendar(text: str) -> str:
    """SQL: ``text`` is an ISO date (``YYYY-MM-DD``) earlier than the calendar's first day
    (as ``engines.iso_date`` judges a date in Python)."""
    digits = ", ".join(lit(str(d)) for d in range(10))
    shape = " AND ".join(f"SUBSTR({text}, {i}, 1) IN ({digits})" for i in (1, 2, 3, 4, 6, 7, 9, 10))
    return (
        f"(LENGTH({text}) = 10 AND {shape} AND SUBSTR({text}, 5, 1) = '-' AND "
        f"SUBSTR({text}, 8, 1) = '-' AND SUBSTR({text}, 6, 2) BETWEEN '01' AND '12' AND "
        f"SUBSTR({text}, 9, 2) BETWEEN '01' AND '31' AND "
        f"{text} < (SELECT MIN(iso) FROM {CALENDAR}))"
    )


def streak_query(list_type: ListType, as_of: date, only_among: bool = False) -> exp.Expr:
    """Per subject its streak entry on ``as_of``: the completing record, its day number
    (``completing_d``), the entry's start (``af``), the exit day if the streak broke, and the
    qualifying records as ``value:record_id``."""
    streak = list_type.entry.streak
    assert streak is not None
    n, day = streak.count, lit(as_of.isoformat())
    ended = ", ".join(lit(str(k)) for k in (EventKind.REVOKED, EventKind.REPAIRED))
    value_id = "CAST(CAST(streak_value AS INTEGER) AS TEXT) || ':' || record_id"
    starts = lit(list_type.effective_from)
    return sqlglot.parse_one(
        f"WITH v AS ({_versions(list_type, as_of, only_among)}), "
        # the standing version of each source record (a window, not a join of two derived
        # tables, which SQLite answers with a nested loop)
        "lv AS (SELECT v.*, MAX(version) OVER (PARTITION BY source_agency, source_record_id) "
        "AS mv FROM v), "
        "sv AS (SELECT lv.* FROM lv WHERE lv.version = lv.mv "
        "AND lv.streak_value = FLOOR(lv.streak_value) AND NOT EXISTS (SELECT 1 "
        "FROM record_events AS e "
        f"WHERE e.record_id = lv.record_id AND e.kind IN ({ended}) "
        f"AND e.effective_on <= {day})), "
        "bv AS (SELECT * FROM (SELECT sv.*, ROW_NUMBER() OVER (PARTITION BY subject_id, "
        "streak_value ORDER BY d DESC, source_agency, source_record_id) AS rn FROM sv) AS x "
        "WHERE rn = 1), "
        # per subject in one pass (window functions, no self-joins: SQLite would loop):
        # the latest value, the two candidate runs, the day of the latest value's record
        "w AS (SELECT bv.*, MAX(streak_value) OVER (PARTITION BY subject_id) AS l FROM bv), "
        "r AS (SELECT w.*, "
        f"SUM(CASE WHEN streak_value > l - {n} AND matches = 1 THEN 1 ELSE 0 END) "
        "OVER (PARTITION BY subject_id) AS run_a, "
        f"SUM(CASE WHEN streak_value >= l - {n} AND streak_value < l AND matches = 1 "
        "THEN 1 ELSE 0 END) OVER (PARTITION BY subject_id) AS run_b, "
        "MAX(CASE WHEN streak_value = l THEN d END) OVER (PARTITION BY subject_id) AS broke_d "
        "FROM w), "
        f"h AS (SELECT r.*, CASE WHEN run_a = {n} THEN l ELSE l - 1 END AS hi, "
        f"CASE WHEN run_a = {n} THEN 0 ELSE 1 END AS broke FROM r "
        f"WHERE run_a = {n} OR run_b = {n}), "
        "q AS (SELECT h.*, ROW_NUMBER() OVER (PARTITION BY subject_id "
        "ORDER BY d DESC, streak_value DESC) AS cn FROM h "
        f"WHERE streak_value > hi - {n} AND streak_value <= hi) "
        # the completing record is the run's latest decision (cn = 1)
        "SELECT subject_id, MAX(CASE WHEN cn = 1 THEN source_agency END) AS source_agency, "
        "MAX(CASE WHEN cn = 1 THEN source_record_id END) AS source_record_id, "
        f"{greatest('MAX(CASE WHEN cn = 1 THEN d END)', starts)} AS af, "
        "CASE WHEN MAX(broke) = 1 THEN MAX(broke_d) END AS exited_on, "
        f"STRING_AGG({value_id}, ',') AS ids FROM q"
        + _among("subject_id", only_among)
        + " GROUP BY subject_id",
        read=SOURCE_DIALECT,
    )


def absence_query(
    pack: Pack,
    list_type: ListType,
    as_of: date,
    months: int,
    only_among: bool = False,
) -> exp.Expr:
    """Per subject its absence entry on ``as_of`` (``months``: the parameter in force then):
    the first matching record (of each record its standing version only), since when it
    counts (``since_d``), the last negative record's day (``last_d``) and the entry's start
    (``af``)."""
    absence = list_type.entry.absence
    assert absence is not None
    since = ", sc.dn AS since_d" if absence.since is not None else f", {NULL} AS since_d"
    if absence.since is None:
        since += ", CAST(NULL AS TEXT) AS since_value"
    # since when the subject counts: its since day, else the decision; an ISO date before the
    # calendar starts (a decade before the first list took effect) counts as 0: the months
    # after it end before the list took effect, so only the list's start counts. Any other
    # since value no calendar day matches (later than the calendar, with a time, malformed)
    # does not qualify.
    old = _iso_before_calendar("since_value")
    first = f"COALESCE(since_d, CASE WHEN since_value IS NULL THEN d WHEN {old} THEN 0 END)"
    versions = _versions(list_type, as_of, only_among, since)
    if absence.since is not None:
        versions += f" LEFT JOIN {CALENDAR} AS sc ON sc.iso = t.since_value"
    negative = sorted(i.code for i in pack.catalogue if i.polarity == "negative")
    last = source_text(last_record_query(negative, as_of, only_among), SOURCE_DIALECT)
    st = Stages(
        [
            (  # a record counts for its standing version's subject (a correction may move it)
                "a",
                "SELECT w.*, MAX(w.version) OVER (PARTITION BY w.source_agency, "
                f"w.source_record_id) AS mv FROM ({versions}) AS w",
            ),
            (
                "v",
                "SELECT * FROM a WHERE version = mv AND matches = 1"
                + (
                    " AND (since_value IS NULL OR since_d IS NOT NULL OR "
                    f"{_iso_before_calendar('since_value')})"
                    if absence.since is not None
                    else ""
                ),
            ),
            (
                "f",  # a since day before the calendar sorts first (0), by its text
                f"SELECT * FROM (SELECT v.*, {first} AS s, ROW_NUMBER() OVER "
                f"(PARTITION BY subject_id ORDER BY {first}, since_value, version, "
                "source_agency, source_record_id) AS rn FROM v) AS x WHERE rn = 1",
            ),
            (
                "b",
                f"SELECT f.*, c.dn AS last_d, {lit(months)} AS m FROM f "
                f"LEFT JOIN ({last}) AS neg ON neg.subject_id = f.subject_id "
                f"LEFT JOIN {CALENDAR} AS c ON c.day = neg.last_on",
            ),
        ]
    )
    st.add({"s_known": "CASE WHEN p.s > 0 THEN p.s END"})
    st.add_months("a_since", "s_known", "m")
    st.add_months("a_last", "last_d", "m")
    af = greatest("COALESCE(p.a_since, 0)", lit(list_type.effective_from))
    st.add({"af0": af})
    st.add(
        {"af": f"CASE WHEN p.a_last IS NULL THEN p.af0 ELSE {greatest('p.af0', 'p.a_last')} END"}
    )
    return st.query(
        "SELECT subject_id, source_agency, source_record_id, record_id, since_value, s, "
        "last_d, af "
        f"FROM {st.last} WHERE af <= {lit(as_of)}" + _among("subject_id", only_among, "AND")
    )
