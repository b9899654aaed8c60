"""One clock for the platform: with its date pinned (``XINYONG_AS_OF``, as the demo runs),
every domain timestamp falls on the pinned date, though the real clock is months later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.web.conftest import AS_OF, PERSON, Web, make_web

#: the real clock, three weeks after the platform's pinned date (2026-06-30), while the
#: test tokens (issued 06-30 for 30 days) still live
REAL = datetime(2026, 7, 20, 9, 15, 7, tzinfo=UTC)


@pytest.fixture
def pinned(world_template: Path, tmp_path: Path) -> Iterator[Web]:
    made = make_web(world_template, tmp_path, clock=lambda: REAL)
    with made.client:
        yield made
    made.client.app.state.platform.engine.dispose()  # type: ignore[attr-defined]


def grant(web: Web, expires_on: str = "2026-07-31") -> dict[str, str]:
    granted = web.client.post(
        "/api/consents",
        json={"agency": "credit_reference_centre", "expires_on": expires_on},
        headers=web.as_role("person"),
    )
    assert granted.status_code == 201, granted.text
    found: dict[str, str] = granted.json()
    return found


def test_a_consent_granted_now_is_in_force_on_the_pinned_date(pinned: Web) -> None:
    granted = grant(pinned)
    assert granted["granted_at"] == "2026-06-30T09:15:07Z"
    [listed] = pinned.get("/api/consents", "person").json()["items"]
    assert listed["in_force"] is True
    read = pinned.get(f"/api/subjects/{PERSON}/file", "bank", params={"purpose": "credit_report"})
    assert read.status_code == 200, read.text


def test_the_platform_clock_is_the_pinned_date_at_the_real_time(pinned: Web) -> None:
    platform = pinned.client.app.state.platform  # type: ignore[attr-defined]
    assert platform.today() == AS_OF
    assert platform.now() == datetime(2026, 6, 30, 9, 15, 7, tzinfo=UTC)


def test_objections_are_filed_on_the_platforms_date(pinned: Web) -> None:
    filed = pinned.client.post(
        "/api/objections",
        json={
            "target_kind": "list_entry",
            "target": "cn.court.dishonest_debtors:court:ZX-2",
            "grounds": "the judgment was performed in full",
        },
        headers=pinned.as_role("company"),
    ).json()
    assert (filed["filed_on"], filed["filed_at"]) == ("2026-06-30", "2026-06-30T09:15:07Z")


def test_a_consent_based_read_names_its_consent_in_the_access_log(pinned: Web) -> None:
    consent_id = grant(pinned)["consent_id"]
    params = {"purpose": "credit_report"}
    assert pinned.get(f"/api/subjects/{PERSON}/file", "bank", params=params).status_code == 200
    assert pinned.get(f"/api/subjects/{PERSON}/explain", "bank", params=params).status_code == 200
    log = pinned.get("/api/me/access-log", "person").json()["items"]
    reads = [e for e in log if e["action"] in {"read_file", "explain"}]
    assert [(e["action"], e["agency"], e["purpose"], e["detail"]) for e in reads] == [
        ("read_file", "credit_reference_centre", "credit_report", {"consent_id": consent_id}),
        ("explain", "credit_reference_centre", "credit_report", {"consent_id": consent_id}),
    ]


def test_a_read_that_needs_no_consent_names_none(pinned: Web) -> None:
    params = {"purpose": "subject_access"}
    assert pinned.get(f"/api/subjects/{PERSON}/file", "person", params=params).status_code == 200
    log = pinned.get("/api/me/access-log", "person").json()["items"]
    [read] = [e for e in log if e["action"] == "read_file"]
    assert read["detail"] == {}
