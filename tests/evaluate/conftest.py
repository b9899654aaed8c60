"""The Spark engine for the evaluation tests: one local Spark session for the whole run.

Tests that take ``spark_engine_factory`` skip when PySpark or Java is missing, unless
``XINYONG_REQUIRE_SPARK=1`` (set by ``.ci/run``), which turns the skip into a failure, and a
run that executed no Spark test into a failed session (as for PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REQUIRE_SPARK = os.environ.get("XINYONG_REQUIRE_SPARK") == "1"
_spark_tests_run = 0

SparkFactory = Callable[[Path], Any]


@pytest.fixture(scope="session")
def spark_engine_factory() -> Iterator[SparkFactory]:
    """``factory(snapshot_dir)``: a Spark engine over that snapshot; every engine shares one
    local Spark session (``local[2]``), started once and stopped at the end of the run."""
    from xinyong.evaluate.spark import SparkEngine, spark_session

    try:
        session = spark_session("local[2]", driver_memory="1g")
    except Exception as exc:  # no PySpark, no Java (ConfigError), or the JVM did not start
        if REQUIRE_SPARK:
            pytest.fail(f"XINYONG_REQUIRE_SPARK=1 but Spark cannot start: {exc}")
        pytest.skip(f"Spark tests need PySpark and Java 17 (uv sync --extra spark): {exc}")
    global _spark_tests_run
    _spark_tests_run += 1
    yield lambda snapshot: SparkEngine(snapshot, master="local[2]")
    session.stop()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if REQUIRE_SPARK and exitstatus == 0 and _spark_tests_run == 0:
        if session.config.option.collectonly or session.testscollected == 0:
            return
        print("\nXINYONG_REQUIRE_SPARK=1 but no Spark test ran")  # noqa: T201
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
