"""Portal sessions are server-side and revocable: logout, a password change or disabling the
account ends every copy of the cookie at once; an unused session ends after the idle timeout.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from tests.factories import XIAMEN_USCC
from tests.web.conftest import NOW, PASSWORD, Clock, ScanningClient, Web, make_web
from xinyong.web.credentials import change_password, disable_account

OWN_FILE = f"/api/subjects/{XIAMEN_USCC}/file"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def portal(world_template: Path, tmp_path: Path, clock: Clock) -> Iterator[Web]:
    made = make_web(world_template, tmp_path, clock=clock)
    with made.client:
        yield made
    made.client.app.state.platform.engine.dispose()  # type: ignore[attr-defined]


def csrf(client: Any) -> str | None:
    form = client.get("/login")
    return form.cookies.get("csrftoken") or client.cookies.get("csrftoken")  # type: ignore[no-any-return]


def signed_in(web: Web, username: str = "company", password: str = PASSWORD) -> ScanningClient:
    """A fresh browser, signed in."""
    browser = ScanningClient(web.client.app)
    response = browser.post(
        "/login",
        data={"username": username, "password": password, "csrftoken": csrf(browser)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return browser


def copy_of(web: Web, browser: ScanningClient) -> ScanningClient:
    """Another client holding a copy of ``browser``'s session cookie."""
    thief = ScanningClient(web.client.app)
    thief.cookies.set("xinyong_session", browser.cookies["xinyong_session"])
    return thief


def log_out(browser: ScanningClient) -> None:
    response = browser.post("/logout", data={"csrftoken": csrf(browser)}, follow_redirects=False)
    assert response.status_code == 303


def sessions(web: Web) -> list[dict[str, Any]]:
    engine = sa.create_engine(web.url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM sessions ORDER BY created_at")).mappings()
        found = [dict(r) for r in rows]
    engine.dispose()
    return found


def test_a_cookie_copied_before_logout_is_refused_after_it(portal: Web) -> None:
    browser = signed_in(portal)
    thief = copy_of(portal, browser)
    assert thief.get(OWN_FILE).status_code == 200
    log_out(browser)
    assert thief.get(OWN_FILE).status_code == 401
    assert browser.get(OWN_FILE).status_code == 401
    [ended] = sessions(portal)
    assert ended["end_reason"] == "logout" and ended["ended_at"] is not None


def test_a_password_change_ends_every_session_of_the_account(portal: Web) -> None:
    laptop, phone = signed_in(portal), signed_in(portal)
    thief = copy_of(portal, laptop)
    other = signed_in(portal, "person")
    engine = sa.create_engine(portal.url)
    with engine.begin() as conn:
        assert change_password(conn, "company", "a new long passphrase", now=NOW) == 2
    engine.dispose()
    assert [c.get(OWN_FILE).status_code for c in (laptop, phone, thief)] == [401, 401, 401]
    assert other.get("/api/consents").status_code == 200  # another account's session lives
    assert signed_in(portal, password="a new long passphrase").get(OWN_FILE).status_code == 200
    reasons = [s["end_reason"] for s in sessions(portal) if s["username"] == "company"]
    assert reasons == ["password_changed", "password_changed", None]


def test_disabling_the_account_ends_its_sessions_on_the_platform(portal: Web) -> None:
    browser = signed_in(portal)
    engine = sa.create_engine(portal.url)
    with engine.begin() as conn:
        assert disable_account(conn, "company", now=NOW) == 1
    engine.dispose()
    assert browser.get(OWN_FILE).status_code == 401
    assert [s["end_reason"] for s in sessions(portal)] == ["account_disabled"]


def test_a_short_new_password_is_refused_and_nothing_changes(portal: Web) -> None:
    from xinyong.errors import InvalidData

    browser = signed_in(portal)
    engine = sa.create_engine(portal.url)
    with pytest.raises(InvalidData) as refused, engine.begin() as conn:
        change_password(conn, "company", "short", now=NOW)
    engine.dispose()
    assert refused.value.errors[0].field == "password"
    assert browser.get(OWN_FILE).status_code == 200
    assert signed_in(portal).get(OWN_FILE).status_code == 200


def test_an_unused_session_ends_after_the_idle_timeout(portal: Web, clock: Clock) -> None:
    browser = signed_in(portal)
    clock.at = NOW + timedelta(minutes=29)
    assert browser.get(OWN_FILE).status_code == 200  # used: the idle time starts again
    clock.at = NOW + timedelta(minutes=58)
    assert browser.get(OWN_FILE).status_code == 200
    clock.at = NOW + timedelta(minutes=88, seconds=1)
    assert browser.get(OWN_FILE).status_code == 401


def test_the_idle_timeout_is_a_setting(world_template: Path, tmp_path: Path, clock: Clock) -> None:
    web = make_web(world_template, tmp_path, clock=clock, session_idle_minutes=5)
    with web.client:
        browser = signed_in(web)
        clock.at = NOW + timedelta(minutes=5, seconds=1)
        assert browser.get(OWN_FILE).status_code == 401


def test_no_session_outlives_eight_hours_however_busy(portal: Web, clock: Clock) -> None:
    browser = signed_in(portal)
    for minutes in range(20, 8 * 60 + 1, 20):
        clock.at = NOW + timedelta(minutes=minutes)
        assert browser.get(OWN_FILE).status_code == 200, minutes
    clock.at = NOW + timedelta(hours=8, seconds=1)
    assert browser.get(OWN_FILE).status_code == 401


def session_id_of(browser: ScanningClient) -> str:
    payload = browser.cookies["xinyong_session"].split(".")[0]
    found: str = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))["sid"]
    return found


def test_only_a_hash_of_the_session_id_is_stored(portal: Web) -> None:
    session_id = session_id_of(signed_in(portal))
    [stored] = sessions(portal)
    assert stored["session_hash"] == hashlib.sha256(session_id.encode()).hexdigest()
    assert session_id not in json.dumps(stored, default=str)


def test_a_forged_account_cookie_is_anonymous_even_with_the_session_secret(portal: Web) -> None:
    """The old cookie named the account: whoever knew the secret could sign one for any
    account. Now a cookie must name a live server-side session."""
    secret = portal.settings.session_secret.get_secret_value()
    forged = TimestampSigner(secret).sign(
        base64.b64encode(json.dumps({"account": "operator"}).encode())
    )
    intruder = ScanningClient(portal.client.app)
    intruder.cookies.set("xinyong_session", forged.decode())
    assert intruder.get("/api/audit/verify").status_code == 401
    made_up = TimestampSigner(secret).sign(base64.b64encode(json.dumps({"sid": "x"}).encode()))
    intruder.cookies.set("xinyong_session", made_up.decode())
    assert intruder.get("/api/audit/verify").status_code == 401
    # the forgery is well formed: signed the same way, a live session's id is accepted
    live = session_id_of(signed_in(portal, "operator"))
    genuine = TimestampSigner(secret).sign(base64.b64encode(json.dumps({"sid": live}).encode()))
    intruder.cookies.set("xinyong_session", genuine.decode())
    assert intruder.get("/api/audit/verify").status_code == 200
