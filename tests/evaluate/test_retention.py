"""Stored evaluations: superseded runs and dates outside the retention period are pruned."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from xinyong.errors import ConflictError
from xinyong.evaluate.retention import evaluation_of, prune
from xinyong.evaluate.run import materialise
from xinyong.evaluate.tables import evaluations
from xinyong.schemes import Pack


def store(engine: sa.Engine, pack: Pack, day: date, minute: int) -> str:
    return materialise(
        engine,
        [],
        grades=[],
        as_of=day,
        pack=pack,
        engine_name="sql",
        recorded_at=datetime(2026, 11, 1, 8, minute, tzinfo=UTC),
    )


def stored(engine: sa.Engine) -> list[tuple[date, datetime]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(evaluations.c.as_of, evaluations.c.recorded_at).order_by(
                evaluations.c.as_of, evaluations.c.recorded_at
            )
        ).all()
    return [(r.as_of, r.recorded_at) for r in rows]


def test_superseded_runs_go_and_old_dates_keep_their_newest(
    engine: sa.Engine, cn_pack: Pack
) -> None:
    for day in (date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)):
        store(engine, cn_pack, day, 1)
    newest = store(engine, cn_pack, date(2026, 9, 30), 2)  # a rerun of 2026-09-30
    dry = prune(engine, today=date(2026, 10, 1), keep_days=30, dry_run=True)
    assert (dry.evaluations, len(stored(engine))) == (2, 4)
    done = prune(engine, today=date(2026, 10, 1), keep_days=30)
    assert done.evaluations == 2
    # 2026-03-31 is gone; 2026-06-30, the newest before the cut-off, stays; one 09-30 copy
    assert stored(engine) == [
        (date(2026, 6, 30), datetime(2026, 11, 1, 8, 1, tzinfo=UTC)),
        (date(2026, 9, 30), datetime(2026, 11, 1, 8, 2, tzinfo=UTC)),
    ]
    with engine.connect() as conn:
        assert evaluation_of(conn, cn_pack, date(2026, 9, 30)) == newest


def test_without_a_retention_period_only_superseded_runs_go(
    engine: sa.Engine, cn_pack: Pack
) -> None:
    store(engine, cn_pack, date(2025, 1, 1), 1)
    store(engine, cn_pack, date(2026, 9, 30), 1)
    store(engine, cn_pack, date(2026, 9, 30), 2)
    store(engine, cn_pack, date(2026, 9, 30), 3)
    assert prune(engine, today=date(2026, 10, 1), keep_days=None).evaluations == 2
    assert [d for d, _ in stored(engine)] == [date(2025, 1, 1), date(2026, 9, 30)]


def test_a_step_needing_the_day_s_evaluation_names_the_newest_there_is(
    engine: sa.Engine, cn_pack: Pack
) -> None:
    store(engine, cn_pack, date(2026, 9, 30), 1)
    with engine.connect() as conn, pytest.raises(ConflictError) as stale:
        evaluation_of(conn, cn_pack, date(2026, 10, 1))
    assert stale.value.code == "stale-evaluation"
    assert "no evaluation of 2026-10-01" in stale.value.detail
    assert "the newest is of 2026-09-30" in stale.value.detail
    assert "xinyong evaluate --as-of 2026-10-01" in stale.value.detail
