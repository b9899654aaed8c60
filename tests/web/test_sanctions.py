"""Joint measures on the small world: screening decisions on every path, reach through
links, consumption orders with permits and lifts, overrides, dispatch and feedback."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from tests.factories import GUANGZHOU_USCC, XIAMEN_USCC
from tests.web.conftest import LONELY, LONELY_RESIDENT, PERSON, Web

COURT = "cn.court.dishonest_debtors"


def screen(web: Web, subject: str, action: str, role: str = "airline") -> dict[str, Any]:
    response = web.client.post(
        "/api/screen", json={"subject": subject, "action": action}, headers=web.as_role(role)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def decide(web: Web, source_record_id: str, decision: str, **extra: Any) -> Any:
    body = {
        "source_record_id": source_record_id,
        "decision": decision,
        "effective_on": "2026-06-30",
        "instrument_number": "（2026）粤0106执限1号之一",
        **extra,
    }
    return web.client.post("/api/decisions", json=body, headers=web.as_role("court"))


def test_a_listed_company_is_denied_with_list_memorandum_basis_and_remedy(web: Web) -> None:
    decision = screen(web, XIAMEN_USCC, "aviation.ticket")
    assert decision["outcome"] == "deny"
    [ground] = decision["grounds"]
    assert ground["list_id"] == COURT and "发改财金〔2016〕141号" in ground["memorandum"]
    assert ground["implementing_agency"] == "civil_aviation"
    assert ground["legal_basis"] and ground["remedy"]
    assert ground["since"] == "2026-02-10" and ground["via_role"] is None


def test_a_market_actors_measure_only_advises(web: Web) -> None:
    decision = screen(web, XIAMEN_USCC, "finance.credit")
    assert decision["outcome"] == "advise"
    assert {g["category"] for g in decision["grounds"]} == {"market_autonomous"}


def test_a_legal_representative_is_reached_only_where_the_basis_says_so(web: Web) -> None:
    flights = screen(web, LONELY_RESIDENT, "aviation.ticket")  # raw number in, never out
    assert flights["subject_id"] == LONELY and flights["outcome"] == "deny"
    [ground] = flights["grounds"]
    assert ground["via_role"] == "legal_representative"
    assert ground["via_subject"] == XIAMEN_USCC and ground["via_name"] == "厦门鹭江海鲜贸易有限公司"
    # the procurement bar rests on the company's own conduct and does not reach him
    assert screen(web, LONELY, "procurement.bid")["outcome"] == "allow"
    assert screen(web, XIAMEN_USCC, "procurement.bid")["outcome"] == "deny"


def test_an_unlisted_subject_is_allowed_and_a_listed_person_denied(web: Web) -> None:
    assert screen(web, "91440300MA5DC1TM0F", "aviation.ticket")["outcome"] == "allow"
    assert screen(web, PERSON, "rail.g_train")["outcome"] == "deny"


def test_a_consumption_order_restricts_only_its_items(web: Web) -> None:
    flights = screen(web, GUANGZHOU_USCC, "aviation.ticket")
    assert flights["outcome"] == "deny"
    assert flights["grounds"][0]["kind"] == "order"
    assert "（2026）粤0106执88号" in flights["grounds"][0]["order_case"]
    assert screen(web, GUANGZHOU_USCC, "hotel.star_rated")["outcome"] == "deny"
    assert screen(web, GUANGZHOU_USCC, "rail.g_train")["outcome"] == "allow"


def test_an_exception_permit_then_a_lift_reach_the_very_next_check(web: Web) -> None:
    permit = decide(
        web,
        "XF-1",
        "exception_permitted",
        attributes={"action": "aviation.ticket", "until": "2026-07-31"},
    )
    assert permit.status_code == 201, permit.text
    assert screen(web, GUANGZHOU_USCC, "aviation.ticket")["outcome"] == "allow"
    assert screen(web, GUANGZHOU_USCC, "hotel.star_rated")["outcome"] == "deny"
    assert decide(web, "XF-1", "lifted").status_code == 201
    assert screen(web, GUANGZHOU_USCC, "hotel.star_rated")["outcome"] == "allow"


def test_a_revoked_listing_frees_the_company_and_its_representative_at_once(web: Web) -> None:
    assert screen(web, LONELY, "aviation.ticket")["outcome"] == "deny"
    revoked = decide(web, "ZX-2", "revoked", instrument_number="（2026）京0105执复1号")
    assert revoked.status_code == 201
    assert screen(web, XIAMEN_USCC, "aviation.ticket")["outcome"] == "allow"
    assert screen(web, LONELY, "aviation.ticket")["outcome"] == "allow"


def test_a_decision_about_someone_elses_record_is_refused(web: Web) -> None:
    refused = web.client.post(
        "/api/decisions",
        json={
            "source_record_id": "ZX-2",
            "decision": "revoked",
            "effective_on": "2026-06-30",
            "instrument_number": "x",
        },
        headers=web.as_role("samr"),
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "source_record_id"


def test_bulk_screening_answers_in_order_and_marks_invalid_codes(web: Web) -> None:
    response = web.client.post(
        "/api/screen/bulk",
        json={
            "action": "aviation.ticket",
            "subjects": [XIAMEN_USCC, "91440300MA5DC1TM0F", "110105198001010099", LONELY],
        },
        headers=web.as_role("airline"),
    )
    body = response.json()
    assert body["outcomes"] == ["deny", "allow", "invalid", "deny"]
    assert body["counts"] == {"deny": 2, "allow": 1, "invalid": 1}
    assert body["details"]["2"]["error"]["field"] == "subjects.2"
    assert body["details"]["3"]["subject_id"] == LONELY
    assert body["details"]["0"]["grounds"][0]["measure_id"] == "cn.m.no_flights"
    # one audit entry for the call, in each screened subject's access log
    log = web.get("/api/me/access-log", "company").json()["items"]
    assert [(e["action"], e["detail"]["counts"]["deny"]) for e in log] == [("screen_bulk", 2)]


def test_a_columnar_body_is_answered_line_by_line_as_the_json_bulk(web: Web) -> None:
    codes = [XIAMEN_USCC, "91440300MA5DC1TM0F", "110105198001010099", LONELY, LONELY_RESIDENT]
    response = web.client.post(
        "/api/screen/lines?action=aviation.ticket",
        content="\n".join(codes) + "\n",
        headers={**web.as_role("airline"), "content-type": "text/plain"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    summary, *lines = [json.loads(line) for line in response.text.splitlines()]
    assert summary == {
        "action": "aviation.ticket",
        "as_of": "2026-06-30",
        "counts": {"deny": 3, "allow": 1, "invalid": 1},
        "subjects": 5,
    }
    assert [(x["position"], x["outcome"]) for x in lines] == [
        (0, "deny"),
        (1, "allow"),
        (2, "invalid"),
        (3, "deny"),
        (4, "deny"),
    ]
    assert lines[2]["error"]["field"] == "lines.2" and "decision" not in lines[2]
    assert lines[4]["decision"]["subject_id"] == LONELY  # the number sent never comes back
    assert LONELY_RESIDENT not in response.text
    json_bulk = web.client.post(
        "/api/screen/bulk",
        json={"action": "aviation.ticket", "subjects": codes},
        headers=web.as_role("airline"),
    ).json()
    assert [x["outcome"] for x in lines] == json_bulk["outcomes"]
    assert lines[0]["decision"] == json_bulk["details"]["0"]
    log = web.get("/api/me/access-log", "company").json()["items"]
    assert [e["action"] for e in log] == ["screen_bulk", "screen_bulk"]


def test_a_columnar_body_over_the_limit_is_refused_whole(web: Web) -> None:
    response = web.client.post(
        "/api/screen/lines?action=aviation.ticket",
        content="\n".join([XIAMEN_USCC] * 10_001),
        headers={**web.as_role("airline"), "content-type": "text/plain"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "body",
        "message": "has 10001 lines",
        "fix": "send 1 to 10,000",
    }
    log = web.get("/api/me/access-log", "company").json()["items"]
    assert log == []


def test_lines_split_at_line_feeds_only_and_need_plain_text(web: Web) -> None:
    url = "/api/screen/lines?action=aviation.ticket"
    text = {**web.as_role("airline"), "content-type": "text/plain; charset=utf-8"}
    # a byte-order mark, CRLF, a form feed inside a line: three lines, in place
    body = "\ufeff" + XIAMEN_USCC + "\r\n" + "9144\x0c0300MA5DC1TM0F\r\n" + LONELY + "\r\n"
    answer = web.client.post(url, content=body.encode(), headers=text)
    assert answer.status_code == 200, answer.text
    summary, *lines = [json.loads(line) for line in answer.text.splitlines()]
    assert summary["subjects"] == 3
    assert [x["outcome"] for x in lines] == ["deny", "invalid", "deny"]
    assert lines[1]["error"]["field"] == "lines.1"
    for content_type in ("application/json", "text/plain; charset=gbk", None):
        headers = {**web.as_role("airline")}
        if content_type:
            headers["content-type"] = content_type
        refused = web.client.post(url, content=json.dumps(XIAMEN_USCC), headers=headers)
        assert refused.status_code == 422, (content_type, refused.text)
        assert refused.json()["errors"][0]["field"] in ("content-type", "body"), content_type


def test_unknown_actions_are_refused_with_the_list(web: Web) -> None:
    response = web.client.post(
        "/api/screen",
        json={"subject": XIAMEN_USCC, "action": "speech.online"},
        headers=web.as_role("airline"),
    )
    assert response.status_code == 422 and "aviation.ticket" in response.json()["errors"][0]["fix"]


def test_name_screening_gives_candidates_never_a_deny(web: Web) -> None:
    for name in ("厦门鹭江海鲜", "厦门 鹭江 海鲜贸易有限责任公司"):
        body = web.client.post(
            "/api/screen/name",
            json={"name": name, "action": "aviation.ticket"},
            headers=web.as_role("airline"),
        ).json()
        assert body["outcome"] == "advise"
        top = body["candidates"][0]
        assert top["subject_id"] == XIAMEN_USCC and top["outcome_if_confirmed"] == "deny"
    latin = web.client.post(
        "/api/screen/name",
        json={"name": "Wang Xiuying", "action": "aviation.ticket"},
        headers=web.as_role("airline"),
    ).json()
    assert latin["candidates"][0]["subject_id"] == PERSON
    assert latin["candidates"][0]["matched_on"] == "pinyin"
    assert latin["candidates"][0]["code"] == "110105********002X"


def test_an_override_needs_a_deny_of_ones_own_agency_and_is_logged(web: Web) -> None:
    ok = web.client.post(
        "/api/screen/override",
        json={"subject": XIAMEN_USCC, "action": "aviation.ticket", "reason": "court-approved trip"},
        headers=web.as_role("airline"),
    )
    assert ok.status_code == 201 and ok.json()["measures"] == ["cn.m.no_flights"]
    nothing = web.client.post(
        "/api/screen/override",
        json={"subject": XIAMEN_USCC, "action": "procurement.bid", "reason": "not ours at all"},
        headers=web.as_role("airline"),
    )
    assert nothing.status_code == 422
    audit = web.get("/api/audit", "operator").json()["items"]
    assert any(
        e["action"] == "override" and e["detail"]["reason"] == "court-approved trip" for e in audit
    )


def test_dispatch_reaches_the_named_agencies_and_takes_feedback(web: Web) -> None:
    feed = web.get("/api/dispatch", "airline").json()
    subjects = {(n["subject_id"], n["event"]) for n in feed["items"]}
    assert subjects == {(XIAMEN_USCC, "entry"), (PERSON, "entry")}
    assert all(n["responder"] == "civil_aviation" for n in feed["items"])
    assert (
        web.get("/api/dispatch", "airline", params={"cursor": feed["next_cursor"]}).json()["items"]
        == []
    )
    notice = feed["items"][0]["notice_id"]
    assert web.client.post(f"/api/dispatch/{notice}/ack", headers=web.as_role("airline")).json()[
        "ok"
    ]
    missing_reason = web.client.post(
        f"/api/dispatch/{notice}/feedback",
        json={"outcome": "overridden"},
        headers=web.as_role("airline"),
    )
    assert missing_reason.status_code == 422
    answered = web.client.post(
        f"/api/dispatch/{notice}/feedback",
        json={"outcome": "applied"},
        headers=web.as_role("airline"),
    )
    assert answered.status_code == 200
    metrics = web.get("/api/dispatch/metrics", "operator").json()
    airline = metrics["responders"]["civil_aviation"]
    assert airline["notices"] == 2 and airline["answered"] == 1 and airline["coverage"] == 0.5


def test_a_lift_reaches_every_agency_that_received_the_entry(web: Web) -> None:
    from xinyong.sanctions.dispatch import dispatch

    platform = web.client.app.state.platform  # type: ignore[attr-defined]
    decide(web, "ZX-2", "revoked", instrument_number="（2026）京0105执复1号")
    # the next evaluation no longer has the entry; dispatch sends exits to all who held it
    from xinyong.evaluate import SqlEngine, evaluate_lists
    from xinyong.evaluate.run import materialise

    entries = evaluate_lists(SqlEngine(platform.engine), platform.pack, platform.today())
    evaluation = materialise(
        platform.engine,
        entries,
        as_of=platform.today(),
        pack=platform.pack,
        engine_name="sql",
        recorded_at=platform.now().replace(minute=5),  # a later run the same day
    )
    run = dispatch(platform.engine, platform.pack, evaluation, platform.today(), now=platform.now())
    with platform.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT responder, event FROM dispatch_notices WHERE subject_id = :s"),
            {"s": XIAMEN_USCC},
        ).all()
    entered = {r for r, e in rows if e == "entry"}
    exited = {r for r, e in rows if e == "exit"}
    # the lifts went out with the decision; the next full run finds nothing left to send
    assert entered and exited == entered and run.exits == 0
    again = dispatch(
        platform.engine, platform.pack, evaluation, platform.today(), now=platform.now()
    )
    assert (again.entries, again.exits, again.extensions) == (0, 0, 0)


def test_screening_reads_appear_in_the_subjects_access_log(web: Web) -> None:
    screen(web, XIAMEN_USCC, "aviation.ticket")
    web.client.app.state.platform.audit_batch.flush()  # type: ignore[attr-defined]
    log = web.get("/api/me/access-log", "company").json()["items"]
    assert [(e["action"], e["agency"], e["purpose"]) for e in log] == [
        ("screen", "civil_aviation", "joint_measures")
    ]


def test_the_portal_shows_a_subjects_measures_and_operators_see_coverage(web: Web) -> None:
    page = web.get(f"/api/subjects/{XIAMEN_USCC}").json()
    [membership] = page["lists"]
    measures = {m["measure"] for m in membership["measures"]}
    assert {"cn.m.no_flights", "cn.m.procurement_bar", "cn.m.credit_risk_pricing"} <= measures
    web.client.cookies.set("lang", "zh")
    html = web.client.get(f"/subjects/{XIAMEN_USCC}").text
    assert "限制乘坐飞机" in html and "民航局及航空公司" in html and "仅供参考" in html
    assert web.client.get("/dispatch").status_code == 401
    coverage = web.get("/dispatch", "operator", params={"format": "json"}).json()
    assert coverage["responders"]["civil_aviation"]["notices"] == 2
    assert "民航局及航空公司" in web.get("/dispatch", "operator").text


def test_a_newer_evaluation_is_indexed_in_the_background(web: Web) -> None:
    import time

    from xinyong.evaluate import SqlEngine, evaluate_lists
    from xinyong.evaluate.run import materialise

    platform = web.client.app.state.platform  # type: ignore[attr-defined]
    before = platform.screening()
    entries = evaluate_lists(SqlEngine(platform.engine), platform.pack, platform.today())
    newer = materialise(
        platform.engine,
        entries,
        as_of=platform.today(),
        pack=platform.pack,
        engine_name="sql",
        recorded_at=platform.now().replace(minute=7),
    )
    platform._evaluation = None  # as if the evaluation cache had expired
    assert screen(web, XIAMEN_USCC, "aviation.ticket")["outcome"] == "deny"  # served meanwhile
    deadline = time.monotonic() + 20
    while platform.screening().evaluation != newer and time.monotonic() < deadline:
        time.sleep(0.05)
    assert platform.screening() is not before and platform.screening().evaluation == newer
    assert screen(web, XIAMEN_USCC, "aviation.ticket")["outcome"] == "deny"


def test_a_decision_sends_the_lifts_at_once(web: Web) -> None:
    before = web.get("/api/dispatch", "airline").json()
    assert (
        decide(web, "ZX-2", "revoked", instrument_number="（2026）京0105执复1号").status_code == 201
    )
    after = web.get("/api/dispatch", "airline", params={"cursor": before["next_cursor"]}).json()
    assert [(n["subject_id"], n["event"]) for n in after["items"]] == [(XIAMEN_USCC, "exit")]
