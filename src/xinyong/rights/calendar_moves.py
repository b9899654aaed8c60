"""When a year's State Council holiday notice is added, open cases' deadlines move.

The deadlines stored with an open objection (``check_due``, ``decision_due``,
``extended_to``) or repair application (``decision_due``, ``feedback_due``) were computed
on the calendar in use when it was filed; for a provisional year that calendar had no
make-up working days. ``recompute`` computes them again on the new calendar for every open
case whose deadlines ran through one of the changed years, stores those that moved and
audits each move (in the caller's transaction), and returns them with the parties: the
subject and the agency deciding the case.

Deadlines that are derived when read — a prior notice's period, ``remove_by``, dispatch
acknowledgement — are never stored, so they follow the new calendar at once. List entries
stored by ``xinyong evaluate`` follow at the next evaluation: ``notice_periods_moved``
lists the noticed entries of the latest evaluation whose period to answer moves
(``stored: false``), so the parties can be told.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .. import workdays
from ..clock import business_date
from ..errors import FieldError, InvalidData
from ..ledger import audit
from ..schemes import Pack
from ..workdays import CalendarYear, WorkCalendar
from ..workdays.years import read_year
from . import objections, repair
from .cases import DEADLINES
from .tables import objections as objections_table
from .tables import repairs as repairs_table


@dataclass(frozen=True)
class Move:
    """One stored deadline that moved."""

    case: str  # objection | repair
    case_id: str
    subject_id: str
    agency: str
    deadline: str  # check_due | decision_due | extended_to | feedback_due | notice_period
    before: date
    after: date
    #: ``False`` for a derived deadline (a list entry's notice period): the next
    #: evaluation applies it
    stored: bool = True

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["before"], found["after"] = self.before.isoformat(), self.after.isoformat()
        return found


def _touches(row: dict[str, Any], years: set[int]) -> bool:
    dues = [row[c] for c in DEADLINES if row.get(c) is not None]
    if not dues:
        return False
    return any(row["filed_on"].year <= y <= max(dues).year for y in years)


def _objection_dues(pack: Pack, row: dict[str, Any], cal: WorkCalendar) -> dict[str, Any]:
    due = objections.deadlines(pack, row["filed_on"], row["regime"], cal)
    decision_due = due.decision_due
    if row.get("checked_on") is not None and due.check_due is not None:
        # once checked, the provider's time runs from the actual check (Shenzhen Art 51)
        decision_due = objections.provider_due(pack, row["filed_on"], row["checked_on"], cal)
    found = {"check_due": due.check_due, "decision_due": decision_due}
    if row["extended_to"] is not None and decision_due and due.extension_days:
        found["extended_to"] = objections.extended_due(decision_due, due.extension_days, cal)
    return found


def _repair_dues(pack: Pack, row: dict[str, Any], cal: WorkCalendar) -> dict[str, Any]:
    decision_due, feedback_due = repair.deadlines(pack, row["filed_on"], cal)
    return {"decision_due": decision_due, "feedback_due": feedback_due}


def recompute(
    conn: sa.Connection,
    pack: Pack,
    calendar: WorkCalendar,
    years: set[int],
    *,
    actor: str,
    now: datetime,
) -> list[Move]:
    """Store the open cases' deadlines as ``calendar`` computes them, for every case whose
    deadlines ran through one of ``years``; audit each moved case; return the moves."""
    moves: list[Move] = []
    kinds = (
        ("objection", objections_table, _objection_dues),
        ("repair", repairs_table, _repair_dues),
    )
    for case, table, dues_of in kinds:
        key = table.c[f"{case}_id"]
        query = sa.select(table).where(table.c.status != "decided").order_by(key)
        for found in conn.execute(query).mappings():
            row = dict(found)
            if row.get("regime") == "credit_reporting" or not _touches(row, years):
                continue
            new = dues_of(pack, row, calendar)
            moved = {
                c: (row[c], value)
                for c, value in new.items()
                if value is not None and row[c] is not None and value != row[c]
            }
            if not moved:
                continue
            conn.execute(
                table.update()
                .where(key == row[f"{case}_id"])
                .values({c: after for c, (_, after) in moved.items()})
            )
            for deadline, (before, after) in moved.items():
                moves.append(
                    Move(
                        case,
                        row[f"{case}_id"],
                        row["subject_id"],
                        row["provider"],
                        deadline,
                        before,
                        after,
                    )
                )
            audit.append(
                conn,
                [
                    audit.AuditEvent(
                        actor=actor,
                        role="operator",
                        action=f"calendar.{case}_deadlines_moved",
                        at=now,
                        agency=row["provider"],
                        subject_id=row["subject_id"],
                        detail={
                            f"{case}_id": row[f"{case}_id"],
                            "years": sorted(years),
                            "moved": {
                                c: [b.isoformat(), a.isoformat()] for c, (b, a) in moved.items()
                            },
                        },
                    )
                ],
            )
    return moves


def notice_periods_moved(
    conn: sa.Connection,
    pack: Pack,
    before: WorkCalendar,
    after: WorkCalendar,
    years: set[int],
    today: date,
) -> list[Move]:
    """The noticed entries of the latest evaluation (on or before ``today``) whose period
    to answer the prior notice ends on another day on ``after`` than on ``before``."""
    from ..disclosure.entries import latest_evaluation
    from ..evaluate.tables import list_entries

    evaluation = latest_evaluation(conn, pack, today)
    if evaluation is None:
        return []
    e = list_entries.c
    query = (
        sa.select(list_entries)
        .where(
            e.evaluation_id == evaluation["evaluation_id"],
            e.status == "noticed",
            e.noticed_on.is_not(None),
        )
        .order_by(e.list_id, e.source_agency, e.source_record_id)
    )
    moves = []
    for row in conn.execute(query).mappings():
        list_type = pack.lists.get(row["list_id"])
        name = list_type.notice.period if list_type is not None else None
        explanation = row["explanation"]
        if isinstance(explanation, str):
            explanation = json.loads(explanation)
        used = explanation.get("parameters", {}).get(name or "", {})
        days, noticed_on = used.get("value"), row["noticed_on"]
        if not days:
            continue
        old, new = (
            before.add_working_days(noticed_on, days),
            after.add_working_days(noticed_on, days),
        )
        if old != new and any(noticed_on.year <= y <= max(old, new).year for y in years):
            moves.append(
                Move(
                    "list_entry",
                    f"{row['list_id']}:{row['source_agency']}:{row['source_record_id']}",
                    row["subject_id"],
                    row["source_agency"],
                    "notice_period",
                    old,
                    new,
                    stored=False,
                )
            )
    return moves


def add_year(
    engine: sa.Engine,
    pack: Pack,
    source: Path,
    calendar_dir: Path,
    *,
    actor: str,
    now: datetime,
    today: date | None = None,
    replace: bool = False,
) -> tuple[CalendarYear, list[Move]]:
    """Install the official year in ``source`` into ``calendar_dir`` and move the open
    cases' deadlines to it, in one transaction: the file is in place exactly when the moves
    and their audit entries are committed. Refuses a file that does not validate, and a
    year already official with other days unless ``replace``. The moves include the
    notice periods of the latest evaluation's noticed entries (on or before ``today``,
    default ``now``'s date), which the next evaluation applies."""
    year = read_year(source)
    current = workdays.load(calendar_dir)
    installed = current.official.get(year.year)
    if installed is not None and not replace:
        same = (installed.holidays, installed.workdays) == (year.holidays, year.workdays)
        if not same:
            raise InvalidData(
                f"{year.year} already has an official calendar ({installed.source}) with "
                "other days",
                code="calendar-year-exists",
                errors=[
                    FieldError(
                        "year",
                        f"{year.year} is official already",
                        "pass --replace to correct it with this file",
                    )
                ],
            )
    calendar_dir.mkdir(parents=True, exist_ok=True)
    target = calendar_dir / f"{year.year}.yaml"
    staged = calendar_dir / f".{year.year}.yaml.new"
    shutil.copyfile(source, staged)
    try:
        with engine.begin() as conn:
            updated = current.with_year(year)
            moves = recompute(conn, pack, updated, {year.year}, actor=actor, now=now)
            moves += notice_periods_moved(
                conn, pack, current, updated, {year.year}, today or business_date(now)
            )
            notice = year.notice
            audit.append(
                conn,
                [
                    audit.AuditEvent(
                        actor=actor,
                        role="operator",
                        action="calendar.year_added",
                        at=now,
                        detail={
                            "year": year.year,
                            "replaced": installed.source if installed is not None else None,
                            "notice": notice.model_dump(mode="json") if notice else None,
                            "moved": len(moves),
                        },
                    )
                ],
            )
            os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)
    if workdays.calendar_path() == calendar_dir:
        workdays.configure(calendar_dir)  # read again, with the new year
    return year, moves
