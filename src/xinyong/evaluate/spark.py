"""Spark over a Parquet snapshot: the same compiled queries, on one machine or a cluster.

PySpark is the optional extra ``xinyong[spark]`` (``uv sync --extra spark``) and needs Java 17.
In local mode (``local[N]``) the engine starts its own session; under ``spark-submit`` it
joins the session the cluster provides (``master=None``) and the snapshot may be any path
Spark reads, e.g. ``s3a://bucket/snapshot`` (docs/scale.md). Casts stay strict (ANSI, the
Spark 4 default): the queries carry their own safe casts (``casts.py``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlglot import exp

from ..errors import ConfigError
from .criteria import Dialect, to_sql
from .engines import SNAPSHOT_TABLES, normalise, snapshot_sources

INSTALL = (
    "install it with `uv sync --extra spark` (or `pip install 'xinyong[spark]'`) and Java 17 "
    "(Debian: `apt-get install openjdk-17-jre-headless`)"
)


def _pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError:
        raise ConfigError(
            f"--engine spark needs PySpark: {INSTALL}", code="spark-missing"
        ) from None
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise ConfigError(
            f"--engine spark needs Java, found neither JAVA_HOME nor `java`: {INSTALL}",
            code="java-missing",
        )
    return pyspark.sql


def spark_session(master: str | None, *, driver_memory: str = "1g") -> Any:
    """The Spark session: started locally on ``master`` (e.g. ``local[2]``), or the running
    one (``master=None``, under spark-submit). The UI is off and the session clock is UTC."""
    sql = _pyspark()
    builder = sql.SparkSession.builder.appName("xinyong")
    if master is not None:
        builder = (
            builder.master(master)
            .config("spark.driver.memory", driver_memory)
            .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
        )
    session = (
        builder.config("spark.sql.session.timeZone", "UTC")
        # partition values are strings: province '01' is not the number 1
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _sources(snapshot: str) -> dict[str, str]:
    """Each table's path in the snapshot (a local directory is checked; other URLs not)."""
    if "://" in snapshot:  # object storage: the layout export_snapshot writes
        root_url = snapshot.rstrip("/")
        return {
            table: f"{root_url}/{table}" + ("" if table == "records" else ".parquet")
            for table in SNAPSHOT_TABLES
        }
    return {
        table: str(path.resolve()) for table, (path, _) in snapshot_sources(Path(snapshot)).items()
    }


class SparkEngine:
    """Spark SQL over a snapshot written by ``export_snapshot``.

    Each engine has its own temp views (a ``newSession`` of a shared Spark context), so two
    engines over two snapshots in one process do not see each other's tables.
    """

    name = "spark"
    dialect: Dialect = "spark"

    def __init__(
        self, snapshot: Path | str, *, master: str | None = "local[2]", driver_memory: str = "1g"
    ) -> None:
        sources = _sources(str(snapshot))
        self.session = spark_session(master, driver_memory=driver_memory).newSession()
        for table, path in sources.items():
            reader = self.session.read
            if not path.endswith(".parquet"):  # a hive-partitioned dataset
                reader = reader.option("basePath", path)
            reader.parquet(path).createOrReplaceTempView(table)

    def rows(self, query: exp.Expr) -> list[dict[str, Any]]:
        table = self.session.sql(to_sql(query, self.dialect)).toArrow()
        return [normalise(r) for r in table.to_pylist()]

    def register(self, name: str, table: pa.Table) -> None:
        """Make ``table`` queryable as ``name`` by later ``rows`` calls (replacing it)."""
        self.session.createDataFrame(table).createOrReplaceTempView(name)
