"""A record-level list type's whole lifecycle as one compiled query: one row per finished
entry (status, dates, exit and its reason, record ids, the parameters used).

The rules are those of ``oracle.derive_entry`` (kept as the test oracle), stage by stage:
the first matching version lists the subject; ``waits`` months must pass; prior notice and
its period in PRC working days; the term in months (by ground, or the record's own within
the legal maximum); capped extensions; early exit after the minimum time; the earliest of
expiry, revocation, repair, an upheld objection and criteria no longer met ends it; an entry
that left before its wait was over never existed; removal within working days. Dates come
back as day numbers (``date.toordinal()``), parameters as value and start day.
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp

from ..ledger import EventKind
from ..schemes.lists import ListType
from .calendar_table import CALENDAR
from .casts import source_text, whole_months
from .criteria import SOURCE_DIALECT, among, of_source_records, trigger_query
from .query_templates import SENTINEL, filled, template
from .stages import NULL, Stages, earliest_of, greatest, least, lit, parameter_case

#: exit candidates and the ``ExitReason`` each gives (compared by label on a tie)
EXIT_COLUMNS = {
    "criteria_no_longer_met": "x_criteria",
    "early_exit": "x_early",
    "expired": "x_expired",
    "removed_on_objection": "x_removed",
    "repaired": "x_repaired",
    "revoked": "x_revoked",
}

#: an extension event's months, a safe number (see ``casts.whole_months`` for the rule)
_EXTENSION_MONTHS = "TRY_CAST(e.attributes ->> 'months' AS DOUBLE PRECISION)"

#: parameter slots: (column prefix, the day it is read on); see ``entries.entry_from_row``
SLOTS = ("w", "n", "t", "x", "e", "r")


def _base(list_type: ListType) -> Stages:
    trigger = source_text(trigger_query(list_type, SENTINEL), SOURCE_DIALECT)
    own = ""
    if list_type.term and list_type.term.months_field:
        own = f", {whole_months('t.term_months')} AS own"
    first_own = ", f.own" if own else ""
    version_id = "CAST(version AS TEXT) || ':' || record_id"
    kind = {k: lit(str(k)) for k in EventKind}
    return Stages(
        [
            (
                "v",
                "SELECT t.record_id, t.subject_id, t.source_agency, t.source_record_id, "
                f"t.version, c.dn AS d, t.matches, t.term_applies{own} FROM ({trigger}) AS t "
                f"JOIN {CALENDAR} AS c ON c.day = t.decided_on",
            ),
            (
                "ev",
                "SELECT v.source_agency AS ka, v.source_record_id AS kr, e.kind AS kind, "
                f"c.dn AS d, CASE WHEN e.kind = {kind[EventKind.DELISTED]} THEN "
                "e.attributes ->> 'list_id' END AS list_id, "
                f"CASE WHEN e.kind = {kind[EventKind.EXTENDED]} THEN "
                f"COALESCE({whole_months(_EXTENSION_MONTHS)}, 0) ELSE 0 END AS months "
                "FROM record_events AS e JOIN v ON v.record_id = e.record_id "
                f"JOIN {CALENDAR} AS c ON c.day = e.effective_on WHERE c.dn <= :as_of_dn",
            ),
            (
                "g",
                "SELECT source_agency AS ka, source_record_id AS kr, "
                "MIN(CASE WHEN matches = 1 THEN version END) AS fv, MAX(version) AS lv, "
                f"STRING_AGG({version_id}, ',') AS all_ids, "
                f"STRING_AGG(CASE WHEN matches = 1 THEN {version_id} END, ',') AS match_ids "
                "FROM v GROUP BY source_agency, source_record_id",
            ),
            (
                "ea",
                "SELECT ka, kr, "
                f"MIN(CASE WHEN kind = {kind[EventKind.NOTICE_SERVED]} THEN d END) AS noticed, "
                f"MIN(CASE WHEN kind = {kind[EventKind.REVOKED]} THEN d END) AS revoked, "
                f"MIN(CASE WHEN kind = {kind[EventKind.REPAIRED]} THEN d END) AS repaired, "
                f"MIN(CASE WHEN kind = {kind[EventKind.DELISTED]} AND list_id = "
                f"{lit(list_type.id)} THEN d END) AS delisted, "
                f"MAX(CASE WHEN kind = {kind[EventKind.EARLY_EXIT]} THEN 1 ELSE 0 END) "
                "AS has_early FROM ev GROUP BY ka, kr",
            ),
            (
                "b",
                "SELECT g.ka, g.kr, f.subject_id, f.d AS first_d, f.term_applies"
                f"{first_own}, l.matches AS latest_matches, l.d AS latest_d, g.all_ids, "
                "g.match_ids, ea.noticed, ea.revoked, ea.repaired, ea.delisted, "
                "COALESCE(ea.has_early, 0) AS has_early FROM g "
                "JOIN v AS f ON f.source_agency = g.ka AND f.source_record_id = g.kr "
                "AND f.version = g.fv "
                "JOIN v AS l ON l.source_agency = g.ka AND l.source_record_id = g.kr "
                "AND l.version = g.lv LEFT JOIN ea ON ea.ka = g.ka AND ea.kr = g.kr",
            ),
        ]
    )


def _parameter(
    st: Stages, list_type: ListType, slot: str, name: str | None, on: str, used: str
) -> None:
    """Columns ``{slot}_val``, ``{slot}_since``, ``{slot}_on``, ``{slot}_used``."""
    if name is None:
        st.add({f"{slot}_val": NULL, f"{slot}_since": NULL, f"{slot}_on": NULL})
        st.add({f"{slot}_used": "0"})
        return
    value, since = parameter_case(list_type.parameters[name], f"p.{on}")
    st.add({f"{slot}_val": value, f"{slot}_since": since, f"{slot}_on": f"p.{on}"})
    st.add({f"{slot}_used": f"CASE WHEN {used} THEN 1 ELSE 0 END"})


def _events_joined(st: Stages, out: str, aggregate: str, kind: EventKind, test: str) -> None:
    """``out`` = ``aggregate`` over this entry's events of ``kind`` meeting ``test``
    (``q`` is the entry, ``ev`` the event)."""
    n = len(st.ctes)
    st.add(
        {out: f"a{n}.agg"},
        f"LEFT JOIN (SELECT q.ka, q.kr, {aggregate} AS agg FROM {st.last} AS q "
        f"JOIN ev ON ev.ka = q.ka AND ev.kr = q.kr WHERE ev.kind = {lit(str(kind))} "
        f"AND {test} GROUP BY q.ka, q.kr) AS a{n} ON a{n}.ka = p.ka AND a{n}.kr = p.kr",
    )


def lifecycle_query(list_type: ListType, as_of: date, only_among: bool = False) -> exp.Expr:
    """Every entry of the record-level ``list_type`` on ``as_of`` (of the subjects registered
    as ``criteria.AMONG`` only, if ``only_among``)."""
    query = filled(template(list_type, _stages), as_of)
    if only_among:  # every version of a source record any of them has a version of
        versions = next(c for c in query.find_all(exp.CTE) if c.alias == "v").this
        assert isinstance(versions, exp.Select)
        versions.where(of_source_records("t"), copy=False)
        assert isinstance(query, exp.Select)  # and only their entries
        query.where(among(exp.column("subject_id")), copy=False)
    return query


def _stages(list_type: ListType) -> exp.Expr:
    st = _base(list_type)
    starts = lit(list_type.effective_from)
    # waits: the entry takes effect only once its record has stood this long
    _parameter(st, list_type, "w", list_type.waits, "first_d", "p.first_d IS NOT NULL")
    st.add_months("w_raw", "first_d", "w_val", needed=list_type.waits is not None)
    st.add(
        {"wait_af": f"CASE WHEN p.w_raw IS NULL THEN NULL ELSE {greatest('p.w_raw', starts)} END"}
    )
    # prior notice and the period to answer, in working days
    notice = list_type.notice
    _parameter(
        st,
        list_type,
        "n",
        notice.period if notice.required else None,
        "noticed",
        "p.noticed IS NOT NULL",
    )
    st.add({"n_days": "CASE WHEN p.n_val > 0 THEN p.n_val END"})
    st.add_working_days(
        "n_last", "n_prov", "noticed", "n_days", needed=notice.required and bool(notice.period)
    )
    if notice.required:
        af = (
            "CASE WHEN p.noticed IS NULL THEN NULL ELSE "
            f"{greatest('COALESCE(p.n_last, p.noticed) + 1', starts)} END"
        )
    elif list_type.waits is not None:
        af = "p.wait_af"
    else:
        af = greatest("p.first_d", starts)
    st.add({"af": af})
    # the term, by ground or the record's own within the legal maximum
    term = list_type.term
    _parameter(
        st,
        list_type,
        "t",
        term.months if term else None,
        "af",
        "p.term_applies = 1 AND p.af IS NOT NULL",
    )
    from_record = term is not None and term.months_field is not None
    own = "p.own IS NOT NULL AND p.t_val IS NOT NULL" if from_record else "1 = 0"
    st.add({"t_record": f"CASE WHEN p.t_used = 1 AND {own} THEN 1 ELSE 0 END"})
    months = "p.t_val"
    if from_record:
        months = f"CASE WHEN p.t_record = 1 THEN {least('p.own', 'p.t_val')} ELSE p.t_val END"
    st.add({"t_months": f"CASE WHEN p.t_used = 1 THEN {months} END"})
    st.add_months("exp0", "af", "t_months", needed=term is not None)
    # capped extensions decided before the term ran out
    if list_type.extension is not None:
        _events_joined(st, "added", "SUM(ev.months)", EventKind.EXTENDED, "ev.d < q.exp0")
    else:
        st.add({"added": NULL})
    _parameter(
        st,
        list_type,
        "x",
        list_type.extension.max_months if list_type.extension else None,
        "exp0",
        "p.exp0 IS NOT NULL AND COALESCE(p.added, 0) <> 0",
    )
    st.add(
        {"x_months": f"CASE WHEN p.x_used = 1 THEN {least('p.added', 'COALESCE(p.x_val, 0)')} END"}
    )
    st.add_months("exp1", "exp0", "x_months", needed=list_type.extension is not None)
    st.add({"expires": "CASE WHEN p.x_used = 1 THEN p.exp1 ELSE p.exp0 END"})
    # early exit, once the entry has been active for the minimum time
    early = list_type.early_exit
    _parameter(
        st,
        list_type,
        "e",
        early.after_months if early else None,
        "af",
        "p.af IS NOT NULL AND p.has_early = 1",
    )
    st.add({"e_months": "CASE WHEN p.e_used = 1 THEN COALESCE(p.e_val, 0) END"})
    st.add_months("e_from", "af", "e_months", needed=early is not None)
    if early is not None:
        _events_joined(st, "x_early", "MIN(ev.d)", EventKind.EARLY_EXIT, "ev.d >= q.e_from")
    else:
        st.add({"x_early": NULL})
    # every way out; the earliest ends the entry
    st.add(
        {
            "x_criteria": "CASE WHEN p.latest_matches = 0 THEN p.latest_d END",
            "x_expired": "CASE WHEN p.expires <= :as_of_dn THEN p.expires END",
            "x_removed": "p.delisted",
            "x_repaired": "p.repaired" if list_type.exit_on_repair else NULL,
            "x_revoked": "p.revoked" if list_type.exit_on_revocation else NULL,
        }
    )
    exited_on, reason = earliest_of([(k, f"p.{c}") for k, c in EXIT_COLUMNS.items()])
    st.add({"exited_on": exited_on, "exit_reason": reason})
    # taken down within working days of the exit
    _parameter(
        st,
        list_type,
        "r",
        list_type.removal_working_days,
        "exited_on",
        "p.exited_on IS NOT NULL",
    )
    st.add({"r_days": "CASE WHEN p.r_val > 0 THEN p.r_val END"})
    st.add_working_days(
        "remove_by", "r_prov", "exited_on", "r_days", needed=bool(list_type.removal_working_days)
    )
    # a working-day period that reaches a year the calendar cannot know: the run must fail
    st.add(
        {
            "off_calendar": "CASE WHEN p.n_days > 0 AND p.n_last IS NULL THEN 'n' "
            "WHEN p.r_days > 0 AND p.remove_by IS NULL THEN 'r' END"
        }
    )
    status = (
        "CASE WHEN exited_on IS NOT NULL THEN 'exited' WHEN af IS NULL THEN 'candidate' "
        "WHEN af > :as_of_dn THEN 'noticed' ELSE 'active' END"
    )
    where = "1 = 1"
    if list_type.waits is not None:  # not yet, or left before the wait was over: no entry
        where = (
            "w_val IS NOT NULL AND wait_af IS NOT NULL AND wait_af <= :as_of_dn AND NOT "
            "(exited_on IS NOT NULL AND af IS NOT NULL AND exited_on <= af)"
        )
    parameters = ", ".join(f"{s}_val, {s}_since, {s}_on, {s}_used" for s in SLOTS)
    own_column = "own" if from_record else f"{NULL} AS own"
    return st.query(
        f"SELECT ka AS source_agency, kr AS source_record_id, subject_id, {status} AS status, "
        "first_d, noticed, af, expires, exited_on, exit_reason, all_ids, match_ids, "
        f"remove_by, n_prov, r_prov, t_record, off_calendar, {own_column}, {parameters} "
        f"FROM {st.last} WHERE {where}"
    )
