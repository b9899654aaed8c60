"""The screening index under concurrent checks and refreshes: a decision or a standing derived
from an older read of the ledger never replaces a newer one. Each race is forced: the older
derivation is held (a threading event) until the newer one has been applied."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import xinyong.sanctions.index as index_module
from tests.factories import XIAMEN_USCC
from tests.web.conftest import LONELY, Web
from tests.web.test_sanctions import decide

ACTION = "aviation.ticket"
HELD = "held-derivation"


def _held_after(real: Callable[..., Any], reached: threading.Event, go: threading.Event) -> Any:
    """``real``, but a call on the thread named ``HELD`` waits for ``go`` once it has its
    answer (the answer derived from the ledger as it stood when it read)."""

    def held(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if threading.current_thread().name == HELD:
            reached.set()
            assert go.wait(20), "the test never let the held derivation go on"
        return found

    return held


def _revoke_listing(web: Web) -> None:
    """The court revokes 厦门鹭江's listing through the API (which refreshes the index)."""
    revoked = decide(web, "ZX-2", "revoked", instrument_number="（2026）京0105执复1号")
    assert revoked.status_code == 201, revoked.text


def _run_held(target: Callable[[], Any], reached: threading.Event) -> tuple[threading.Thread, list]:
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(target()), name=HELD)
    thread.start()
    assert reached.wait(20), "the held derivation never started"
    return thread, results


def test_a_decision_from_the_old_standing_is_not_cached_over_a_refresh(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = web.client.app.state.platform.screening()  # type: ignore[attr-defined]
    reached, go = threading.Event(), threading.Event()
    monkeypatch.setattr(index_module, "decide", _held_after(index_module.decide, reached, go))
    # a check reads the standing (listed) and derives deny; meanwhile the listing is revoked
    thread, results = _run_held(lambda: index.check(XIAMEN_USCC, ACTION), reached)
    _revoke_listing(web)
    go.set()
    thread.join(20)
    [old] = results
    assert old.outcome == "deny"  # the answer of a check that began before the revocation
    assert index.check(XIAMEN_USCC, ACTION).outcome == "allow"  # but it is not remembered
    assert index.check(LONELY, ACTION).outcome == "allow"


def test_a_refresh_that_read_earlier_does_not_overwrite_a_later_one(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = web.client.app.state.platform.screening()  # type: ignore[attr-defined]
    index.stop()  # only the refreshes of this test run
    reached, go = threading.Event(), threading.Event()
    standing = index_module.st
    monkeypatch.setattr(
        standing, "derived_listings", _held_after(standing.derived_listings, reached, go)
    )
    # a refresh reads the listing while it stands, and is held before applying it
    thread, _ = _run_held(lambda: index.refresh([XIAMEN_USCC]), reached)
    _revoke_listing(web)  # the revocation's own refresh reads later and applies first
    assert index.check(XIAMEN_USCC, ACTION).outcome == "allow"
    go.set()
    thread.join(20)
    assert not thread.is_alive()
    assert index.check(XIAMEN_USCC, ACTION).outcome == "allow"
    assert index.outcome(XIAMEN_USCC, ACTION) == "allow"
    assert index.check(LONELY, ACTION).outcome == "allow"
