"""Objections (异议): a subject contests a record, a list entry, a grade or a credit report.

Filing marks every record behind the target ``disputed`` at once (an event effective the day
of filing), so the dispute shows everywhere the record shows; a contested grade shows as
disputed in the subject's file while the objection is open. The objection is routed to the
record's source agency (for a grade: the scheme's authority) and runs on one of two regimes:

- ``public_credit``: the jurisdiction's deadlines in PRC working days, from the pack's
  procedures — the platform's check (``objection_platform_check_working_days``), the
  provider's decision (``objection_provider_decision_working_days``) and one extension
  (``objection_extension_working_days``). A pack that sets none (the national baseline does
  not: docs/sources.md §8 lists local regimes) files the objection without deadlines and says so.
- ``credit_reporting``: an objection to a record as it appears in an issued credit report is
  verified and answered within ``credit_report_objection_days`` calendar days (20: 征信业管理
  条例 Art 25), with no extension.

The provider decides with written reasons: ``corrected`` (attributes changed), ``deleted``
(the record is revoked), ``publicity_stopped`` (no longer published — e.g. shown beyond its
period — while it still counts), ``removed_from_list`` (the record stands but the listing was
wrong: the entry ends on that list only), or ``kept`` (the subject's statement is attached).
A decision may name which of the objection's records it concerns (a grade counts several).
Every outcome lifts the dispute mark and names the routes of appeal. Where the regime has a
platform check, the operator records it (``check``); until then the check's date is the
objection's deadline. Objections past their deadline are ``overdue`` and counted.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, InvalidData, NotFound
from ..evaluate.grading import subject_grades
from ..ledger import EventKind, RecordEvent, append_event
from ..ledger import tables as t
from ..schemes import Pack
from ..workdays import WorkCalendar, active
from . import cases
from .tables import credit_reports, objections

TARGET_KINDS = ("record", "list_entry", "grade", "report")
OUTCOMES = ("corrected", "deleted", "publicity_stopped", "removed_from_list", "kept")
APPEAL = (
    "If you disagree with this decision you may apply for administrative reconsideration or "
    "bring an administrative lawsuit, within the periods the law sets."
)


@dataclass(frozen=True)
class Deadlines:
    check_due: date | None
    decision_due: date | None
    extension_days: int | None


def extended_due(decision_due: date, days: int, calendar: WorkCalendar | None = None) -> date:
    """The provider's deadline once extended by ``days`` working days."""
    return (calendar or active()).add_working_days(decision_due, days)


def regime_of(target_kind: str) -> str:
    """An objection to a credit report runs on the credit-reporting regime; others on the
    jurisdiction's public-credit deadlines."""
    return "credit_reporting" if target_kind == "report" else "public_credit"


def deadlines(
    pack: Pack,
    filed_on: date,
    regime: str = "public_credit",
    calendar: WorkCalendar | None = None,
) -> Deadlines:
    """The deadlines under ``regime`` for an objection filed on ``filed_on`` (on the
    calendar in use, or on ``calendar``)."""
    add_working_days = (calendar or active()).add_working_days
    if regime == "credit_reporting":
        days = pack.procedure("credit_report_objection_days", filed_on)
        return Deadlines(None, filed_on + timedelta(days=days) if days else None, None)
    check = pack.procedure("objection_platform_check_working_days", filed_on)
    check_due = add_working_days(filed_on, check) if check else None
    return Deadlines(
        check_due,
        provider_due(pack, filed_on, check_due or filed_on, calendar),
        pack.procedure("objection_extension_working_days", filed_on),
    )


def provider_due(
    pack: Pack, filed_on: date, received_on: date, calendar: WorkCalendar | None = None
) -> date | None:
    """The provider's deadline for an objection it received on ``received_on``: the day of
    filing, or where the platform checks first the day of the check (Shenzhen Art 51: the
    provider decides within its working days of receiving the checked objection). Until the
    check is made its deadline is assumed; the check sets the actual date."""
    decide = pack.procedure("objection_provider_decision_working_days", filed_on)
    return (calendar or active()).add_working_days(received_on, decide) if decide else None


def _target_records(
    conn: sa.Connection, pack: Pack, subject_id: str, kind: str, target: str, today: date
) -> tuple[list[str], str]:
    """The records an objection concerns, and the agency it goes to."""
    r = t.records.c
    if kind == "grade":
        return _grade_records(conn, pack, subject_id, target, today)
    if kind == "record":
        query = sa.select(r.record_id, r.source_agency).where(
            r.record_id == target, r.subject_id == subject_id
        )
    elif kind == "list_entry":
        _, _, rest = target.partition(":")
        agency, _, source_record_id = rest.partition(":")
        query = sa.select(r.record_id, r.source_agency).where(
            r.subject_id == subject_id,
            r.source_agency == agency,
            r.source_record_id == source_record_id,
        )
    elif kind == "report":
        report_id, _, record_id = target.partition(":")
        body = conn.execute(
            sa.select(credit_reports.c.body).where(
                credit_reports.c.report_id == report_id,
                credit_reports.c.subject_id == subject_id,
            )
        ).scalar()
        if isinstance(body, str):
            body = json.loads(body)
        if not body or record_id not in {x["record_id"] for x in body.get("records", [])}:
            raise NotFound(
                "no such record in a report about this subject",
                code="unknown-target",
                errors=[
                    FieldError(
                        "target",
                        "is not report_id:record_id of a report about you",
                        "take both ids from the report's JSON",
                    )
                ],
            )
        query = sa.select(r.record_id, r.source_agency).where(r.record_id == record_id)
    else:
        raise InvalidData(
            f"target_kind {kind[:20]!r} is unknown",
            code="bad-target",
            errors=[FieldError("target_kind", "is unknown", f"use {', '.join(TARGET_KINDS)}")],
        )
    rows = conn.execute(query).all()
    if not rows:
        raise NotFound(
            "no such record of this subject",
            code="unknown-target",
            errors=[FieldError("target", "names nothing in this subject's file", "check it")],
        )
    return [rid for rid, _ in rows], rows[0][1]


def _grade_records(
    conn: sa.Connection, pack: Pack, subject_id: str, scheme_id: str, today: date
) -> tuple[list[str], str]:
    """A grade objection concerns the records the grade counts, and goes to its authority."""
    scheme = pack.grades.get(scheme_id)
    subject = conn.execute(
        sa.select(t.subjects.c.kind).where(t.subjects.c.subject_id == subject_id)
    ).scalar()
    if scheme is None or subject is None:
        raise NotFound(
            f"no grading scheme {scheme_id[:80]!r}",
            code="unknown-target",
            errors=[FieldError("target", "is not a grading scheme's id", "see /api/grades")],
        )
    if scheme.authority is None:
        raise InvalidData(
            f"{scheme.id} names no authority to answer objections",
            code="no-authority",
            errors=[FieldError("target", "has no authority in its pack", "object to a record")],
        )
    found = next(
        (
            g
            for g in subject_grades(conn, pack, subject_id, subject, today)
            if g.grade.scheme_id == scheme.id
        ),
        None,
    )
    if found is None:
        raise NotFound(f"you have no grade under {scheme.id}", code="unknown-target")
    return sorted({rid for ids in found.records.values() for rid in ids}), scheme.authority


def file(
    conn: sa.Connection,
    pack: Pack,
    *,
    subject_id: str,
    target_kind: str,
    target: str,
    grounds: str,
    actor: str,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    """File an objection and mark its records disputed at once (in ``conn``'s transaction).

    ``target`` is a record id, or ``list_id:source_agency:source_record_id`` for a list
    entry. Raises ``NotFound`` if the target is not the subject's.
    """
    if len(grounds.strip()) < 10:
        raise InvalidData(
            "the grounds are too short",
            code="grounds-required",
            errors=[FieldError("grounds", "has fewer than 10 characters", "say what is wrong")],
        )
    record_ids, provider = _target_records(conn, pack, subject_id, target_kind, target, today)
    regime = regime_of(target_kind)
    due = deadlines(pack, today, regime)
    row = {
        "objection_id": secrets.token_hex(8),
        "subject_id": subject_id,
        "target_kind": target_kind,
        "target": target,
        "record_ids": record_ids,
        "provider": provider,
        "grounds": grounds.strip(),
        "filed_by": actor,
        "filed_at": now,
        "filed_on": today,
        "status": "open",
        "regime": regime,
        "check_due": due.check_due,
        "decision_due": due.decision_due,
    }
    conn.execute(objections.insert().values(**row))
    for record_id in record_ids:
        append_event(
            conn,
            RecordEvent(
                record_id,
                EventKind.DISPUTED,
                today,
                actor,
                reason=f"objection {row['objection_id']}",
                attributes={"objection": row["objection_id"]},
            ),
            recorded_at=now,
        )
    return {
        **row,
        "deadlines_set": due.decision_due is not None,
        "provisional": cases.provisional(row),
    }


def _get(conn: sa.Connection, objection_id: str) -> dict[str, Any]:
    return cases.get(conn, objections, "objection_id", objection_id, "objection")


def _as_provider(row: dict[str, Any], agency: str | None) -> None:
    cases.as_provider(row, agency, "objection")


def extend(
    conn: sa.Connection, pack: Pack, objection_id: str, *, agency: str | None, reason: str
) -> dict[str, Any]:
    """Extend the provider's deadline once, by the jurisdiction's extension, with a reason."""
    row = _get(conn, objection_id)
    _as_provider(row, agency)
    days = deadlines(pack, row["filed_on"], row["regime"]).extension_days
    if row["extended_to"] is not None or not days or row["decision_due"] is None:
        raise InvalidData(
            "no (further) extension is allowed for this objection",
            code="no-extension",
        )
    extended = extended_due(row["decision_due"], days)
    conn.execute(
        objections.update()
        .where(objections.c.objection_id == objection_id)
        .values(extended_to=extended, extension_reason=reason)
    )
    extended_row = {**row, "extended_to": extended, "extension_reason": reason}
    return {**extended_row, "provisional": cases.provisional(extended_row)}


def decide(
    conn: sa.Connection,
    objection_id: str,
    *,
    agency: str | None,
    outcome: str,
    reasons: str,
    actor: str,
    now: datetime,
    today: date,
    changes: dict[str, Any] | None = None,
    statement: str | None = None,
    records: list[str] | None = None,
) -> dict[str, Any]:
    """The provider's decision, with written reasons; appended to the ledger as events about
    ``records`` (default: every record of the objection)."""
    row = _get(conn, objection_id)
    _as_provider(row, agency)
    errors = []
    if outcome not in OUTCOMES:
        errors.append(FieldError("outcome", f"is {outcome[:20]!r}", f"use {', '.join(OUTCOMES)}"))
    if outcome == "removed_from_list" and row["target_kind"] != "list_entry":
        errors.append(
            FieldError("outcome", "removed_from_list needs a list entry", "object to the entry")
        )
    concerned = list(row["record_ids"]) if records is None else records
    if not concerned and outcome != "kept":
        errors.append(FieldError("records", "are none: there is nothing to change", "decide kept"))
    if set(concerned) - set(row["record_ids"]):
        errors.append(
            FieldError("records", "name records this objection is not about", "leave them out")
        )
    if len(reasons.strip()) < 10:
        errors.append(FieldError("reasons", "are missing or too short", "give written reasons"))
    if outcome == "corrected" and not changes:
        errors.append(FieldError("changes", "are missing", "give the corrected attributes"))
    if errors:
        raise InvalidData("the decision is incomplete", code="bad-decision", errors=errors)
    events: list[tuple[EventKind, dict[str, Any]]] = []
    if outcome == "corrected":
        events.append((EventKind.CORRECTED, {"changes": changes}))
    elif outcome == "deleted":
        events.append((EventKind.REVOKED, {}))
    elif outcome == "publicity_stopped":
        events.append((EventKind.PUBLICITY_STOPPED, {}))
    elif outcome == "removed_from_list":
        events.append((EventKind.DELISTED, {"list_id": row["target"].partition(":")[0]}))
    elif statement:
        events.append((EventKind.STATEMENT_ATTACHED, {"statement": statement}))
    for record_id in row["record_ids"]:
        chosen = events if record_id in concerned else []
        for kind, attributes in [*chosen, (EventKind.DISPUTE_RESOLVED, {"outcome": outcome})]:
            append_event(
                conn,
                RecordEvent(
                    record_id,
                    kind,
                    today,
                    actor,
                    reason=f"objection {objection_id}: {reasons.strip()}",
                    attributes={**attributes, "objection": objection_id},
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
    conn.execute(
        objections.update().where(objections.c.objection_id == objection_id).values(**values)
    )
    return {**row, **values, "appeal": APPEAL}


#: an objection's next deadline: the platform's check until it is made, then the decision
DUE = sa.case(
    (
        sa.and_(objections.c.check_due.is_not(None), objections.c.checked_on.is_(None)),
        objections.c.check_due,
    ),
    else_=sa.func.coalesce(objections.c.extended_to, objections.c.decision_due),
)


def check(
    conn: sa.Connection, pack: Pack, objection_id: str, *, actor: str, note: str, today: date
) -> dict[str, Any]:
    """The platform's check of an open objection (Shenzhen Art 51): that it concerns credit
    information on the platform and is routed to the right provider, recorded once with a
    note the subject sees. The provider decides after it: its deadline (and an extension
    already granted) runs from ``today``, the actual date of the check."""
    row = _get(conn, objection_id)
    if row["status"] == "decided" or row["checked_on"] is not None:
        raise InvalidData("the objection is checked or decided already", code="case-checked")
    if len(note.strip()) < 5:
        raise InvalidData(
            "the check needs a note",
            code="note-required",
            errors=[FieldError("note", "is missing", "say what was checked")],
        )
    values: dict[str, Any] = {"checked_on": today, "checked_by": actor, "check_note": note.strip()}
    if row["check_due"] is not None and row["decision_due"] is not None:
        due = provider_due(pack, row["filed_on"], today)
        values["decision_due"] = due
        days = deadlines(pack, row["filed_on"], row["regime"]).extension_days
        if row["extended_to"] is not None and due is not None and days:
            values["extended_to"] = extended_due(due, days)
    conn.execute(
        objections.update().where(objections.c.objection_id == objection_id).values(**values)
    )
    return {**row, **values}


def listing(
    conn: sa.Connection,
    *,
    today: date,
    subject_id: str | None = None,
    provider: str | None = None,
    overdue_only: bool = False,
    unchecked_only: bool = False,
    page: int = 1,
    per_page: int = 100,
) -> dict[str, Any]:
    """A page of objections (of a subject, or routed to a provider), overdue ones counted;
    ``unchecked_only``: open ones awaiting the platform's check."""
    o = objections.c
    return cases.listing(
        conn,
        objections,
        "objection",
        today=today,
        due=DUE,
        subject_id=subject_id,
        provider=provider,
        overdue_only=overdue_only,
        where=(
            sa.and_(o.status == "open", o.check_due.is_not(None), o.checked_on.is_(None))
            if unchecked_only
            else None
        ),
        page=page,
        per_page=per_page,
    )
