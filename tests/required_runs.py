""" "These tests must run, not skip": a count of the tests of one kind (PostgreSQL, Spark) that
ran, checked when the session ends, also when pytest-xdist spreads the tests over workers.

A worker counts what it ran and hands the count to the controller in ``workeroutput``; the
controller adds the workers' counts as they go down and checks the total. The hooks are in
the top ``conftest.py``: the controller of a parallel run loads no other. A run that collected
no test (``--collect-only``, a selection matching nothing) is not failed, nor one whose
selection never loaded the tests of that kind (Spark: ``tests/evaluate``, which ``arm``s it).
"""

from __future__ import annotations

import os
from typing import Any

import pytest


class RequiredRuns:
    def __init__(self, kind: str, required: bool, setting: str, *, armed: bool = True) -> None:
        self.kind, self.required, self.setting, self.armed = kind, required, setting, armed
        self.ran = 0
        self.collected = 0

    def arm(self) -> None:
        self.armed = True

    def count(self) -> None:
        self.ran += 1

    def add_worker(self, node: Any) -> None:
        output = getattr(node, "workeroutput", {})
        self.ran += output.get(f"{self.kind}_ran", 0)
        self.armed = self.armed or output.get(f"{self.kind}_armed", False)
        self.collected += output.get("collected", 0)

    def finish(self, session: pytest.Session, exitstatus: int) -> None:
        workeroutput = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:  # a worker: the controller checks
            workeroutput[f"{self.kind}_ran"] = self.ran
            workeroutput[f"{self.kind}_armed"] = self.armed
            workeroutput["collected"] = session.testscollected
            return
        collected = self.collected or session.testscollected
        if not (self.required and self.armed) or exitstatus != 0 or self.ran > 0:
            return
        if session.config.option.collectonly or collected == 0:
            return
        print(f"\n{self.setting} but no {self.kind} test ran")  # noqa: T201
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


POSTGRES_RUNS = RequiredRuns(
    "PostgreSQL", os.environ.get("XINYONG_REQUIRE_POSTGRES") == "1", "XINYONG_REQUIRE_POSTGRES=1"
)
SPARK_RUNS = RequiredRuns(
    "Spark", os.environ.get("XINYONG_REQUIRE_SPARK") == "1", "XINYONG_REQUIRE_SPARK=1", armed=False
)
REQUIRED = (POSTGRES_RUNS, SPARK_RUNS)
