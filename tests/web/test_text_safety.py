"""The API refuses text the platform cannot store or show (422), and the subject's file
stays readable: nothing half-applied."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from tests.ingest.helpers import row
from tests.web.conftest import Web
from xinyong.ledger import tables as lt


def post_raw(web: Web, body: dict[str, Any]) -> Any:
    # json.dumps writes a lone surrogate as the escape \ud800, as a client's encoder would
    return web.client.post(
        "/api/records",
        content=json.dumps(body).encode("ascii"),
        headers={**web.as_role("samr"), "content-type": "application/json"},
    )


def test_a_record_holding_a_lone_surrogate_is_refused_with_the_field(web: Web) -> None:
    response = post_raw(web, row(source_record_id="API-SURROGATE", subject_name="厦门\ud800"))
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error == {
        "field": "subject_name",
        "message": "holds U+D800 (a lone surrogate, not a character) at position 3",
        "fix": "remove control characters (tab and line breaks are allowed)",
    }
    with sa.create_engine(web.url).connect() as conn:
        stored = conn.execute(
            sa.select(sa.func.count()).where(lt.records.c.source_record_id == "API-SURROGATE")
        ).scalar_one()
    assert stored == 0
    assert web.get("/api/subjects/91350200776049653A/file", "company").status_code == 200


def test_invisible_characters_in_an_instrument_number_and_a_field_name(web: Web) -> None:
    bidi = row(source_record_id="API-BIDI", instrument_number="厦市监罚\u202e〔2025〕42号")
    response = post_raw(web, bidi)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "instrument_number"
    odd = {**row(source_record_id="API-KEY"), "attributes.fine\ud800": "5"}
    named = post_raw(web, odd)
    assert named.status_code == 422, named.text
    assert named.json()["errors"][0]["field"] == "attributes.fine\\ud800"


def test_every_route_refuses_a_lone_surrogate_or_nul_at_the_door(web: Web) -> None:
    # an objection's statement is free text that never passes through the ingest rows
    response = web.client.post(
        "/api/objections",
        content=json.dumps({"target": "record", "statement": "不服\ud800"}).encode("ascii"),
        headers={**web.as_role("company"), "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "unsafe-text"
    assert response.json()["errors"][0]["field"] == "statement"
    search = web.get("/api/subjects", params={"q": "厦门\x00"})
    assert search.status_code == 422
    assert search.json()["errors"][0] == {
        "field": "query.q",
        "message": "holds U+0000 (a control character) at position 3",
        "fix": "remove control characters (tab and line breaks are allowed)",
    }
    # Chinese text, tabs and line breaks pass
    assert web.get("/api/subjects", params={"q": "厦门\t鹭江"}).status_code == 200


def test_a_json_body_under_another_json_media_type_is_checked_too(web: Web) -> None:
    # FastAPI parses application/*+json as JSON, so the guard must read it as JSON
    body = row(source_record_id="API-MERGE-PATCH", subject_name="厦门\ud800")
    response = web.client.post(
        "/api/records",
        content=json.dumps(body).encode("ascii"),
        headers={**web.as_role("samr"), "content-type": "application/merge-patch+json"},
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["subject_name"]
