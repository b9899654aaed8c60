"""Nothing blocks the event loop: while a new day's screening index is built (here held for a
few seconds, as a national index's build takes), ``/api/health`` keeps answering within 50 ms
at the 99th percentile on a live server, and a check waits for the build, or past
``screening_wait_seconds`` gets a 503 with ``Retry-After``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import xinyong.sanctions.standing as standing
from tests.factories import XIAMEN_USCC
from tests.web.conftest import Clock, Web, make_web, served

#: how long each build of the index is held
BUILD_SECONDS = 3.0
CHECK = {"subject": XIAMEN_USCC, "action": "aviation.ticket"}


@pytest.fixture
def live(world_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A live server, warmed up (its first index built), with the next builds held."""
    clock = Clock()
    overrides = {"as_of": None, **getattr(request, "param", {})}
    web = make_web(world_template, tmp_path, clock=clock, **overrides)
    with served(web.client.app) as url:
        deadline = time.monotonic() + 30
        while not httpx.get(url + "/api/health").json()["warm"]:
            assert time.monotonic() < deadline, "the platform never warmed up"
            time.sleep(0.05)
        real = standing.materialised_listings

        def held(*args: Any, **kwargs: Any) -> Any:
            time.sleep(BUILD_SECONDS)  # in whichever thread builds: never the event loop's
            return real(*args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(standing, "materialised_listings", held)
            clock.at += timedelta(days=1)  # a new day: its index is built at the first check
            yield web, url
    web.client.app.state.platform.engine.dispose()  # type: ignore[attr-defined]


def _screen(web: Web, url: str) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=60) as client:
        return client.post("/api/screen", json=CHECK, headers=web.as_role("airline"))


def test_health_answers_at_once_while_the_index_is_built(live: tuple[Web, str]) -> None:
    web, url = live
    answers: list[httpx.Response] = []
    check = threading.Thread(target=lambda: answers.append(_screen(web, url)))
    check.start()
    latencies = []
    with httpx.Client(base_url=url, timeout=60) as client:
        while check.is_alive():
            started = time.perf_counter()
            assert client.get("/api/health").status_code == 200
            latencies.append(time.perf_counter() - started)
            time.sleep(0.01)
    check.join()
    [answer] = answers
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] == "deny"
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    assert p99 < 0.050, f"/api/health p99 {p99 * 1000:.0f} ms during the build"
    # the check waited for the build the whole time health was probed
    assert len(latencies) > BUILD_SECONDS / 0.1, "the check did not wait for the build"


@pytest.mark.parametrize("live", [{"screening_wait_seconds": 0.5}], indirect=True)
def test_a_check_waits_a_bounded_time_for_a_new_days_index(live: tuple[Web, str]) -> None:
    web, url = live
    waiting = _screen(web, url)
    assert waiting.status_code == 503, waiting.text
    assert waiting.headers["retry-after"] == "5"
    assert waiting.json()["code"] == "screening-index-building"
    deadline = time.monotonic() + 30
    while (answer := _screen(web, url)).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert answer.status_code == 200 and answer.json()["outcome"] == "deny"
