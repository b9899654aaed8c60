"""Objections: the dispute mark at once, routing to the source agency, deadlines in PRC
working days from the jurisdiction's pack, decisions with reasons, overdue escalation."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.factories import GUANGZHOU_USCC, XIAMEN_USCC
from tests.web.conftest import NOW, Web, make_web, web_settings
from xinyong.web.app import create_app


def record_id(web: Web, source_record_id: str) -> str:
    engine = sa.create_engine(web.url)
    with engine.connect() as conn:
        found = conn.execute(
            sa.text("SELECT record_id FROM records WHERE source_record_id = :s"),
            {"s": source_record_id},
        ).scalar_one()
    engine.dispose()
    return str(found)


def object_to(web: Web, target: str, kind: str = "record", role: str = "company") -> Any:
    return web.client.post(
        "/api/objections",
        json={"target_kind": kind, "target": target, "grounds": "the fine was paid in full"},
        headers=web.as_role(role),
    )


def test_the_dispute_mark_shows_at_once_and_the_objection_goes_to_the_provider(web: Web) -> None:
    court_record = record_id(web, "ZX-2")
    filed = object_to(web, "cn.court.dishonest_debtors:court:ZX-2", kind="list_entry")
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert body["provider"] == "court" and body["record_ids"] == [court_record]
    assert body["deadlines_set"] is False  # the national pack sets no objection deadlines
    page = web.get(f"/api/subjects/{XIAMEN_USCC}").json()
    marked = {r["item_code"]: r["disputed"] for r in page["records"]}
    assert marked["court.dishonest_debtor"] is True
    routed = web.get("/api/objections", "court").json()["items"]
    assert [o["objection_id"] for o in routed] == [body["objection_id"]]
    assert web.get("/api/objections", "samr").json()["items"] == []


def test_a_subject_cannot_object_to_another_subjects_record(web: Web) -> None:
    licence = record_id(web, "L-7")  # the Guangzhou company's licence
    refused = object_to(web, licence)
    assert refused.status_code == 404 and refused.json()["code"] == "unknown-target"
    assert GUANGZHOU_USCC not in refused.text


def test_a_deleted_record_leaves_the_list_and_screening_allows_at_once(web: Web) -> None:
    filed = object_to(web, "cn.court.dishonest_debtors:court:ZX-2", kind="list_entry").json()
    wrong_agency = web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={"outcome": "deleted", "reasons": "the judgment was performed before listing"},
        headers=web.as_role("samr"),
    )
    assert wrong_agency.status_code == 403
    no_reasons = web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={"outcome": "deleted", "reasons": "no"},
        headers=web.as_role("court"),
    )
    assert no_reasons.status_code == 422 and no_reasons.json()["errors"][0]["field"] == "reasons"
    decided = web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={"outcome": "deleted", "reasons": "the judgment was performed before listing"},
        headers=web.as_role("court"),
    )
    assert decided.status_code == 200 and "reconsideration" in decided.json()["appeal"]
    check = web.client.post(
        "/api/screen",
        json={"subject": XIAMEN_USCC, "action": "aviation.ticket"},
        headers=web.as_role("airline"),
    )
    assert check.json()["outcome"] == "allow"
    page = web.get(f"/api/subjects/{XIAMEN_USCC}").json()
    assert "court.dishonest_debtor" not in {r["item_code"] for r in page["records"]}
    again = web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={"outcome": "kept", "reasons": "second thoughts are not allowed"},
        headers=web.as_role("court"),
    )
    assert again.status_code == 422


def test_a_kept_record_carries_the_statement_and_loses_the_mark(web: Web) -> None:
    penalty = record_id(web, "1")
    filed = object_to(web, penalty).json()
    decided = web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={
            "outcome": "kept",
            "reasons": "the advertisement was false as found",
            "statement": "We have since withdrawn the advertisement.",
        },
        headers=web.as_role("samr"),
    )
    assert decided.status_code == 200
    own = web.get(f"/api/subjects/{XIAMEN_USCC}/file", "company").json()
    [record] = [r for r in own["records"] if r["record_id"] == penalty]
    kinds = [e["kind"] for e in record["events"]]
    assert kinds[-3:] == ["disputed", "statement_attached", "dispute_resolved"]
    assert record["disputed"] is False


def shenzhen(world_template: Path, tmp_path: Path, **overrides: Any) -> Web:
    return make_web(world_template, tmp_path, jurisdiction="cn-shenzhen", **overrides)


def test_shenzhen_deadlines_run_in_working_days_with_one_extension(
    world_template: Path, tmp_path: Path
) -> None:
    web = shenzhen(world_template, tmp_path)  # filed Tuesday 2026-06-30
    with web.client:
        filed = object_to(web, record_id(web, "1")).json()
        assert (filed["check_due"], filed["decision_due"]) == ("2026-07-01", "2026-07-03")
        extended = web.client.post(
            f"/api/objections/{filed['objection_id']}/extend",
            json={"reason": "waiting for the inspection file"},
            headers=web.as_role("samr"),
        )
        assert extended.json()["extended_to"] == "2026-07-08"  # three working days on
        twice = web.client.post(
            f"/api/objections/{filed['objection_id']}/extend",
            json={"reason": "still waiting for the file"},
            headers=web.as_role("samr"),
        )
        assert twice.status_code == 422
    # a week and a half later the objection is overdue and escalated
    later = create_app(
        web_settings(web.url, jurisdiction="cn-shenzhen", as_of=date(2026, 7, 9)), clock=lambda: NOW
    )
    with TestClient(later) as client:
        listing = client.get(
            "/api/objections",
            params={"overdue": "true"},
            headers=web.as_role("operator"),
        ).json()
        escalated = client.get(
            "/escalations", params={"format": "json"}, headers=web.as_role("operator")
        )
        assert client.get("/escalations", headers=web.as_role("samr")).status_code == 403
        page = client.get("/escalations", headers=web.as_role("operator"))
        assert page.status_code == 200 and 'class="overdue-objection"' in page.text
    assert listing["overdue"] == 1 and listing["items"][0]["overdue"] is True
    assert escalated.json()["by_agency"] == {"samr": 1}


def test_deadlines_skip_the_national_day_holiday() -> None:
    from xinyong.rights.objections import deadlines
    from xinyong.schemes import load_pack

    due = deadlines(load_pack("cn-shenzhen"), date(2026, 9, 30))
    assert due.check_due is not None and due.decision_due is not None
    assert due.check_due >= date(2026, 10, 8)  # not during the 1–7 October holiday
    assert (due.decision_due - date(2026, 9, 30)).days > 3


def test_objection_deadlines_hold_on_every_day_of_the_calendar() -> None:
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from xinyong.rights.objections import deadlines
    from xinyong.schemes import load_pack
    from xinyong.workdays import coverage, is_working_day, working_days_between

    pack = load_pack("cn-shenzhen")
    first, last = coverage()

    @given(st.dates(min_value=date(2023, 3, 1), max_value=last - timedelta(days=40)))
    @settings(max_examples=200, deadline=None)
    def holds(filed: date) -> None:
        due = deadlines(pack, filed)
        assert due.check_due is not None and due.decision_due is not None
        assert is_working_day(due.check_due) and is_working_day(due.decision_due)
        assert working_days_between(filed, due.check_due) == 1
        assert working_days_between(due.check_due, due.decision_due) == 2
        assert due.extension_days == 3

    assert first <= date(2023, 3, 1)
    holds()


def test_stopped_publicity_hides_the_record_but_it_still_counts(web: Web) -> None:
    penalty = record_id(web, "1")
    filed = object_to(web, penalty).json()
    decided = web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={"outcome": "publicity_stopped", "reasons": "published beyond its publicity period"},
        headers=web.as_role("samr"),
    )
    assert decided.status_code == 200
    page = web.get(f"/api/subjects/{XIAMEN_USCC}").json()
    assert "market.penalty" not in {r["item_code"] for r in page["records"]}
    own = web.get(f"/api/subjects/{XIAMEN_USCC}/file", "company").json()
    [record] = [r for r in own["records"] if r["record_id"] == penalty]
    assert record["status"] == "unpublished" and record["public"] is False


def own_file(web: Web) -> Any:
    return web.get(f"/api/subjects/{XIAMEN_USCC}/file", "company").json()


def test_a_grade_objection_goes_to_the_schemes_authority_and_marks_the_grade(web: Web) -> None:
    scheme = "cn.public_credit.comprehensive"
    [before] = [g for g in own_file(web)["grades"] if g["scheme_id"] == scheme]
    counted = sorted({r for ids in before["records"].values() for r in ids})
    assert before["grade"] == "D" and before["disputed"] is False and len(counted) == 2
    filed = object_to(web, scheme, kind="grade")
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert body["provider"] == "development_reform" and sorted(body["record_ids"]) == counted
    [during] = [g for g in own_file(web)["grades"] if g["scheme_id"] == scheme]
    assert during["disputed"] is True
    assert web.get("/api/objections", "samr").json()["items"] == []
    penalty = record_id(web, "1")
    stray = web.client.post(
        f"/api/objections/{body['objection_id']}/decide",
        json={"outcome": "kept", "reasons": "the grade follows the rules", "records": ["f" * 32]},
        headers=web.as_role("ndrc"),
    )
    assert stray.status_code == 422 and stray.json()["errors"][0]["field"] == "records"
    decided = web.client.post(
        f"/api/objections/{body['objection_id']}/decide",
        json={
            "outcome": "kept",
            "reasons": "both records are counted as the scheme says",
            "statement": "The fine was paid on the day it was imposed.",
            "records": [penalty],
        },
        headers=web.as_role("ndrc"),
    )
    assert decided.status_code == 200, decided.text
    after = own_file(web)
    [grade] = [g for g in after["grades"] if g["scheme_id"] == scheme]
    assert grade["disputed"] is False
    kinds = {r["record_id"]: [e["kind"] for e in r["events"]] for r in after["records"]}
    assert "statement_attached" in kinds[penalty]
    [other] = [r for r in counted if r != penalty]
    assert "statement_attached" not in kinds[other] and kinds[other][-1] == "dispute_resolved"


def test_a_grade_objection_needs_a_scheme_that_grades_the_subject(web: Web) -> None:
    unknown = object_to(web, "cn.no_such_scheme", kind="grade")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown-target"
    # the points pilot names no authority to answer for it: refused before anything else
    pilot = object_to(web, "cn.pilot.points_rongcheng", kind="grade")
    assert pilot.status_code == 422 and pilot.json()["code"] == "no-authority"
    # a scheme that does not grade this kind of subject: a person has no tax credit grade
    tax = object_to(web, "cn.tax.credit_grade", kind="grade", role="person")
    assert tax.status_code == 404 and tax.json()["code"] == "unknown-target"


def test_removed_from_list_ends_that_entry_but_the_record_stands(web: Web) -> None:
    court = "cn.court.dishonest_debtors:court:ZX-2"
    listed = {e["list_id"] for e in web.get(f"/api/subjects/{XIAMEN_USCC}").json()["lists"]}
    assert "cn.court.dishonest_debtors" in listed
    on_record = object_to(web, record_id(web, "1")).json()
    wrong = web.client.post(
        f"/api/objections/{on_record['objection_id']}/decide",
        json={"outcome": "removed_from_list", "reasons": "a record objection has no list"},
        headers=web.as_role("samr"),
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "outcome"
    filed = object_to(web, court, kind="list_entry").json()
    decided = web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={
            "outcome": "removed_from_list",
            "reasons": "the debtor had performed before the listing decision",
        },
        headers=web.as_role("court"),
    )
    assert decided.status_code == 200, decided.text
    public = web.get(f"/api/subjects/{XIAMEN_USCC}").json()
    assert "cn.court.dishonest_debtors" not in {e["list_id"] for e in public["lists"]}
    check = web.client.post(
        "/api/screen",
        json={"subject": XIAMEN_USCC, "action": "aviation.ticket"},
        headers=web.as_role("airline"),
    ).json()
    assert check["outcome"] == "allow"
    [record] = [r for r in own_file(web)["records"] if r["item_code"] == "court.dishonest_debtor"]
    assert record["status"] == "active"  # the record itself stands
    assert [e["kind"] for e in record["events"]][-2:] == ["delisted", "dispute_resolved"]


def test_a_report_objection_runs_on_the_credit_reporting_regime(web: Web) -> None:
    issued = web.client.post("/api/reports", json={}, headers=web.as_role("company")).json()
    penalty = record_id(web, "1")
    filed = object_to(web, f"{issued['report_id']}:{penalty}", kind="report")
    assert filed.status_code == 201, filed.text
    body = filed.json()
    # 征信业管理条例 Art 25: 20 days from receipt, calendar days, no extension
    assert body["regime"] == "credit_reporting" and body["provider"] == "samr"
    assert body["decision_due"] == "2026-07-20" and body["check_due"] is None
    extended = web.client.post(
        f"/api/objections/{body['objection_id']}/extend",
        json={"reason": "waiting for the file"},
        headers=web.as_role("samr"),
    )
    assert extended.status_code == 422
    foreign = object_to(web, f"{issued['report_id']}:{'a' * 32}", kind="report")
    assert foreign.status_code == 404


def test_a_grade_with_no_records_behind_it_can_only_be_kept(web: Web) -> None:
    from xinyong.errors import InvalidData
    from xinyong.rights import objections

    filed = object_to(web, "cn.tax.credit_grade", kind="grade").json()
    assert filed["provider"] == "tax" and filed["record_ids"] == []
    decision = {
        "agency": "tax",
        "actor": "tax-officer",
        "now": NOW,
        "today": date(2026, 6, 30),
    }
    engine = sa.create_engine(web.url)
    with engine.begin() as conn:
        with pytest.raises(InvalidData) as refused:
            objections.decide(
                conn,
                filed["objection_id"],
                outcome="deleted",
                reasons="nothing to delete here at all",
                **decision,  # type: ignore[arg-type]
            )
        assert refused.value.errors[0].field == "records"
        kept = objections.decide(
            conn,
            filed["objection_id"],
            outcome="kept",
            reasons="the grade starts at 100 and no record lowers it",
            **decision,  # type: ignore[arg-type]
        )
    engine.dispose()
    assert kept["outcome"] == "kept"


def test_the_own_file_names_each_consequence_and_its_end(web: Web) -> None:
    before = own_file(web)
    [court] = [e for e in before["lists"] if e["list_id"] == "cn.court.dishonest_debtors"]
    assert court["in_force"] is True and court["measures"]
    assert all(m["legal_basis"] and m["memorandum"] for m in court["measures"])
    filed = object_to(web, "cn.court.dishonest_debtors:court:ZX-2", kind="list_entry").json()
    web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={"outcome": "removed_from_list", "reasons": "performed before the listing decision"},
        headers=web.as_role("court"),
    )
    [after] = [e for e in own_file(web)["lists"] if e["list_id"] == "cn.court.dishonest_debtors"]
    assert after["ended_by_decision"] is True and after["in_force"] is False
    assert after["measures"] == []


def test_the_platform_checks_first_and_an_unchecked_objection_is_overdue_on_its_check_date(
    world_template: Path, tmp_path: Path
) -> None:
    web = shenzhen(world_template, tmp_path)  # filed Tuesday 2026-06-30: check due 07-01
    with web.client:
        unchecked = object_to(web, record_id(web, "1")).json()
        checked = object_to(web, "cn.court.dishonest_debtors:court:ZX-2", kind="list_entry").json()
        path = f"/api/objections/{checked['objection_id']}/check"
        note = {"note": "a court listing on the platform; routed to the court"}
        assert web.client.post(path, json=note, headers=web.as_role("samr")).status_code == 403
        done = web.client.post(path, json=note, headers=web.as_role("operator"))
        assert done.status_code == 200 and done.json()["checked_on"] == "2026-06-30"
        again = web.client.post(path, json=note, headers=web.as_role("operator"))
        assert again.status_code == 422
        mine = {o["objection_id"]: o for o in web.get("/api/objections", "company").json()["items"]}
        assert mine[checked["objection_id"]]["check_note"] == note["note"]
    later = create_app(
        web_settings(web.url, jurisdiction="cn-shenzhen", as_of=date(2026, 7, 2)), clock=lambda: NOW
    )
    with TestClient(later) as client:
        listing = client.get(
            "/api/objections", params={"overdue": "true"}, headers=web.as_role("operator")
        ).json()
        page = client.get("/escalations", headers=web.as_role("operator")).text
    # the unchecked one missed its check (07-01); the checked one is due only on 07-02
    assert [o["objection_id"] for o in listing["items"]] == [unchecked["objection_id"]]
    assert page.count('class="unchecked"') == 1


def test_the_providers_deadline_runs_from_the_day_the_platform_checked(
    world_template: Path, tmp_path: Path
) -> None:
    """Shenzhen Art 51: the provider decides within two working days of receiving the checked
    objection — from the check's actual date, whether early or late, not from its deadline."""
    web = shenzhen(world_template, tmp_path)  # filed Tuesday 2026-06-30: check due 07-01
    note = {"note": "credit information on the platform; routed to its provider"}
    with web.client:
        early = object_to(web, record_id(web, "1")).json()
        late = object_to(web, "cn.court.dishonest_debtors:court:ZX-2", kind="list_entry").json()
        assert early["decision_due"] == late["decision_due"] == "2026-07-03"
        path = f"/api/objections/{early['objection_id']}/check"
        checked = web.client.post(path, json=note, headers=web.as_role("operator")).json()
        assert (checked["checked_on"], checked["decision_due"]) == ("2026-06-30", "2026-07-02")
    two_days_on = create_app(
        web_settings(web.url, jurisdiction="cn-shenzhen", as_of=date(2026, 7, 2)), clock=lambda: NOW
    )
    with TestClient(two_days_on) as client:
        extended = client.post(
            f"/api/objections/{late['objection_id']}/extend",
            json={"reason": "waiting for the enforcement file"},
            headers=web.as_role("court"),
        )
        assert extended.json()["extended_to"] == "2026-07-08"
        path = f"/api/objections/{late['objection_id']}/check"
        checked = client.post(path, json=note, headers=web.as_role("operator")).json()
    # checked Thursday 07-02, a day late: two working days from then is Monday 07-06, and the
    # extension's three working days run on from there
    assert (checked["checked_on"], checked["decision_due"]) == ("2026-07-02", "2026-07-06")
    assert checked["extended_to"] == "2026-07-09"


def test_the_operator_records_the_check_from_its_page(web: Web) -> None:
    filed = object_to(web, record_id(web, "1")).json()
    form = web.client.post(
        f"/escalations/objections/{filed['objection_id']}/check",
        data={"note": "the record is on the platform; routed to samr"},
        headers=web.as_role("operator"),
        follow_redirects=False,
    )
    assert form.status_code == 303
    [mine] = web.get("/api/objections", "company").json()["items"]
    assert mine["checked_on"] == "2026-06-30" and mine["checked_by"].startswith("token:")
