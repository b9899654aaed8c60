"""``xinyong synth``: write a synthetic population as source-agency delivery files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ..schemes import Pack
    from ..synth import SynthConfig

_SHARE = "Share of record rows {}."


def _share(what: str) -> Any:
    return typer.Option(help=_SHARE.format(what), min=0, max=0.5)


def synth(
    subjects: Annotated[int, typer.Option(help="How many subjects to generate.", min=1)],
    out: Annotated[Path, typer.Option(help="New directory for the delivery set.")],
    seed: Annotated[int, typer.Option(help="The same seed gives byte-identical files.")] = 0,
    as_of: Annotated[
        str | None,
        typer.Option(help="Delivery date YYYY-MM-DD (default 2026-09-30, fixed on purpose)."),
    ] = None,
    bad_check_share: Annotated[
        float, _share("whose subject code has a wrong check character")
    ] = 0.01,
    unknown_item_share: Annotated[float, _share("with an item outside the catalogue")] = (0.005),
    missing_instrument_share: Annotated[float, _share("without an instrument number")] = 0.005,
    duplicate_share: Annotated[float, _share("delivered twice")] = 0.01,
    jurisdiction: Annotated[str, typer.Option(help="Pack whose catalogue records follow.")] = "cn",
) -> None:
    """Generate subjects, links and records (defects included) into CSV files + manifest.json."""
    from ..schemes import load_pack
    from ..settings import Settings
    from ..synth import DEFAULT_AS_OF, SynthConfig
    from .dates import parse_day
    from .output import console, progress

    config = SynthConfig(
        subjects=subjects,
        seed=seed,
        as_of=parse_day(as_of, Settings()) if as_of else DEFAULT_AS_OF,
        bad_check_share=bad_check_share,
        unknown_item_share=unknown_item_share,
        missing_instrument_share=missing_instrument_share,
        duplicate_share=duplicate_share,
    )
    pack = load_pack(jurisdiction, extra_path=Settings().packs_path)
    manifest = run_synth(config, pack, out, progress)
    expected = manifest["expected"]
    console().print(
        f"wrote {len(manifest['files'])} files to {out}: "
        f"{sum(expected['subjects_by_kind'].values()):,} subjects, {expected['links']:,} links, "
        f"{expected['records_valid']:,} valid records, "
        f"{sum(expected['records_defective'].values()):,} defective rows, "
        f"{expected['duplicate_rows']:,} duplicate rows"
    )


def run_synth(
    config: SynthConfig, pack: Pack, out: Path, progress: Callable[[], Any]
) -> dict[str, Any]:
    """Write the delivery with a progress bar (rows written, rows/s)."""
    from ..synth import write_delivery

    with progress() as bar:
        task = bar.add_task("generating", total=None, rate="")

        def advance(rows: int) -> None:
            speed = bar.tasks[0].speed
            bar.update(task, completed=rows, rate=f"{speed:,.0f} rows/s" if speed else "")

        return write_delivery(config, pack, out, on_progress=advance)
