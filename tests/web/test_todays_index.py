"""Today's screening index (``web.screening.TodaysIndex``) across a day turn and a shutdown: a
check of the new day that finds yesterday's build still running waits for it, then for its
own; after shutdown no build starts and none is swapped in."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import xinyong.sanctions.standing as standing
from tests.web.conftest import AS_OF, make_web
from xinyong.errors import Unavailable
from xinyong.sanctions import ScreeningIndex


@pytest.fixture
def platform(world_template: Path, tmp_path: Path) -> Any:
    """The world's platform, without the server's start-up (no warming thread)."""
    found = make_web(world_template, tmp_path).client.app.state.platform  # type: ignore[attr-defined]
    yield found
    found.close()
    found.engine.dispose()


def test_a_new_days_check_waits_for_yesterdays_build_then_its_own(
    platform: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexes, evaluation = platform.indexes, platform.evaluation()
    reached, go = threading.Event(), threading.Event()
    real = standing.materialised_listings

    def held(conn: Any, pack: Any, evaluation: Any, day: Any) -> Any:
        if day == AS_OF:  # only yesterday's build is held
            reached.set()
            assert go.wait(30)
        return real(conn, pack, evaluation, day)

    monkeypatch.setattr(standing, "materialised_listings", held)
    with pytest.raises(Unavailable) as building:
        indexes.get(AS_OF, evaluation, wait=0)
    assert building.value.code == "screening-index-building" and reached.wait(10)
    tomorrow = AS_OF + timedelta(days=1)
    found: list[ScreeningIndex] = []
    check = threading.Thread(target=lambda: found.append(indexes.get(tomorrow, evaluation, 30)))
    check.start()
    go.set()  # yesterday's build ends; the waiting check starts today's and gets it
    check.join(30)
    [index] = found
    assert (index.day, index.evaluation) == (tomorrow, evaluation)
    assert indexes.index is index


def test_after_shutdown_no_build_starts(platform: Any) -> None:
    platform.close()
    with pytest.raises(Unavailable) as stopped:
        platform.indexes.get(AS_OF, platform.evaluation(), wait=5)
    assert stopped.value.code == "shutting-down"
    assert platform.indexes.index is None


def test_closing_waits_for_a_running_build_and_leaves_nothing_running(
    platform: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached, go = threading.Event(), threading.Event()
    real = standing.materialised_listings

    def held(conn: Any, pack: Any, evaluation: Any, day: Any) -> Any:
        reached.set()
        assert go.wait(30)
        return real(conn, pack, evaluation, day)

    monkeypatch.setattr(standing, "materialised_listings", held)
    before = set(threading.enumerate())
    with pytest.raises(Unavailable):
        platform.indexes.get(AS_OF, platform.evaluation(), wait=0)
    assert reached.wait(10)
    closing = threading.Thread(target=platform.close)
    closing.start()
    closing.join(0.5)
    assert closing.is_alive(), "close returned while the build still read the database"
    go.set()
    closing.join(30)
    assert not closing.is_alive()
    assert [t.name for t in threading.enumerate() if t not in before and t.is_alive()] == []
    assert platform.indexes.index is None  # the build ended after shutdown: not swapped in
