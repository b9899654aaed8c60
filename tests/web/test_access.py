"""Who may do what: every API endpoint called as every role; purposes, consent, ownership,
tokens, sessions, CSRF, throttling and rate limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tests.factories import XIAMEN_USCC
from tests.ingest.helpers import row
from tests.web.conftest import NOW, PASSWORD, PERSON, Web, make_web
from xinyong.access import Role
from xinyong.web.credentials import issue_token, revoke_token

ROLES = ("public", "operator", "samr", "airline", "bank", "company")
EVERYONE = frozenset(ROLES)
FILE_READERS = frozenset({"operator", "airline", "bank", "company"})
#: (method, route) → roles allowed. Written out by hand: the policy, not read from the code.
MATRIX: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/api/health"): EVERYONE,
    ("GET", "/api/health/live"): EVERYONE,
    ("GET", "/api/health/ready"): EVERYONE,
    ("GET", "/metrics"): frozenset({"operator"}),
    ("GET", "/api/schemes"): EVERYONE,
    ("GET", "/api/catalogue"): EVERYONE,
    ("GET", "/api/catalogue/{code}"): EVERYONE,
    ("GET", "/api/subjects"): EVERYONE,
    ("GET", "/api/subjects/{subject_id}"): EVERYONE,
    ("GET", "/api/subjects/{subject_id}/file"): FILE_READERS,
    ("GET", "/api/subjects/{subject_id}/explain"): FILE_READERS,
    ("POST", "/api/records"): frozenset({"samr"}),
    ("GET", "/api/records/{record_id}"): frozenset({"operator", "samr", "company"}),
    ("GET", "/api/lists"): EVERYONE,
    ("GET", "/api/lists/{list_id}"): EVERYONE,
    ("GET", "/api/lists/{list_id}/entries"): EVERYONE,
    ("GET", "/api/grades"): EVERYONE,
    ("GET", "/api/publicity"): EVERYONE,
    ("GET", "/api/statistics"): EVERYONE,
    ("GET", "/api/consents"): frozenset({"company"}),
    ("POST", "/api/consents"): frozenset({"company"}),
    ("DELETE", "/api/consents/{consent_id}"): frozenset({"company"}),
    ("GET", "/api/me/access-log"): frozenset({"company"}),
    ("GET", "/api/audit"): frozenset({"operator"}),
    ("GET", "/api/audit/verify"): frozenset({"operator"}),
    # published so that copies are kept outside the node (404 here: no signing key set)
    ("GET", "/api/audit/checkpoints"): EVERYONE,
    ("GET", "/api/audit/key"): EVERYONE,
    ("POST", "/api/screen"): frozenset({"operator", "airline"}),
    ("POST", "/api/screen/bulk"): frozenset({"operator", "airline"}),
    ("POST", "/api/screen/lines"): frozenset({"operator", "airline"}),
    ("POST", "/api/screen/name"): frozenset({"operator", "airline"}),
    ("POST", "/api/screen/override"): frozenset({"airline"}),
    ("GET", "/api/dispatch"): frozenset({"airline"}),
    ("POST", "/api/dispatch/{notice_id}/ack"): frozenset({"airline"}),
    ("POST", "/api/dispatch/{notice_id}/feedback"): frozenset({"airline"}),
    ("GET", "/api/dispatch/metrics"): frozenset({"operator"}),
    ("POST", "/api/decisions"): frozenset({"samr"}),
    ("POST", "/api/objections"): frozenset({"company"}),
    ("GET", "/api/objections"): frozenset({"company", "samr", "operator"}),
    ("POST", "/api/objections/{objection_id}/extend"): frozenset({"samr"}),
    ("POST", "/api/objections/{objection_id}/decide"): frozenset({"samr"}),
    ("POST", "/api/repairs"): frozenset({"company"}),
    ("GET", "/api/repairs"): frozenset({"company", "samr", "operator"}),
    ("POST", "/api/repairs/{repair_id}/decide"): frozenset({"samr"}),
    ("POST", "/api/reports"): frozenset({"company", "bank"}),
    ("GET", "/api/notices/pending"): frozenset({"samr"}),
    ("GET", "/api/records/{record_id}/repair-notice"): frozenset({"samr"}),
    ("GET", "/api/commitments/matters"): EVERYONE,
    ("POST", "/api/commitments"): frozenset({"company"}),
    ("POST", "/api/commitments/{commitment_id}/withdraw"): frozenset({"company"}),
    ("POST", "/api/commitments/{commitment_id}/finding"): frozenset({"samr"}),
    ("POST", "/api/objections/{objection_id}/evidence"): frozenset({"company"}),
    ("POST", "/api/repairs/{repair_id}/evidence"): frozenset({"company"}),
    ("GET", "/api/evidence/{evidence_id}"): frozenset({"company", "samr", "operator"}),
    ("GET", "/api/grade-notices/pending"): frozenset({"samr"}),
    ("POST", "/api/grade-notices"): frozenset({"samr"}),
    ("POST", "/api/objections/{objection_id}/check"): frozenset({"operator"}),
}
PURPOSE = {
    "operator": "supervision",
    "samr": "record_maintenance",
    "airline": "administrative_licensing",
    "bank": "credit_report",
    "company": None,
    "public": None,
}


def penalty_id(web: Web) -> str:
    engine = sa.create_engine(web.url)
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT record_id FROM records WHERE source_record_id = '1'"
        ).scalar_one()
    engine.dispose()
    return str(found)


def call(web: Web, method: str, route: str, role: str, record_id: str) -> Any:
    path = (
        route.replace("{subject_id}", XIAMEN_USCC)
        .replace("{code}", "market.penalty")
        .replace("{list_id}", "cn.court.dishonest_debtors")
        .replace("{record_id}", record_id)
        .replace("{consent_id}", "0123456789abcdef")
        .replace("{notice_id}", "0" * 32)
        .replace("{objection_id}", "0123456789abcdef")
        .replace("{repair_id}", "0123456789abcdef")
        .replace("{commitment_id}", "0123456789abcdef")
        .replace("{evidence_id}", "0123456789abcdef")
    )
    params: dict[str, str] = {}
    if route == "/api/subjects":
        params["q"] = "厦门"
    if PURPOSE[role] and route.endswith(("/file", "/explain", "{record_id}")):
        params["purpose"] = PURPOSE[role]
    body: Any = None
    if route == "/api/records":
        body = row(
            source_record_id="MATRIX-1",
            decided_on="2026-06-01",
            instrument_date="2026-06-01",
            published_on="2026-06-02",
        )
    elif route == "/api/consents":
        body = {"agency": "credit_reference_centre", "expires_on": "2026-12-31"}
    elif route == "/api/screen/lines":
        lines = {**web.as_role(role), "content-type": "text/plain"}
        params = {"action": "aviation.ticket"}
        return web.client.request(method, path, params=params, content=XIAMEN_USCC, headers=lines)
    elif route.startswith("/api/screen"):
        body = {
            "subject": XIAMEN_USCC,
            "subjects": [XIAMEN_USCC],
            "name": "厦门鹭江",
            "action": "aviation.ticket",
            "reason": "medical evacuation flight",
        }
    elif route.endswith("/feedback"):
        body = {"outcome": "applied"}
    elif route == "/api/objections" and method == "POST":
        body = {
            "target_kind": "record",
            "target": record_id,
            "grounds": "the fine was paid in full",
        }
    elif route == "/api/commitments":
        body = {"matter": "cn.commitment.licence_notification"}
    elif route.endswith("/finding"):
        body = {"performance": "kept"}
    elif route == "/api/reports":
        body = {"subject": XIAMEN_USCC}
    elif route == "/api/repairs" and method == "POST":
        body = {
            "record_id": record_id,
            "corrective_action": "the advertisement was withdrawn and the fine paid",
            "evidence": ["payment receipt 2026-03-20"],
            "commitment": "we will not publish false advertising again",
        }
    elif route.startswith("/api/repairs/"):
        body = {"outcome": "refused", "reasons": "the minimum period has not elapsed"}
    elif route.endswith("/check"):
        body = {"note": "concerns a record on the platform"}
    elif route.endswith("/extend"):
        body = {"reason": "the case file is with the court"}
    elif route.endswith("/decide"):
        body = {"outcome": "kept", "reasons": "the penalty decision stands as issued"}
    elif route == "/api/grade-notices":
        body = {"subject": XIAMEN_USCC, "scheme_id": "cn.no_such_scheme"}
    elif route.endswith("/evidence"):
        upload = {"file": ("receipt.pdf", b"%PDF-1.4 receipt", "application/pdf")}
        return web.client.request(method, path, files=upload, headers=web.as_role(role))
    elif route == "/api/decisions":
        body = {
            "source_record_id": "1",
            "decision": "notice_served",
            "effective_on": "2026-06-01",
            "instrument_number": "厦市监告〔2026〕1号",
        }
    return web.client.request(method, path, params=params, json=body, headers=web.as_role(role))


def test_every_endpoint_as_every_role(web: Web) -> None:
    web.client.app.state.platform.warm()  # type: ignore[attr-defined]  # or ready says 503
    spec = web.client.get("/api/openapi.json").json()
    routes = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert routes == set(MATRIX), "every API route needs a line in the authorisation matrix"
    record_id = penalty_id(web)
    for (method, route), allowed in MATRIX.items():
        for role in ROLES:
            response = call(web, method, route, role, record_id)
            denied = response.status_code in (401, 403)
            assert denied == (role not in allowed), (method, route, role, response.text[:300])
            assert response.status_code < 500, (method, route, role, response.text[:300])
            if denied:
                expected = 401 if role == "public" else 403
                assert response.status_code == expected, (method, route, role)


def test_portal_pages_are_public_and_never_show_non_public_data(web: Web) -> None:
    for path in ("/", "/lists", "/statistics", "/publicity", "/catalogue", "/schemes"):
        assert web.client.get(path).status_code == 200
    page = web.client.get(f"/subjects/{XIAMEN_USCC}").text
    assert "纳税缴费信用" not in page  # a shared item of another subject, for good measure


def test_reading_non_public_data_needs_a_purpose_from_the_list(web: Web) -> None:
    path = f"/api/subjects/{XIAMEN_USCC}/file"
    missing = web.get(path, "airline")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "purpose"
    unknown = web.get(path, "airline", params={"purpose": "curiosity"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-purpose"
    other_roles = web.get(path, "airline", params={"purpose": "credit_report"})
    assert other_roles.status_code == 403 and other_roles.json()["code"] == "purpose-forbidden"
    ok = web.get(path, "airline", params={"purpose": "public_procurement"})
    assert ok.status_code == 200
    assert {r["item_code"] for r in ok.json()["records"]} == {
        "market.penalty",
        "court.dishonest_debtor",
    }


def test_a_credit_service_needs_the_persons_consent_until_it_is_revoked(web: Web) -> None:
    path = f"/api/subjects/{PERSON}/file"
    params = {"purpose": "credit_report"}
    refused = web.get(path, "bank", params=params)
    assert refused.status_code == 403 and refused.json()["code"] == "consent-required"
    granted = web.client.post(
        "/api/consents",
        json={"agency": "credit_reference_centre", "expires_on": "2026-07-31"},
        headers=web.as_role("person"),
    )
    assert granted.status_code == 201
    read = web.get(path, "bank", params=params)
    assert read.status_code == 200
    # the penalty on the individual is in the file, not on the public page
    assert "market.penalty" in {r["item_code"] for r in read.json()["records"]}
    consent_id = granted.json()["consent_id"]
    revoked = web.client.delete(f"/api/consents/{consent_id}", headers=web.as_role("person"))
    assert revoked.status_code == 200
    assert web.get(path, "bank", params=params).status_code == 403


def test_a_consent_of_another_agency_does_not_count(web: Web) -> None:
    web.client.post(
        "/api/consents",
        json={"agency": "another_bureau", "expires_on": "2026-07-31"},
        headers=web.as_role("person"),
    )
    path = f"/api/subjects/{PERSON}/file"
    assert web.get(path, "bank", params={"purpose": "credit_report"}).status_code == 403


def test_a_subject_sees_only_itself(web: Web) -> None:
    assert web.get(f"/api/subjects/{XIAMEN_USCC}/file", "company").status_code == 200
    other = web.get(f"/api/subjects/{PERSON}/file", "company")
    assert other.status_code == 403 and other.json()["code"] == "not-own-file"


def test_a_source_agency_reads_only_its_own_records(web: Web) -> None:
    engine = sa.create_engine(web.url)
    with engine.connect() as conn:
        court_record = conn.exec_driver_sql(
            "SELECT record_id FROM records WHERE source_agency = 'court' LIMIT 1"
        ).scalar_one()
    engine.dispose()
    params = {"purpose": "record_maintenance"}
    assert web.get(f"/api/records/{penalty_id(web)}", "samr", params=params).status_code == 200
    refused = web.get(f"/api/records/{court_record}", "samr", params=params)
    assert refused.status_code == 403 and refused.json()["code"] == "not-own-record"


def test_submitting_a_record_validates_it_and_applies_nothing_when_invalid(web: Web) -> None:
    headers = web.as_role("samr")
    good = row(source_record_id="API-1", published_on="2025-03-20")
    created = web.client.post("/api/records", json=good, headers=headers)
    assert created.status_code == 201 and created.json()["new"] is True
    again = web.client.post("/api/records", json=good, headers=headers)
    assert again.json() == {**created.json(), "new": False}
    bad = row(source_record_id="API-2", severity="apocalyptic", decided_on="2031-01-01")
    refused = web.client.post("/api/records", json=bad, headers=headers)
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"severity", "decided_on"} <= fields
    engine = sa.create_engine(web.url)
    with engine.connect() as conn:
        stored = (
            conn.exec_driver_sql(
                "SELECT source_record_id FROM records WHERE source_record_id LIKE 'API-%'"
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert stored == ["API-1"]


def test_a_token_scoped_to_items_may_submit_only_those(web: Web) -> None:
    engine = sa.create_engine(web.url)
    with engine.begin() as conn:
        scoped = issue_token(
            conn,
            role=Role.SOURCE_AGENCY,
            label="licences only",
            now=NOW,
            days=1,
            agency="samr",
            items=["admin.licence"],
        )
    engine.dispose()
    response = web.client.post(
        "/api/records",
        json=row(source_record_id="API-3"),
        headers={"authorization": f"Bearer {scoped.token}"},
    )
    assert response.status_code == 403 and response.json()["code"] == "item-not-in-scope"


def test_revoked_expired_and_forged_tokens_are_refused(web: Web) -> None:
    token = web.tokens["operator"]
    path = "/api/audit/verify"
    assert web.client.get(path, headers={"authorization": f"Bearer {token}"}).status_code == 200
    forged = token[:-4] + "AAAA"
    assert web.client.get(path, headers={"authorization": f"Bearer {forged}"}).status_code == 401
    engine = sa.create_engine(web.url)
    with engine.begin() as conn:
        revoke_token(conn, token.split("_")[1], now=NOW)
    engine.dispose()
    refused = web.client.get(path, headers={"authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and refused.json()["code"] == "bad-token"


def test_a_token_stops_working_when_it_expires(world_template: Path, tmp_path: Path) -> None:
    later = make_web(world_template, tmp_path)
    later.client.app.state.platform.clock = lambda: datetime(2026, 8, 1, tzinfo=UTC)  # type: ignore[attr-defined]
    with later.client:
        assert later.get("/api/audit/verify", "operator").status_code == 401


def login(web: Web, username: str, password: str) -> Any:
    form = web.client.get("/login")
    token = form.cookies.get("csrftoken") or web.client.cookies.get("csrftoken")
    return web.client.post(
        "/login",
        data={"username": username, "password": password, "csrftoken": token},
        follow_redirects=False,
    )


def test_portal_login_gives_a_session_that_acts_as_the_account(web: Web) -> None:
    response = login(web, "company", PASSWORD)
    assert response.status_code == 303
    assert "httponly" in response.headers["set-cookie"].lower()
    own = web.client.get(f"/api/subjects/{XIAMEN_USCC}/file")
    assert own.status_code == 200
    assert "account:company" in web.client.get("/").text


def test_a_disabled_account_loses_its_session_at_once(web: Web) -> None:
    from xinyong.web.credentials import disable_account

    assert login(web, "company", PASSWORD).status_code == 303
    assert web.client.get(f"/api/subjects/{XIAMEN_USCC}/file").status_code == 200
    engine = sa.create_engine(web.url)
    with engine.begin() as conn:
        disable_account(conn, "company", now=NOW)
    engine.dispose()
    assert web.client.get(f"/api/subjects/{XIAMEN_USCC}/file").status_code == 401
    assert login(web, "company", PASSWORD).status_code == 401


def test_a_form_post_without_the_csrf_token_is_refused(web: Web) -> None:
    web.client.get("/login")
    response = web.client.post(
        "/login", data={"username": "company", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403 and response.json()["code"] == "csrf-failed"
    no_cookie = type(web.client)(web.client.app)
    blind = no_cookie.post("/login", data={"username": "company", "password": PASSWORD})
    assert blind.status_code == 403


def test_failed_logins_are_throttled(web: Web) -> None:
    statuses = [login(web, "company", "wrong password").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    # the right password does not get through while throttled
    assert login(web, "company", PASSWORD).status_code == 429


def test_requests_over_the_rate_limit_get_429_with_retry_after(
    world_template: Path, tmp_path: Path
) -> None:
    limited = make_web(world_template, tmp_path, api_rate_limit="3/minute")
    with limited.client:
        statuses = [limited.get("/api/lists", "airline").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = limited.get("/api/lists", "airline")
        assert response.json()["code"] == "rate-limited" and "retry-after" in response.headers
        # another token has its own allowance
        assert limited.get("/api/lists", "operator").status_code == 200


def test_the_audit_log_records_non_public_reads_and_the_subject_sees_them(web: Web) -> None:
    web.get(f"/api/subjects/{XIAMEN_USCC}", "airline")  # public: not logged
    web.get(f"/api/subjects/{XIAMEN_USCC}/file", "airline", params={"purpose": "supervision"})
    log = web.get("/api/me/access-log", "company").json()["items"]
    assert [(e["actor"], e["action"], e["purpose"], e["agency"]) for e in log] == [
        (
            f"token:{web.tokens['airline'].split('_')[1]}",
            "read_file",
            "supervision",
            "civil_aviation",
        )
    ]
    assert web.get("/api/audit/verify", "operator").json()["ok"] is True


def test_hostile_input_in_every_text_field_never_breaks_the_platform(web: Web) -> None:
    hostile = [
        "' OR 1=1 --",
        '"; DROP TABLE records; --',
        "<script>alert(1)</script>",
        "%00%ff",
        "\x00",
        "𠀀" * 90,
        "a" * 5000,
        "../../etc/passwd",
        "{{7*7}}",
    ]
    queries = [
        ("/search", "q"),
        ("/publicity", "agency"),
        ("/api/subjects", "q"),
        ("/api/publicity", "sector"),
        (f"/api/subjects/{XIAMEN_USCC}/file", "purpose"),
    ]
    paths = [
        "/subjects/{}",
        "/lists/{}",
        "/catalogue/{}",
        "/api/catalogue/{}",
        "/api/lists/{}",
        "/api/subjects/{}",
        "/api/records/{}",
    ]
    for text in hostile:
        calls = [(path, {name: text}) for path, name in queries]
        calls += [(template.format(quote(text, safe="")), {}) for template in paths]
        for template, params in calls:
            response = web.client.get(template, params=params, headers=web.as_role("operator"))
            assert response.status_code < 500, (template, text)
            if response.headers["content-type"].startswith("text/html"):
                assert "<script>alert(1)</script>" not in response.text, (template, text)
        submitted = web.client.post(
            "/api/records",
            json=row(source_record_id=text[:100], subject_name=text),
            headers=web.as_role("samr"),
        )
        assert submitted.status_code < 500, text


def test_undecodable_oversized_and_malformed_bodies_are_clean_4xx(web: Web) -> None:
    web.client.get("/login")  # a CSRF cookie, so the form body is parsed
    undecodable = web.client.post(
        "/login",
        content=b"username=\xff\xfe&password=x&csrftoken=\xff",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert undecodable.status_code == 400
    no_boundary = web.client.post(
        "/login", content=b"x", headers={"content-type": "multipart/form-data"}
    )
    assert 400 <= no_boundary.status_code < 500
    huge = web.client.post(
        "/api/records", content=b"{" + b" " * 2_000_000 + b"}", headers=web.as_role("samr")
    )
    assert huge.status_code == 413 and huge.json()["code"] == "body-too-large"
    not_json = web.client.post(
        "/api/records",
        content=b"\xff\xfe not json",
        headers={**web.as_role("samr"), "content-type": "application/json"},
    )
    assert not_json.status_code in (400, 422)


def test_invalid_utf8_in_urls_is_a_normal_answer_or_a_clean_4xx(web: Web) -> None:
    for url in (
        "/search?q=%ff%fe",
        "/api/subjects?q=%ff",
        "/subjects/%ff%fe",
        "/api/subjects/%C0%AF",
        "/publicity?agency=%ff&region=%ff",
        "/api/catalogue/%ff%00",
    ):
        assert web.client.get(url).status_code < 500, url


def test_security_headers_are_on_every_page(web: Web) -> None:
    headers = web.client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("role", ["operator", "company"])
def test_explanations_match_the_cli(web: Web, role: str) -> None:
    params = {"purpose": "supervision"} if role == "operator" else {}
    found = web.get(f"/api/subjects/{XIAMEN_USCC}/explain", role, params=params).json()
    [entry] = [e for e in found["lists"] if e["list_id"] == "cn.court.dishonest_debtors"]
    assert entry["status"] == "active" and entry["explanation"]["legal_basis"]
    assert json.dumps(found, ensure_ascii=False).count("厦门鹭江") == 0  # ids, not names
    assert date.fromisoformat(found["as_of"]) == date(2026, 6, 30)


def test_a_subject_grants_and_revokes_consent_from_its_own_page(web: Web) -> None:
    assert login(web, "company", PASSWORD).status_code == 303
    page = web.client.get("/me")
    assert page.status_code == 200 and 'class="login consent-form"' in page.text
    token = web.client.cookies.get("csrftoken")
    granted = web.client.post(
        "/me/consents",
        data={"agency": "credit_reference_centre", "expires_on": "2026-12-31", "csrftoken": token},
        follow_redirects=False,
    )
    assert granted.status_code == 303
    [consent] = web.get("/api/consents", "company").json()["items"]
    assert consent["in_force"] is True
    revoked = web.client.post(
        f"/me/consents/{consent['consent_id']}/revoke",
        data={"csrftoken": token},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert web.get("/api/consents", "company").json()["items"][0]["in_force"] is False
    forged = web.client.post(
        "/me/consents",
        data={"agency": "someone_else", "expires_on": "2026-12-31"},
        follow_redirects=False,
    )
    assert forged.status_code == 403  # no CSRF token


def test_the_evidence_form_checks_its_csrf_token(web: Web) -> None:
    from tests.web.test_evidence import PDF, open_objection

    objection = open_objection(web)
    assert login(web, "company", PASSWORD).status_code == 303
    web.client.get("/me")
    token = web.client.cookies.get("csrftoken")
    path = f"/me/objections/{objection}/evidence"
    upload = {"file": ("receipt.pdf", PDF, "application/pdf")}
    for forged in ({}, {"csrftoken": "not-the-token"}):
        refused = web.client.post(path, data=forged, files=upload, follow_redirects=False)
        assert refused.status_code == 403 and "CSRF" in refused.text
    stored = web.client.post(path, data={"csrftoken": token}, files=upload, follow_redirects=False)
    assert stored.status_code == 303
    [listed] = web.get("/api/objections", "company").json()["items"]
    assert [f["filename"] for f in listed["evidence_files"]] == ["receipt.pdf"]


def test_an_api_upload_with_the_session_cookie_needs_the_csrf_token(web: Web) -> None:
    # it once reached asgi-csrf's multipart parser, which fails (a 500) on this python-multipart
    from tests.web.test_evidence import PDF, open_objection

    objection = open_objection(web)
    assert login(web, "company", PASSWORD).status_code == 303
    web.client.get("/me")
    token = web.client.cookies.get("csrftoken")
    path = f"/api/objections/{objection}/evidence"
    upload = {"file": ("receipt.pdf", PDF, "application/pdf")}
    for forged in ({}, {"x-csrftoken": "not-the-token"}):
        refused = web.client.post(path, files=upload, headers=forged)
        assert (refused.status_code, refused.json()["code"]) == (403, "csrf-failed")
    not_ascii = web.client.post(path, files=upload, data={"csrftoken": "令牌"})
    assert (not_ascii.status_code, not_ascii.json()["code"]) == (403, "csrf-failed")
    stored = web.client.post(path, files=upload, headers={"x-csrftoken": token})
    assert stored.status_code == 201, stored.text
    by_field = web.client.post(path, files=upload, data={"csrftoken": token})
    assert by_field.status_code == 201, by_field.text


def test_a_multipart_form_elsewhere_is_refused_before_it_could_skip_the_csrf_check(
    web: Web,
) -> None:
    files = {"unused": ("a.txt", b"x", "text/plain")}  # makes the body multipart
    # /login is CSRF-protected without cookies too: a multipart login never reaches the parser
    login_form = {"username": "company", "password": PASSWORD}
    refused = web.client.post("/login", data=login_form, files=files, follow_redirects=False)
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf-failed")
    assert login(web, "company", PASSWORD).status_code == 303
    web.client.get("/me")
    token = web.client.cookies.get("csrftoken")
    consent = {"agency": "credit_reference_centre", "expires_on": "2026-12-31", "csrftoken": token}
    for path, data in (("/me/consents", consent), ("/api/objections", {})):
        refused = web.client.post(path, data=data, files=files, follow_redirects=False)
        assert (refused.status_code, refused.json()["code"]) == (403, "csrf-failed"), path
    assert web.get("/api/consents", "company").json()["items"] == []
