"""Writing files atomically: a reader sees the old file or the whole new one, never a part.

Every export, snapshot, extract, key and generated delivery is written through
:func:`atomic_file`: into a temporary file in the same directory, flushed and fsynced, then
renamed over the target with ``os.replace`` (atomic on POSIX and Windows). If anything fails
on the way, the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload


@overload
def atomic_file(
    path: Path, mode: Literal["wb"] = "wb", *, private: bool = False
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
@overload
def atomic_file(
    path: Path, mode: Literal["w"], *, private: bool = False
) -> contextlib.AbstractContextManager[IO[str]]: ...
def atomic_file(path: Path, mode: str = "wb", *, private: bool = False) -> Any:
    """A handle to write ``path`` through; the file appears only when the block succeeds.

    Args:
        mode: ``wb`` (bytes) or ``w`` (UTF-8 text, ``\\n`` line ends kept as written).
        private: create the file readable by its owner only (mode 0600), e.g. a secret key.
    """
    return _atomic(path, mode, private)


@contextlib.contextmanager
def _atomic(path: Path, mode: str, private: bool) -> Iterator[IO[Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        if not private:
            os.chmod(temp, 0o644)  # mkstemp makes 0600; an export is for others to read
        handle: IO[Any] = (
            os.fdopen(fd, "w", encoding="utf-8", newline="") if mode == "w" else os.fdopen(fd, "wb")
        )
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_directory(path.parent)


def write_bytes(path: Path, data: bytes, *, private: bool = False) -> None:
    """``path.write_bytes(data)``, atomically."""
    with atomic_file(path, "wb", private=private) as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    """``path.write_text(text, "utf-8")``, atomically."""
    write_bytes(path, text.encode("utf-8"))


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
