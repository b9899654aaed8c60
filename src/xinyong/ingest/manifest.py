"""The manifest of a delivery set: which files, from which agencies, holding what."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import FieldError, InvalidData
from .format import MANIFEST_FORMAT, MANIFEST_NAME, Content


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a delivery set, checked for shape and for the files it names.

    Raises:
        InvalidData: naming the manifest field at fault and the fix.
    """
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise InvalidData(
            f"{directory} has no {MANIFEST_NAME}; a delivery set is a directory with a manifest "
            "(see `xinyong synth --help`)",
            code="no-manifest",
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidData(f"{path} is not valid JSON: {exc}", code="bad-manifest") from None
    if manifest.get("format") != MANIFEST_FORMAT:
        raise InvalidData(
            f"{path}: format is {manifest.get('format')!r}, expected {MANIFEST_FORMAT!r}",
            code="bad-manifest",
            errors=[FieldError("format", "unknown manifest format", f"use {MANIFEST_FORMAT}")],
        )
    for index, entry in enumerate(manifest.get("files", [])):
        where = f"files[{index}]"
        if entry.get("content") not in {c.value for c in Content}:
            raise InvalidData(
                f"{path}: {where}.content is {entry.get('content')!r}",
                code="bad-manifest",
                errors=[
                    FieldError(f"{where}.content", "unknown", "use subjects, links or records")
                ],
            )
        if not (directory / str(entry.get("path"))).is_file():
            raise InvalidData(
                f"{path}: {where}.path {entry.get('path')!r} does not exist in {directory}",
                code="missing-file",
            )
    return manifest
