"""The daily run: ingest the inbox → evaluate → verify → dispatch → deliver → write the
extract → prune.

One command an operator schedules (``xinyong run daily``; systemd timer and cron examples in
``docs/deploy.md``). It holds the ``xinyong run daily`` lock for its whole length, so two
schedulers cannot overlap, and each step refuses to run on a stale predecessor and names it:
evaluation does not start while a delivery is unfinished, dispatch and the extract need the
evaluation of the day itself. The evaluation is incremental (from the newest stored one), and
every ``XINYONG_VERIFY_EVERY_DAYS`` days it is verified against a full recompute; a failed
verify is reported and the full recompute supersedes the day's evaluation before dispatch.
A rerun after a crash is safe: every step is idempotent
(ingest resumes, a rerun's evaluation supersedes the earlier one of that date and the prune
step drops it, dispatch writes only what is missing).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .. import clock
from ..errors import ConflictError
from ..evaluate import tables as et
from ..keys.fingerprint import pseudonym_key_for
from ..ledger.locks import DAILY, exclusive
from ..schemes import Pack
from ..settings import Settings

if TYPE_CHECKING:
    from ..evaluate.incremental import Evaluated

#: the lock the whole run holds
LOCK = DAILY


@dataclass(frozen=True)
class Step:
    """One step's outcome: ``done`` or ``skipped`` (with why), and what it did."""

    name: str
    status: str
    summary: str


@dataclass
class DailyRun:
    """What the run did, step by step, in order."""

    day: date
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class DailyOptions:
    day: date
    now: datetime
    #: directories of deliveries (each with a manifest.json); loaded ones move to ``loaded/``
    inbox: Path | None = None
    extract_dir: Path | None = None
    extract_key: Path | None = None
    deliver: bool = True


def run_daily(
    engine: sa.Engine,
    pack: Pack,
    settings: Settings,
    options: DailyOptions,
    *,
    on_step: Callable[[Step], None] | None = None,
) -> DailyRun:
    """Run every step for ``options.day``, in order, under the daily lock.

    Raises:
        ConflictError: the lock is held, or a step found its predecessor stale (the steps
            before it stay done; fix the cause and run again).
    """
    run = DailyRun(options.day)

    def done(step: Step) -> None:
        run.steps.append(step)
        if on_step is not None:
            on_step(step)

    with exclusive(engine, LOCK):
        done(_ingest(engine, pack, settings, options))
        _refuse_unfinished_deliveries(engine)
        evaluated = _evaluate(engine, pack, settings, options)
        done(evaluated[0])
        done(_verify(engine, pack, settings, options, evaluated[1]))
        done(_dispatch(engine, pack, options))
        done(_deliver(engine, settings, options))
        done(_extract(engine, pack, options))
        done(_prune(engine, settings, options))
    return run


def _ingest(engine: sa.Engine, pack: Pack, settings: Settings, options: DailyOptions) -> Step:
    from ..ids import Mode
    from ..ingest.service import IngestOptions, ingest_directory

    if options.inbox is None:
        return Step("ingest", "skipped", "no inbox (XINYONG_INBOX or --inbox)")
    sets = sorted(p for p in options.inbox.iterdir() if (p / "manifest.json").is_file())
    ingest_options = IngestOptions(
        key=pseudonym_key_for(engine, settings),
        delivered_on=options.day,
        recorded_at=options.now,
        mode=Mode(settings.uscc_mode),
        batch_size=settings.bulk_batch_size,
        seal_key=settings.quarantine_seal_key,  # as `xinyong ingest` seals quarantined numbers
    )
    loaded, held, rows = 0, [], 0
    for directory in sets:
        outcomes = ingest_directory(engine, pack, directory, options=ingest_options)
        rows += sum(o.accepted for o in outcomes)
        if any(o.status == "held" for o in outcomes):
            held.append(directory.name)
            continue
        target = options.inbox / "loaded" / directory.name
        target.parent.mkdir(exist_ok=True)
        shutil.move(str(directory), _free(target))
        loaded += 1
    note = f"; held for review: {', '.join(held)}" if held else ""
    return Step("ingest", "done", f"{loaded} delivery set(s) loaded, {rows:,} rows{note}")


def _free(target: Path) -> Path:
    n, candidate = 1, target
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.name}.{n}")
    return candidate


def _refuse_unfinished_deliveries(engine: sa.Engine) -> None:
    from ..ingest import tables as it

    with engine.connect() as conn:
        unfinished = (
            conn.execute(
                sa.select(it.deliveries.c.file_name)
                .where(it.deliveries.c.status == "loading")
                .order_by(it.deliveries.c.file_name)
            )
            .scalars()
            .all()
        )
    if unfinished:
        raise ConflictError(
            f"evaluate: {len(unfinished)} delivery(ies) are unfinished ({', '.join(unfinished[:5])}"
            "); an evaluation now would miss their rows: rerun `xinyong ingest` on them",
            code="stale-ingest",
        )


def _evaluate(
    engine: sa.Engine, pack: Pack, settings: Settings, options: DailyOptions
) -> tuple[Step, Evaluated]:
    from ..evaluate import SqlEngine
    from ..evaluate.incremental import evaluate_full, evaluate_incremental

    if settings.verify_every_days == 0:
        run = evaluate_full(engine, SqlEngine(engine), pack, options.day, recorded_at=options.now)
        how = "full (XINYONG_VERIFY_EVERY_DAYS=0)"
    else:
        run = evaluate_incremental(engine, pack, options.day, recorded_at=options.now)
        how = (
            f"full ({run.fallback})"
            if run.base_id is None
            else f"incremental, {run.rederived:,} subject(s) re-derived"
        )
    with engine.connect() as conn:
        entries = conn.execute(
            sa.select(et.evaluations.c.entries).where(
                et.evaluations.c.evaluation_id == run.evaluation_id
            )
        ).scalar_one()
        grades = conn.execute(
            sa.select(sa.func.count()).where(et.grades.c.evaluation_id == run.evaluation_id)
        ).scalar_one()
    return Step("evaluate", "done", f"{how}: {entries:,} list entries, {grades:,} grades"), run


def _verify(
    engine: sa.Engine, pack: Pack, settings: Settings, options: DailyOptions, run: Evaluated
) -> Step:
    from ..evaluate.incremental import store_full
    from ..evaluate.verification import verify, verify_due

    if run.base_id is None:
        return Step("verify", "skipped", "a full evaluation")
    with engine.connect() as conn:
        due = verify_due(conn, pack, options.day, settings.verify_every_days)
    if not due:
        return Step("verify", "skipped", f"verified within {settings.verify_every_days} day(s)")
    found = verify(engine, pack, options.day, run.evaluation_id)
    if found.ok:
        return Step("verify", "done", f"digest {found.stored[:16]} equals a full recompute")
    # the full recompute supersedes the wrong evaluation (newest of the day) before dispatch
    store_full(
        engine,
        pack,
        options.day,
        found.entries,
        found.grades,
        recorded_at=options.now + timedelta(seconds=1),
    )
    return Step(
        "verify",
        "failed",
        "the incremental evaluation differs from a full recompute, which replaced it (see "
        f"docs/evaluation.md): {'; '.join(found.differences)}",
    )


def _dispatch(engine: sa.Engine, pack: Pack, options: DailyOptions) -> Step:
    from ..evaluate.retention import evaluation_of
    from ..sanctions.dispatch import dispatch

    with engine.connect() as conn:
        evaluation = evaluation_of(conn, pack, options.day)
    run = dispatch(engine, pack, evaluation, options.day, now=options.now)
    return Step(
        "dispatch",
        "done",
        f"{run.entries:,} entry, {run.extensions:,} extension, {run.exits:,} exit notices",
    )


def _deliver(engine: sa.Engine, settings: Settings, options: DailyOptions) -> Step:
    from ..keys.sealing import webhook_key
    from ..sanctions.webhooks import deliver

    if not options.deliver:
        return Step("deliver", "skipped", "--no-deliver")
    # signatures carry the real time, never a pinned date
    run = deliver(engine, now=clock.real_now(), key=webhook_key(settings))
    return Step("deliver", "done", f"{run.delivered:,} delivered, {run.failed:,} to retry")


def _extract(engine: sa.Engine, pack: Pack, options: DailyOptions) -> Step:
    from ..evaluate.retention import evaluation_of
    from ..sanctions import ScreeningIndex
    from ..sanctions.extract import lines_of, write

    if options.extract_dir is None or options.extract_key is None:
        return Step("extract", "skipped", "no extract directory and key (--extract-dir/--key)")
    with engine.connect() as conn:
        evaluation = evaluation_of(conn, pack, options.day)
    index = ScreeningIndex(engine, pack)
    index.build(options.day, evaluation)
    out = options.extract_dir / f"extract-{options.day.isoformat()}.jsonl"
    written = write(lines_of(index), out, as_of=options.day, key_path=options.extract_key)
    return Step("extract", "done", f"{written.lines:,} lines in {written.path}")


def _prune(engine: sa.Engine, settings: Settings, options: DailyOptions) -> Step:
    from ..evaluate.retention import prune

    pruned = prune(engine, today=options.day, keep_days=settings.evaluation_keep_days)
    return Step(
        "prune",
        "done",
        f"{pruned.evaluations:,} stored evaluation(s) pruned ({pruned.entries:,} entries)",
    )
