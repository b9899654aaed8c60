"""Credit commitments: optional, recorded at once, withdrawable while pending, and a broken
or false commitment becomes a record through its catalogue item."""

from __future__ import annotations

from typing import Any

from tests.factories import XIAMEN_USCC
from tests.web.conftest import Web

MATTER = "cn.commitment.licence_notification"


def commit(web: Web, **body: Any) -> Any:
    return web.client.post(
        "/api/commitments", json={"matter": MATTER, **body}, headers=web.as_role("company")
    )


def performance(web: Web, commitment_id: str) -> list[str]:
    own = web.get(f"/api/subjects/{XIAMEN_USCC}/file", "company").json()
    return [
        r["attributes"]["performance"]
        for r in own["records"]
        if r["item_code"] == "commitment.made" and commitment_id in r["instrument_number"]
    ]


def test_a_commitment_is_recorded_at_once_in_the_templates_words(web: Web) -> None:
    matters = web.get("/api/commitments/matters").json()["items"]
    assert MATTER in {m["id"] for m in matters}
    made = commit(web)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["performance"] == "pending" and body["text"].startswith("本单位承诺")
    assert performance(web, body["commitment_id"]) == ["pending"]


def test_a_pending_commitment_can_be_withdrawn_once(web: Web) -> None:
    made = commit(web, text="我们承诺材料真实有效。").json()
    url = f"/api/commitments/{made['commitment_id']}/withdraw"
    assert web.client.post(url, headers=web.as_role("company")).json()["performance"] == "withdrawn"
    assert performance(web, made["commitment_id"]) == ["withdrawn"]  # the newest version stands
    again = web.client.post(url, headers=web.as_role("company"))
    assert again.status_code == 422 and again.json()["code"] == "commitment-completed"


def test_a_false_commitment_is_found_by_its_authority_and_stays_on_record(web: Web) -> None:
    made = commit(web).json()
    url = f"/api/commitments/{made['commitment_id']}/finding"
    wrong = web.client.post(url, json={"performance": "broken"}, headers=web.as_role("court"))
    assert wrong.status_code == 403
    found = web.client.post(
        url, json={"performance": "false_commitment"}, headers=web.as_role("samr")
    )
    assert found.status_code == 200 and found.json()["version"] == 2
    assert performance(web, made["commitment_id"]) == ["false_commitment"]
    withdraw = web.client.post(
        f"/api/commitments/{made['commitment_id']}/withdraw", headers=web.as_role("company")
    )
    assert withdraw.status_code == 422  # completed: too late to withdraw


def test_an_unknown_matter_is_refused_with_the_list(web: Web) -> None:
    refused = commit(web, matter="cn.commitment.none")
    assert refused.status_code == 422 and MATTER in refused.json()["errors"][0]["fix"]
