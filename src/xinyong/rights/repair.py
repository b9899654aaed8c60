"""Credit repair (信用修复): a subject that corrected its conduct asks that an administrative
penalty stop being published (and the lists it triggered end).

Eligibility is checked when the application is filed, each condition with its answer:
the record is the subject's and stands; it is penalty information published under a regime
(the publicity window of ``disclosure.publicity``); its minimum publicity period has elapsed
under the regime in force when it was disclosed; the corrective action is described with
evidence; a credit commitment is made. Court listings are not repaired here: the court
deletes them on performance (their own track). Automatic stop at the maximum publicity period
needs no application (the window ends by itself). A pack's legal bars (``repair_bars``, e.g.
Shenzhen Art 83 after obstructing a bankruptcy procedure) hold every record of the subject
until their years have passed.

The record's source agency decides on the jurisdiction's deadlines (pack procedures
``repair_decision_working_days``; the applicant hears back by ``repair_feedback_working_days``):
``granted`` appends a ``repaired`` event — publicity stops, lists that end on repair end, and
screening follows — or ``refused`` with reasons. Repair is free: there is no fee in the flow.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..disclosure.publicity import publicity_window
from ..errors import FieldError, InvalidData
from ..ledger import EventKind, RecordEvent, append_event, subject_file
from ..ledger import tables as t
from ..schemes import Pack
from ..workdays import WorkCalendar, active, add_months
from . import cases
from .tables import repairs

OUTCOMES = ("granted", "refused")


def eligibility(
    conn: sa.Connection, pack: Pack, subject_id: str, record_id: str, today: date
) -> list[dict[str, Any]]:
    """Each condition of eligibility with whether it holds and why (not)."""
    file = subject_file(conn, subject_id, as_of=today)
    entry = next((e for e in file.entries if e.record_id == record_id), None)
    checks: list[dict[str, Any]] = []

    def check(name: str, holds: bool, why: str) -> None:
        checks.append({"condition": name, "holds": holds, "why": why})

    if entry is None:
        check("record", False, "no standing record with this id in the subject's file")
        return checks
    check("record", True, f"{entry.record.item_code} decided {entry.record.decided_on}")
    check(
        "not a court listing",
        not entry.record.item_code.startswith("court."),
        "court listings are deleted by the court on performance, not repaired here"
        if entry.record.item_code.startswith("court.")
        else "not a court listing",
    )
    check("standing", entry.status.value == "active", f"the record is {entry.status}")
    for bar in pack.repair_bars.values():
        years = pack.procedure(bar.years, today) or 0
        barring = [
            e.record
            for e in file.entries
            if e.record.item_code in bar.items
            and e.status.value == "active"
            and today < add_months(e.record.decided_on, 12 * years)
        ]
        until = max((add_months(r.decided_on, 12 * years) for r in barring), default=None)
        check(
            "no legal bar",
            until is None,
            f"{bar.description.split(' / ')[0]}: repair from {until} "
            f"({'; '.join(pack.cite(ref) for ref in bar.legal_basis)})"
            if until
            else f"no record bars repair ({bar.id})",
        )
    window = publicity_window(pack, entry.record, file.subject.kind)
    if window is None or not window.displayed or window.repair_from is None:
        check("published penalty", False, "only published penalty information is repaired")
    else:
        check("published penalty", True, window.reason)
        check(
            "minimum publicity period",
            today >= window.repair_from,
            f"repair may be sought from {window.repair_from} under {window.regime}",
        )
    return checks


def deadlines(
    pack: Pack, filed_on: date, calendar: WorkCalendar | None = None
) -> tuple[date | None, date | None]:
    """The authority's decision and the applicant's answer are due these working days after
    an application filed on ``filed_on`` (``None`` where the pack sets no deadline), on the
    calendar in use or on ``calendar``."""
    add_working_days = (calendar or active()).add_working_days
    decide_in = pack.procedure("repair_decision_working_days", filed_on)
    answer_in = pack.procedure("repair_feedback_working_days", filed_on)
    return (
        add_working_days(filed_on, decide_in) if decide_in else None,
        add_working_days(filed_on, answer_in) if answer_in else None,
    )


def apply(
    conn: sa.Connection,
    pack: Pack,
    *,
    subject_id: str,
    record_id: str,
    corrective_action: str,
    evidence: list[str],
    commitment: str,
    actor: str,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    """File an application; refused at once, with every failing condition, if ineligible."""
    errors = []
    if len(corrective_action.strip()) < 10:
        errors.append(
            FieldError("corrective_action", "is missing", "say how the conduct was corrected")
        )
    if not [e for e in evidence if e.strip()]:
        errors.append(FieldError("evidence", "is empty", "list the evidence of fulfilment"))
    if len(commitment.strip()) < 10:
        errors.append(FieldError("commitment", "is missing", "make a credit commitment"))
    checks = eligibility(conn, pack, subject_id, record_id, today)
    errors += [
        FieldError("record_id", f"{c['condition']}: {c['why']}", "see the eligibility rules")
        for c in checks
        if not c["holds"]
    ]
    if errors:
        raise InvalidData("the application cannot be accepted", code="not-eligible", errors=errors)
    provider = conn.execute(
        sa.text("SELECT source_agency FROM records WHERE record_id = :r"), {"r": record_id}
    ).scalar_one()
    decision_due, feedback_due = deadlines(pack, today)
    row = {
        "repair_id": secrets.token_hex(8),
        "subject_id": subject_id,
        "record_id": record_id,
        "provider": provider,
        "corrective_action": corrective_action.strip(),
        "evidence": [e.strip() for e in evidence if e.strip()],
        "commitment": commitment.strip(),
        "eligibility": checks,
        "filed_by": actor,
        "filed_at": now,
        "filed_on": today,
        "status": "open",
        "decision_due": decision_due,
        "feedback_due": feedback_due,
    }
    conn.execute(repairs.insert().values(**row))
    return {**row, "provisional": cases.provisional(row)}


def decide(
    conn: sa.Connection,
    pack: Pack,
    repair_id: str,
    *,
    agency: str | None,
    outcome: str,
    reasons: str,
    actor: str,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    row = cases.get(conn, repairs, "repair_id", repair_id, "repair")
    cases.as_provider(row, agency, "repair")
    errors = []
    if outcome not in OUTCOMES:
        errors.append(FieldError("outcome", f"is {outcome[:20]!r}", "use granted or refused"))
    if len(reasons.strip()) < 10:
        errors.append(FieldError("reasons", "are missing or too short", "give written reasons"))
    if errors:
        raise InvalidData("the decision is incomplete", code="bad-decision", errors=errors)
    remedies = None
    if outcome == "granted":
        remedies = _remedies(conn, pack, row["record_id"])
        append_event(
            conn,
            RecordEvent(
                row["record_id"],
                EventKind.REPAIRED,
                today,
                actor,
                reason=f"repair {repair_id}: {reasons.strip()}",
                attributes={"repair": repair_id, "remedies": remedies},
            ),
            recorded_at=now,
        )
    values = {
        "status": "decided",
        "outcome": outcome,
        "reasons": reasons.strip(),
        "decided_on": today,
        "decided_by": actor,
    }
    conn.execute(repairs.update().where(repairs.c.repair_id == repair_id).values(**values))
    return {**row, **values, "remedies": remedies}


def _remedies(conn: sa.Connection, pack: Pack, record_id: str) -> dict[str, Any]:
    """What a granted repair does to the record (Shenzhen Art 82's outcomes): publicity
    stops, it stays in the subject's own file marked repaired, and the entries it triggered
    end on the lists that end on repair; lists that do not (court lists) are named too."""
    from ..evaluate.in_force import ends_list
    from ..evaluate.tables import list_entries

    le, r = list_entries.c, t.records.c
    record = conn.execute(
        sa.select(r.subject_id, r.source_agency, r.source_record_id).where(r.record_id == record_id)
    ).one()
    listed = set(
        conn.execute(
            sa.select(le.list_id).where(
                le.subject_id == record.subject_id,
                le.source_agency == record.source_agency,
                le.source_record_id == record.source_record_id,
            )
        ).scalars()
    )
    ends = sorted(x for x in listed if x in pack.lists and ends_list(pack, EventKind.REPAIRED, x))
    return {
        "publicity_stopped": True,
        "marked_repaired_in_own_file": True,
        "removed_from_lists": ends,
        "lists_not_ended_by_repair": sorted(listed - set(ends)),
    }


def listing(
    conn: sa.Connection,
    *,
    today: date,
    subject_id: str | None = None,
    provider: str | None = None,
    overdue_only: bool = False,
    page: int = 1,
    per_page: int = 100,
) -> dict[str, Any]:
    """A page of repair applications (of a subject, or routed to a provider), overdue ones
    counted."""
    return cases.listing(
        conn,
        repairs,
        "repair",
        today=today,
        due=repairs.c.decision_due,
        subject_id=subject_id,
        provider=provider,
        overdue_only=overdue_only,
        page=page,
        per_page=per_page,
    )
