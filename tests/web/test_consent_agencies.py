"""A consent names a credit-service agency the platform knows: one it has given an account or
an API token in the credit-service role. Any other agency is refused and nothing recorded."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.web.conftest import NOW, Web
from xinyong.access import Role
from xinyong.web.credentials import issue_token


def grant(web: Web, agency: str) -> Any:
    return web.client.post(
        "/api/consents",
        json={"agency": agency, "expires_on": "2026-07-31"},
        headers=web.as_role("person"),
    )


def test_a_consent_to_an_unknown_agency_is_refused_naming_the_known_ones(web: Web) -> None:
    refused = grant(web, "another_bureau")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "unknown-agency"
    [error] = body["errors"]
    assert error["field"] == "agency"
    assert error["message"] == "is 'another_bureau', not a credit-service agency of this platform"
    assert error["fix"] == "give the code of one: credit_reference_centre"
    assert web.get("/api/consents", "person").json()["items"] == []


def test_an_agency_of_another_role_is_no_credit_service_agency(web: Web) -> None:
    """civil_aviation has an account, as a responding agency: it never reads under consent."""
    refused = grant(web, "civil_aviation")
    assert refused.json()["code"] == "unknown-agency"


def test_a_credit_service_agency_known_by_its_account_or_token_is_accepted(web: Web) -> None:
    assert grant(web, "credit_reference_centre").status_code == 201
    engine = sa.create_engine(web.url)
    with engine.begin() as conn:
        issue_token(
            conn, role=Role.CREDIT_SERVICE, label="a bureau", now=NOW, days=30, agency="baihang"
        )
    engine.dispose()
    assert grant(web, "baihang").status_code == 201
    agencies = {c["agency"] for c in web.get("/api/consents", "person").json()["items"]}
    assert agencies == {"credit_reference_centre", "baihang"}


def test_the_portal_form_refuses_an_unknown_agency(web: Web) -> None:
    from tests.web.test_sessions import signed_in

    browser = signed_in(web)
    token = browser.cookies.get("csrftoken")
    refused = browser.post(
        "/me/consents",
        data={"agency": "no_such_bureau", "expires_on": "2026-07-31", "csrftoken": token},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "not a credit-service agency of this platform" in refused.text
    assert web.get("/api/consents", "company").json()["items"] == []
