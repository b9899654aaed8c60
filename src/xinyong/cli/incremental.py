"""How ``xinyong evaluate --incremental`` and ``--verify`` report: what was re-derived and
why, or why it evaluated in full; a digest verified, or the first differences (exit 1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer


def full_evaluation(query_engine: Any) -> Any:
    from ..evaluate.incremental import evaluate_full

    def run(engine: Any, pack: Any, day: date, **options: Any) -> Any:
        return evaluate_full(engine, query_engine, pack, day, **options)

    return run


def how_made(run: Any) -> dict[str, Any]:
    if run.base_id is None:
        return {"full": True, "why": run.fallback}
    return {"full": False, "base": run.base_id, "rederived": run.rederived, "reasons": run.reasons}


def print_how(how: dict[str, Any]) -> None:
    from .output import console

    if how["full"]:
        console().print(f"full evaluation: {how['why']}")
        return
    console().print(
        f"incremental from evaluation {how['base']}: {how['rederived']:,} subject(s) re-derived"
    )
    for reason, n in how["reasons"].items():
        console().print(f"  {reason}: {n:,}")


def verified(engine: Any, pack: Any, day: date, run: Any, include_pilots: bool) -> dict[str, Any]:
    from ..evaluate.verification import verify

    if run.full is not None:  # a full derivation was just made and stored: nothing to compare
        return {"ok": True, "digest": run.full.digest, "recomputed": False, "differences": []}
    found = verify(engine, pack, day, run.evaluation_id, include_pilots=include_pilots)
    return {
        "ok": found.ok,
        "digest": found.stored,
        "recomputed": found.recomputed,
        "differences": found.differences,
    }


def verify_stored(engine: Any, pack: Any, day: date, include_pilots: bool, as_json: bool) -> None:
    from ..evaluate.retention import evaluation_of
    from ..evaluate.verification import verify
    from .output import print_json

    with engine.connect() as conn:
        evaluation_id = evaluation_of(conn, pack, day)
    found = verify(engine, pack, day, evaluation_id, include_pilots=include_pilots)
    checked = {
        "ok": found.ok,
        "digest": found.stored,
        "recomputed": found.recomputed,
        "differences": found.differences,
    }
    if as_json:
        print_json({"as_of": day, "evaluation_id": evaluation_id, "verify": checked})
    else:
        print_verification(checked)
    if not found.ok:
        raise typer.Exit(1)


def print_verification(checked: dict[str, Any]) -> None:
    from .output import console

    if checked["ok"]:
        console().print(f"verified: digest {checked['digest']}")
        return
    console().print(
        f"[bold red]verify failed[/]: the stored evaluation's digest is {checked['digest']}, "
        f"a full recompute gives {checked['recomputed']}; first differences:"
    )
    for line in checked["differences"]:
        console().print(f"  {line}", markup=False, highlight=False)
