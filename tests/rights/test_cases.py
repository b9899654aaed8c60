"""Case listings on SQLite and PostgreSQL: the next deadline in SQL (the platform's check
until it is made, then the decision, extended or not), overdue counts over every page, and
pagination."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from xinyong.rights import objections, repair
from xinyong.rights.tables import objections as table

FILED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def objection(n: int, **changes: object) -> dict[str, object]:
    return {
        "objection_id": f"{n:016x}",
        "subject_id": "91350200776049653A",
        "target_kind": "record",
        "target": "a" * 32,
        "record_ids": ["a" * 32],
        "provider": "samr" if n % 2 else "tax",
        "grounds": "the fine was paid in full",
        "filed_by": "account:company",
        "filed_at": FILED + timedelta(minutes=n),
        "filed_on": FILED.date(),
        "status": "open",
        "check_due": None,
        "checked_on": None,
        "decision_due": None,
        "extended_to": None,
        **changes,
    }


def test_deadlines_overdue_counts_and_pages(engine: sa.Engine) -> None:
    rows = [
        # unchecked, its check was due yesterday: overdue although the decision is not
        objection(1, check_due=date(2026, 6, 9), decision_due=date(2026, 6, 12)),
        # checked: the decision's date counts, not yet reached
        objection(
            2,
            check_due=date(2026, 6, 9),
            checked_on=date(2026, 6, 2),
            decision_due=date(2026, 6, 12),
        ),
        # extended past today: not overdue although its first decision date passed
        objection(3, decision_due=date(2026, 6, 5), extended_to=date(2026, 6, 15)),
        # decided: never overdue
        objection(4, decision_due=date(2026, 6, 5), status="decided"),
        # no deadline in this jurisdiction: never overdue
        objection(5),
        # past its decision date
        objection(6, decision_due=date(2026, 6, 8)),
    ]
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
    today = date(2026, 6, 10)
    with engine.connect() as conn:
        every = objections.listing(conn, today=today, per_page=4)
        assert (every["total"], every["overdue"], every["pages"]) == (6, 2, 2)
        assert [o["objection_id"][-1] for o in every["items"]] == ["1", "2", "3", "4"]
        second = objections.listing(conn, today=today, per_page=4, page=2)
        assert [o["overdue"] for o in second["items"]] == [False, True]
        late = objections.listing(conn, today=today, overdue_only=True)
        assert [o["objection_id"][-1] for o in late["items"]] == ["1", "6"]
        assert late["total"] == 2 and all(o["overdue"] for o in late["items"])
        routed = objections.listing(conn, today=today, provider="samr")
        assert {o["provider"] for o in routed["items"]} == {"samr"} and routed["overdue"] == 1
        unchecked = objections.listing(conn, today=today, unchecked_only=True)
        assert [o["objection_id"][-1] for o in unchecked["items"]] == ["1"]
        assert repair.listing(conn, today=today)["total"] == 0
