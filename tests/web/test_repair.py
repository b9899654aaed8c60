"""Credit repair: eligibility named condition by condition, deadlines in working days, the
source agency's decision, and consequences that follow at once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from tests.factories import XIAMEN_USCC
from tests.web.conftest import Web, make_web
from tests.web.test_objections import record_id

APPLICATION = {
    "corrective_action": "the advertisement was withdrawn and the fine paid in full",
    "evidence": ["payment receipt 2026-03-20", "withdrawal notice to the publisher"],
    "commitment": "we commit not to publish false or misleading advertising again",
}


def apply(web: Web, record: str, **changes: Any) -> Any:
    return web.client.post(
        "/api/repairs",
        json={"record_id": record, **APPLICATION, **changes},
        headers=web.as_role("company"),
    )


def test_a_granted_repair_stops_publicity_at_once(web: Web) -> None:
    penalty = record_id(web, "1")
    filed = apply(web, penalty)
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert all(c["holds"] for c in body["eligibility"])
    assert (body["decision_due"], body["feedback_due"]) == ("2026-07-03", "2026-07-14")
    assert body["provider"] == "samr"
    wrong = web.client.post(
        f"/api/repairs/{body['repair_id']}/decide",
        json={"outcome": "granted", "reasons": "obligations fulfilled with evidence"},
        headers=web.as_role("court"),
    )
    assert wrong.status_code == 403
    granted = web.client.post(
        f"/api/repairs/{body['repair_id']}/decide",
        json={"outcome": "granted", "reasons": "obligations fulfilled with evidence"},
        headers=web.as_role("samr"),
    )
    assert granted.status_code == 200 and granted.json()["outcome"] == "granted"
    assert granted.json()["remedies"] == {
        "publicity_stopped": True,
        "marked_repaired_in_own_file": True,
        "removed_from_lists": [],  # a general penalty puts the company on no list
        "lists_not_ended_by_repair": [],
    }
    page = web.get(f"/api/subjects/{XIAMEN_USCC}").json()
    assert "market.penalty" not in {r["item_code"] for r in page["records"]}
    own = web.get(f"/api/subjects/{XIAMEN_USCC}/file", "company").json()
    [record] = [r for r in own["records"] if r["record_id"] == penalty]
    assert record["status"] == "repaired" and record["events"][-1]["kind"] == "repaired"
    mine = web.get("/api/repairs", "company").json()["items"]
    assert [(r["repair_id"], r["outcome"]) for r in mine] == [(body["repair_id"], "granted")]


def test_repair_before_the_minimum_period_is_refused_with_the_date(
    world_template: Path, tmp_path: Path
) -> None:
    early = make_web(world_template, tmp_path, as_of=date(2026, 4, 1))
    with early.client:
        refused = apply(early, record_id(early, "1"))
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "record_id" and "2026-06-05" in error["message"]


def test_a_court_listing_is_not_repaired_here(web: Web) -> None:
    refused = apply(web, record_id(web, "ZX-2"))
    assert refused.status_code == 422
    messages = " ".join(e["message"] for e in refused.json()["errors"])
    assert "court" in messages and "published penalty" in messages


def test_the_commitment_and_evidence_are_required(web: Web) -> None:
    refused = apply(web, record_id(web, "1"), commitment="  ", evidence=[" "])
    fields = {e["field"] for e in refused.json()["errors"]}
    assert refused.status_code == 422 and {"commitment", "evidence"} <= fields


def test_undecided_applications_past_their_deadline_are_overdue(
    world_template: Path, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from tests.web.conftest import NOW, web_settings
    from xinyong.web.app import create_app

    web = make_web(world_template, tmp_path)
    with web.client:
        assert apply(web, record_id(web, "1")).status_code == 201
    later = create_app(web_settings(web.url, as_of=date(2026, 7, 6)), clock=lambda: NOW)
    with TestClient(later) as client:
        listing = client.get(
            "/api/repairs", params={"overdue": "true"}, headers=web.as_role("samr")
        ).json()
    assert listing["overdue"] == 1


def test_a_legal_bar_holds_repair_for_its_years(world_template: Path, tmp_path: Path) -> None:
    """Shenzhen Art 83: three years after a court sanction for seriously obstructing a
    bankruptcy procedure, and not before, the subject's records may be repaired."""
    from tests.ingest.helpers import row

    web = make_web(world_template, tmp_path, jurisdiction="cn-shenzhen")
    with web.client:
        sanction = {
            **row(),
            "item_code": "court.bankruptcy_obstruction",
            "subject_code": XIAMEN_USCC,
            "subject_name": "厦门鹭江海鲜贸易有限公司",
            "source_record_id": "PC-1",
            "occurred_on": "2024-03-01",
            "decided_on": "2024-05-20",
            "instrument_type": "court_sanction",
            "instrument_number": "（2024）粤03破12号之一",
            "instrument_issuer": "深圳市中级人民法院",
            "instrument_date": "2024-05-20",
            "published_on": "",
            "severity": "serious",
            "attributes": json.dumps(
                {
                    "conduct": "asset_transfer",
                    "case_number": "（2024）粤03破12号",
                    "sanction": "court_penalty",
                },
                ensure_ascii=False,
            ),
        }
        stored = web.client.post("/api/records", json=sanction, headers=web.as_role("court"))
        assert stored.status_code == 201, stored.text
        refused = apply(web, record_id(web, "1"))
        assert refused.status_code == 422
        [bar] = [e for e in refused.json()["errors"] if "no legal bar" in e["message"]]
        assert "2027-05-20" in bar["message"] and "Art 83" in bar["message"]
        from xinyong.rights.repair import eligibility

        platform = web.client.app.state.platform  # type: ignore[attr-defined]
        with platform.engine.connect() as conn:
            later = eligibility(
                conn, platform.pack, XIAMEN_USCC, record_id(web, "1"), date(2027, 5, 20)
            )
        assert [c["holds"] for c in later if c["condition"] == "no legal bar"] == [True]


def test_the_remedies_name_the_lists_a_repair_ends(web: Web) -> None:
    from xinyong.rights.repair import _remedies

    platform = web.client.app.state.platform  # type: ignore[attr-defined]
    with platform.engine.connect() as conn:
        found = _remedies(conn, platform.pack, record_id(web, "ZX-2"))
    # every national list ends on repair (`exit_on_repair`); a local pack may keep one
    assert found["removed_from_lists"] == ["cn.court.dishonest_debtors"]
    assert found["lists_not_ended_by_repair"] == []


def test_the_remedies_do_not_promise_to_end_a_list_the_pack_does_not_know(web: Web) -> None:
    """An entry on a list the pack no longer has: the repair notice names it among the lists
    a repair does not end (nothing says it would), never among those it ends."""
    import dataclasses

    from xinyong.rights.repair import _remedies

    platform = web.client.app.state.platform  # type: ignore[attr-defined]
    court = "cn.court.dishonest_debtors"
    lists = {k: v for k, v in platform.pack.lists.items() if k != court}
    with platform.engine.connect() as conn:
        found = _remedies(
            conn, dataclasses.replace(platform.pack, lists=lists), record_id(web, "ZX-2")
        )
    assert found["removed_from_lists"] == []
    assert found["lists_not_ended_by_repair"] == [court]


def test_repair_deadlines_hold_on_every_day_of_the_calendar() -> None:
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from xinyong.rights.repair import deadlines
    from xinyong.schemes import load_pack
    from xinyong.workdays import coverage, is_working_day, working_days_between

    pack = load_pack("cn-shenzhen")
    _, last = coverage()

    @given(st.dates(min_value=date(2025, 6, 22), max_value=last - timedelta(days=40)))
    @settings(max_examples=200, deadline=None)
    def holds(filed: date) -> None:
        decision, feedback = deadlines(pack, filed)
        assert decision is not None and feedback is not None
        assert is_working_day(decision) and is_working_day(feedback)
        assert working_days_between(filed, decision) == 3  # Shenzhen Art 82
        assert working_days_between(filed, feedback) == 10  # the 2025 national plan
        assert decision < feedback

    holds()


def test_the_credit_reporting_regime_counts_calendar_days() -> None:
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from xinyong.rights.objections import deadlines
    from xinyong.schemes import load_pack

    pack = load_pack("cn")

    @given(st.dates(min_value=date(2013, 3, 15), max_value=date(2040, 12, 31)))
    @settings(max_examples=100, deadline=None)
    def holds(filed: date) -> None:
        due = deadlines(pack, filed, "credit_reporting")
        assert due.decision_due == filed + timedelta(days=20)
        assert due.check_due is None and due.extension_days is None

    holds()
