"""The Spark engine for the evaluation tests: one local Spark session for the whole run.

Tests that take ``spark_engine_factory`` skip when PySpark or Java is missing, unless
``XINYONG_REQUIRE_SPARK=1`` (set by ``.ci/run``), which turns the skip into a failure, and a
run that executed no Spark test into a failed session (as for PostgreSQL;
``tests/required_runs.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.required_runs import SPARK_RUNS

SPARK_RUNS.arm()

SparkFactory = Callable[[Path], Any]


@pytest.fixture(scope="session")
def spark_engine_factory() -> Iterator[SparkFactory]:
    """``factory(snapshot_dir)``: a Spark engine over that snapshot; every engine shares one
    local Spark session (``local[2]``), started once and stopped at the end of the run."""
    from xinyong.evaluate.spark import SparkEngine, spark_session

    try:
        session = spark_session("local[2]", driver_memory="1g")
    except Exception as exc:  # no PySpark, no Java (ConfigError), or the JVM did not start
        if SPARK_RUNS.required:
            pytest.fail(f"XINYONG_REQUIRE_SPARK=1 but Spark cannot start: {exc}")
        pytest.skip(f"Spark tests need PySpark and Java 17 (uv sync --extra spark): {exc}")
    SPARK_RUNS.count()
    yield lambda snapshot: SparkEngine(snapshot, master="local[2]")
    session.stop()
