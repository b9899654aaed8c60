"""The demo's own secrets: random keys kept in its directory, never the placeholders.

A pseudonym key protects resident identity numbers, which have little entropy (about a
thousand numbers per birth date and region): under a known key, a pseudonym and a masked
number give the raw number back in seconds. So even the demo does not run on a shared
default; it generates its keys once per demo directory and reuses them on a rerun.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from ..errors import ConfigError, FieldError
from ..settings import Settings

#: the file in the demo directory, in ``.env`` form (``set -a; . FILE; set +a`` loads it)
DEMO_KEYS = "demo-keys.env"
#: the settings the demo generates, each 32 random bytes as hex
GENERATED = ("XINYONG_PSEUDONYM_KEY", "XINYONG_SESSION_SECRET", "XINYONG_QUARANTINE_KEY")


def demo_keys(directory: Path) -> dict[str, str]:
    """The demo's secrets by setting name, read from ``directory/demo-keys.env`` or generated
    into it (mode 0600) when it is missing or lacks one.

    Raises:
        ConfigError: the file has a line that is not ``NAME=value``.
    """
    path = directory / DEMO_KEYS
    found: dict[str, str] = {}
    if path.exists():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            name, sep, value = line.partition("=")
            if not sep or not value.strip():
                raise ConfigError(
                    f"{path} line {number} is not NAME=value",
                    code="bad-demo-keys",
                    errors=[FieldError(f"line {number}", "is not NAME=value", f"delete {path}")],
                )
            found[name.strip()] = value.strip()
    missing = [name for name in GENERATED if name not in found]
    if missing or path.exists() and path.stat().st_mode & 0o077:
        found.update({name: secrets.token_hex(32) for name in missing})
        _write_private(path, found)
    return {name: found[name] for name in GENERATED}


def _write_private(path: Path, keys: dict[str, str]) -> None:
    text = "# the demo's own secrets (xinyong demo); never use them for real data\n" + "".join(
        f"{name}={value}\n" for name, value in keys.items()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def demo_settings(directory: Path, **values: Any) -> Settings:
    """The settings of the demo in ``directory``: the environment's, with the demo's keys."""
    keys = demo_keys(directory)
    return Settings(
        pseudonym_key=keys["XINYONG_PSEUDONYM_KEY"],
        session_secret=keys["XINYONG_SESSION_SECRET"],
        quarantine_key=keys["XINYONG_QUARANTINE_KEY"],
        **values,
    )
