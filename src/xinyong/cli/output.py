"""Console helpers shared by the commands."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from rich.console import Console


@cache
def console() -> Console:
    return Console(highlight=False, soft_wrap=True)


@cache
def error_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """JSON to stdout, UTF-8, no Rich markup (for scripts and ``jq``)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))  # noqa: T201


def progress() -> Any:
    """A Rich progress bar with count, rate and elapsed time, on stderr."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=error_console(),
        transient=False,
    )
