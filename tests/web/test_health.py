"""Probes that tell the truth, and metrics for the operator."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import POSTGRES_URL, database_url
from tests.web.conftest import Web, web_settings
from xinyong.ledger import make_engine, upgrade
from xinyong.web.app import create_app


def wait_warm(web: Web) -> None:
    for _ in range(200):
        if web.client.get("/api/health").json()["warm"]:
            return
        time.sleep(0.05)
    raise AssertionError("the aggregates never warmed")


def test_every_probe_answers_head_as_load_balancers_send_it(web: Web) -> None:
    wait_warm(web)
    for path in ("/", "/api/health", "/api/health/live", "/api/health/ready"):
        answer = web.client.head(path)
        assert (path, answer.status_code, answer.content) == (path, 200, b"")
    assert web.get("/api/health/ready").json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "caches": "ok"},
    }


def sample(text: str, series: str) -> float:
    """The value of one series in Prometheus text (0 when absent: counters start unseen)."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_template_and_screening_outcomes(web: Web) -> None:
    # counters are per process: compare before and after
    subject = 'xinyong_requests_total{method="GET",route="/api/subjects/{subject_id}",status="200"}'
    before = web.get("/metrics", role="operator").text
    assert web.get("/api/subjects/91350200776049653A").status_code == 200
    screened = web.client.post(
        "/api/screen",
        json={"subject": "91350200776049653A", "action": "aviation.ticket"},
        headers=web.as_role("airline"),
    )
    assert screened.status_code == 200, screened.text
    outcome = f'xinyong_screening_outcomes_total{{outcome="{screened.json()["outcome"]}"}}'
    fast = 'xinyong_request_duration_seconds_count{route="/api/screen"}'
    text = web.get("/metrics", role="operator").text
    for series in (subject, outcome, fast):
        assert sample(text, series) - sample(before, series) == 1.0, series
    for gauge in (
        'xinyong_deliveries{status="loaded"}',
        'xinyong_quarantine{status="open"}',
        "xinyong_dispatch_unacknowledged",
        "xinyong_dispatch_lag_seconds",
        "xinyong_screening_index_age_seconds",
    ):
        assert f"\n{gauge} " in text, gauge


@pytest.mark.parametrize("role", ["public", "samr", "airline", "company"])
def test_metrics_are_refused_to_everyone_but_the_operator_off_loopback(web: Web, role: str) -> None:
    assert web.get("/metrics", role=role).status_code == (401 if role == "public" else 403)


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def postgres_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    url = database_url(request, tmp_path)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = create_app(web_settings(url))
    with TestClient(app) as client:
        yield client
    app.state.platform.engine.dispose()


def test_readiness_fails_while_the_database_is_down_and_pages_say_503(
    postgres_app: TestClient,
) -> None:
    name = make_engine(POSTGRES_URL).url.database
    admin = make_engine(make_engine(POSTGRES_URL).url.set(database="postgres"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
            {"d": name},
        )
    try:
        down = postgres_app.get("/api/health/ready")
        assert down.status_code == 503
        assert down.json()["status"] == "not-ready"
        assert down.json()["checks"]["database"].startswith("unreachable")
        assert postgres_app.get("/api/health/live").status_code == 200
        page = postgres_app.get("/api/subjects/91350200776049653A")
        assert (page.status_code, page.json()["code"]) == (503, "database-unavailable")
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    for _ in range(100):
        if postgres_app.get("/api/health/ready").status_code == 200:
            break
        time.sleep(0.05)
    assert postgres_app.get("/api/health/ready").json()["checks"]["database"] == "ok"


def test_unmatched_paths_share_one_metrics_label(web: Web) -> None:
    for path in ("/no/such/page-1", "/no/such/page-2"):
        assert web.get(path).status_code == 404
    text = web.get("/metrics", role="operator").text
    assert "page-1" not in text and "page-2" not in text
    assert 'route="<unmatched>",status="404"' in text
