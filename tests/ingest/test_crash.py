"""Kill a real ingest process with SIGKILL mid-delivery; the rerun ends in the clean state.

The killed process runs the batch path (the default) on each format; the clean state it must
reach is the row path's (``IngestOptions(row_path=True)``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.ingest.helpers import convert
from xinyong.ingest import tables as it
from xinyong.ingest.service import IngestOptions, ingest_file
from xinyong.ledger import make_engine, upgrade
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack
from xinyong.synth import SynthConfig, write_delivery

KEY = "test-secret-for-pseudonyms"
BATCH = 250
#: the killed xlsx ingest commits every 25 rows: its 2,900 rows are over 100 commits, so it
#: cannot finish between two looks at the journal (at 250 it once did, on a fast machine)
XLSX_BATCH = 25


def _delivery(tmp_path_factory: pytest.TempPathFactory, cn_pack: Pack, subjects: int) -> Path:
    out = tmp_path_factory.mktemp("crash") / "delivery"
    write_delivery(SynthConfig(subjects=subjects, seed=99), cn_pack, out)
    return out / "records-samr.csv"


@pytest.fixture(scope="module")
def big_delivery(tmp_path_factory: pytest.TempPathFactory, cn_pack: Pack) -> Path:
    """About 6,800 records rows: killed after 4 batches of 250, most of it is still to do
    (dozens of commits, so the process cannot finish between two looks at the journal)."""
    return _delivery(tmp_path_factory, cn_pack, 12_000)


@pytest.fixture(scope="module")
def small_delivery(tmp_path_factory: pytest.TempPathFactory, cn_pack: Pack) -> Path:
    """About 2,900 records rows, for xlsx: a worksheet is read row by row by openpyxl
    (the count, the clean run and both killed runs), so the big file would take minutes;
    killed after 4 batches of ``XLSX_BATCH``, most of this one is still to do."""
    return _delivery(tmp_path_factory, cn_pack, 5_000)


def state(engine: sa.Engine) -> dict[str, object]:
    """Everything a delivery leaves behind, comparable across engines."""
    with engine.connect() as conn:
        journal = conn.execute(
            sa.select(
                it.deliveries.c.rows_total,
                it.deliveries.c.rows_done,
                it.deliveries.c.accepted,
                it.deliveries.c.duplicates,
                it.deliveries.c.quarantined,
                it.deliveries.c.status,
            )
        ).all()
        return {
            "journal": [tuple(r) for r in journal],
            "records": sorted(conn.execute(sa.select(lt.records.c.record_id)).scalars()),
            "subjects": sorted(conn.execute(sa.select(lt.subjects.c.subject_id)).scalars()),
            "quarantine": sorted(conn.execute(sa.select(it.quarantine.c.quarantine_id)).scalars()),
        }


def batch_of(path: Path) -> int:
    return XLSX_BATCH if path.suffix == ".xlsx" else BATCH


def run_ingest(url: str, path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env.update(XINYONG_DATABASE_URL=url, XINYONG_PSEUDONYM_KEY=KEY)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xinyong",
            "ingest",
            str(path),
            "--source",
            "samr",
            "--delivered-on",
            "2026-09-30",
            "--batch-size",
            str(batch_of(path)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def rows_done(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        done = conn.execute(sa.select(it.deliveries.c.rows_done)).scalar_one_or_none()
    return int(done or 0)


@pytest.fixture(scope="module", params=["csv", "jsonl", "parquet", "xlsx"])
def delivered(request: pytest.FixtureRequest, big_delivery: Path, small_delivery: Path) -> Path:
    if request.param == "csv":
        return big_delivery
    return convert(small_delivery if request.param == "xlsx" else big_delivery, request.param)


@pytest.fixture(scope="module")
def clean_state(
    tmp_path_factory: pytest.TempPathFactory, delivered: Path, cn_pack: Pack
) -> dict[str, object]:
    """What the row path leaves of the delivery in a clean run (once per format, for both
    databases)."""
    clean = make_engine(f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}")
    upgrade(clean)
    options = IngestOptions(
        key=KEY.encode(),
        delivered_on=date(2026, 9, 30),
        recorded_at=datetime(2026, 10, 1, tzinfo=UTC),
        batch_size=BATCH,
        row_path=True,
    )
    ingest_file(clean, cn_pack, delivered, source="samr", options=options)
    expected = state(clean)
    clean.dispose()
    return expected


def test_a_killed_ingest_reruns_to_the_clean_state(
    db_url: str, delivered: Path, clean_state: dict[str, object]
) -> None:
    big_delivery, expected = delivered, clean_state
    total = expected["journal"][0][0]  # type: ignore[index]

    engine = make_engine(db_url)
    upgrade(engine)
    process = run_ingest(db_url, big_delivery)
    deadline = time.monotonic() + 120
    while rows_done(engine) < 4 * batch_of(big_delivery) and process.poll() is None:
        assert time.monotonic() < deadline, "the ingest made no progress"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = rows_done(engine)
    assert process.returncode == -signal.SIGKILL
    assert 0 < killed_at < total, "the process finished before it could be killed"
    assert state(engine)["journal"][0][-1] == "loading"  # type: ignore[index]

    rerun = run_ingest(db_url, big_delivery)
    assert rerun.wait(timeout=300) == 0
    assert state(engine) == expected
    engine.dispose()
