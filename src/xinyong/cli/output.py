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


def audit_cli(engine: Any, action: str, conn: Any = None, **detail: Any) -> None:
    """Append a command's write to the audit log, as the operating-system user who ran it
    (in ``conn``'s transaction when given)."""
    import getpass

    from ..clock import real_now
    from ..ledger import audit

    event = audit.AuditEvent(
        actor=f"cli:{getpass.getuser()}",
        role="operator",
        action=action,
        at=real_now(),
        detail={k: v for k, v in detail.items() if v is not None},
    )
    if conn is not None:
        audit.append(conn, [event])
    else:
        audit.record(engine, [event])
