"""Nothing blocks the event loop: while a new day's screening index is being built (here held
until the test lets it go, as a national index's build takes minutes), a live server keeps
answering ``/api/health`` and the check waits for the build, or past
``screening_wait_seconds`` gets a 503 with ``Retry-After``. The build is held by an event,
not a clock: the tests assert what is answered while it is held, never how fast."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import xinyong.sanctions.standing as standing
from tests.factories import XIAMEN_USCC
from tests.web.conftest import Clock, Web, make_web, served

CHECK = {"subject": XIAMEN_USCC, "action": "aviation.ticket"}
#: seconds before a request that gets no answer counts as blocked (a failure, not a figure)
BLOCKED = 10.0


@dataclass
class Live:
    web: Web
    url: str
    #: set once a build has reached the held step; ``go`` lets it finish
    held: threading.Event
    go: threading.Event

    def screen(self) -> httpx.Response:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            return client.post("/api/screen", json=CHECK, headers=self.web.as_role("airline"))


@pytest.fixture
def live(world_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Live]:
    """A live server, warmed up (its first index built), whose next build is held at its read
    of the evaluation until ``go``; the day then turns, so the next check needs a new index."""
    clock = Clock()
    overrides = {"as_of": None, **getattr(request, "param", {})}
    web = make_web(world_template, tmp_path, clock=clock, **overrides)
    held, go = threading.Event(), threading.Event()
    with served(web.client.app) as url:
        deadline = time.monotonic() + 60
        while not httpx.get(url + "/api/health").json()["warm"]:
            assert time.monotonic() < deadline, "the platform never warmed up"
            time.sleep(0.05)
        real = standing.materialised_listings

        def holding(*args: Any, **kwargs: Any) -> Any:
            held.set()  # in whichever thread builds: never the event loop's
            assert go.wait(60), "the test never let the build go on"
            return real(*args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(standing, "materialised_listings", holding)
            clock.at += timedelta(days=1)
            try:
                yield Live(web, url, held, go)
            finally:
                go.set()  # a failing test never leaves a build (or the loop) held
    web.client.app.state.platform.engine.dispose()  # type: ignore[attr-defined]


def test_health_answers_while_the_index_is_built(live: Live) -> None:
    answers: list[httpx.Response] = []
    check = threading.Thread(target=lambda: answers.append(live.screen()))
    check.start()
    assert live.held.wait(BLOCKED), "the check started no build"
    with httpx.Client(base_url=live.url, timeout=BLOCKED) as client:
        for _ in range(20):  # a blocked loop would leave these unanswered: a ReadTimeout
            assert client.get("/api/health").status_code == 200
    assert check.is_alive() and not answers  # the check is still waiting for the build
    live.go.set()
    check.join(60)
    [answer] = answers
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] == "deny"


@pytest.mark.parametrize("live", [{"screening_wait_seconds": 0.5}], indirect=True)
def test_a_check_waits_a_bounded_time_for_a_new_days_index(live: Live) -> None:
    waiting = live.screen()
    assert live.held.is_set()
    assert waiting.status_code == 503, waiting.text
    assert waiting.headers["retry-after"] == "5"
    assert waiting.json()["code"] == "screening-index-building"
    live.go.set()
    deadline = time.monotonic() + 60
    while (answer := live.screen()).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert answer.status_code == 200 and answer.json()["outcome"] == "deny"
