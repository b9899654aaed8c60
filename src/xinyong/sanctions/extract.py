"""Offline extracts for responders who cannot call the API at the point of sale: a daily full
extract of the measures in force by action, and deltas against an earlier extract, each
signed with the platform's Ed25519 key (``cryptography``) so a till can check where it came
from and that nothing was changed.

An extract is a JSON Lines file, one line per (subject, action) that is not simply allowed:
``{"subject_id", "action", "outcome", "measures", "until"}``, sorted. Beside it,
``<name>.manifest.json`` holds the kind (full or delta), date, count, SHA-256 of the file,
the base extract of a delta, and the Ed25519 signature of the manifest's other fields.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from .. import files
from ..errors import InvalidData
from ..keyfiles import read_private_key, read_public_key, write_private_key, write_public_key
from .index import ScreeningIndex

FORMAT = "xinyong-extract/1"


def generate_key(directory: Path) -> tuple[Path, Path]:
    """A new Ed25519 key pair as PEM files (``extract-key.pem`` is secret; mode 0600)."""
    private = directory / "extract-key.pem"
    public = directory / "extract-key.pub.pem"
    key = write_private_key(private)
    write_public_key(public, key.public_key())
    return private, public


def lines_of(index: ScreeningIndex) -> list[dict[str, Any]]:
    """Every (subject, action) the index does not simply allow, sorted."""
    found = []
    for subject_id in sorted(index.standings):
        for action in sorted(index.actions):
            decision = index.check(subject_id, action)
            if decision.outcome == "allow" and not decision.rewards:
                continue
            grounds = [*decision.grounds, *decision.rewards]
            ends = [g.until for g in grounds]
            found.append(
                {
                    "subject_id": subject_id,
                    "action": action,
                    "outcome": decision.outcome,
                    "measures": sorted({g.measure_id for g in grounds}),
                    "until": None
                    if any(e is None for e in ends)
                    else max(e for e in ends if e is not None).isoformat(),
                }
            )
    return found


def _canonical(line: dict[str, Any]) -> str:
    return json.dumps(line, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Written:
    path: Path
    manifest: Path
    lines: int


def write(
    lines: list[dict[str, Any]],
    out: Path,
    *,
    as_of: date,
    key_path: Path,
    base: Path | None = None,
) -> Written:
    """Write a full extract of ``lines`` — or, with ``base`` (an earlier full extract), the
    delta from it: lines ``added``, ``removed`` or ``changed`` — and sign its manifest."""
    key = read_private_key(key_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if base is None:
        body = [_canonical(line) for line in lines]
        kind = "full"
    else:
        before = {
            (d["subject_id"], d["action"]): d
            for d in (json.loads(x) for x in base.read_text("utf-8").splitlines() if x)
        }
        now = {(d["subject_id"], d["action"]): d for d in lines}
        body = []
        for k in sorted(before.keys() | now.keys()):
            if k not in now:
                body.append(_canonical({"change": "removed", **before[k]}))
            elif k not in before:
                body.append(_canonical({"change": "added", **now[k]}))
            elif now[k] != before[k]:
                body.append(_canonical({"change": "changed", **now[k]}))
        kind = "delta"
    data = ("\n".join(body) + "\n" if body else "").encode("utf-8")
    files.write_bytes(out, data)
    manifest = {
        "format": FORMAT,
        "kind": kind,
        "as_of": as_of.isoformat(),
        "lines": len(body),
        "sha256": hashlib.sha256(data).hexdigest(),
        "base": base.name if base else None,
        "file": out.name,
    }
    signed = _canonical(manifest).encode("utf-8")
    manifest["signature"] = base64.b64encode(key.sign(signed)).decode("ascii")
    manifest_path = out.with_name(out.name + ".manifest.json")
    files.write_text(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2))
    return Written(out, manifest_path, len(body))


def verify(path: Path, public_key_path: Path) -> dict[str, Any]:
    """The manifest of ``path`` if its signature and hash hold.

    Raises:
        InvalidData: the manifest is missing, the signature does not verify with the key, or
            the file's hash differs from the signed one (the file was changed).
    """
    manifest_path = path.with_name(path.name + ".manifest.json")
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidData(
            f"no readable manifest {manifest_path}: {exc}", code="no-manifest"
        ) from None
    signature = base64.b64decode(manifest.pop("signature", ""))
    try:
        read_public_key(public_key_path).verify(signature, _canonical(manifest).encode("utf-8"))
    except InvalidSignature:
        raise InvalidData(
            f"{manifest_path}: the signature does not verify with {public_key_path}: the "
            "manifest was changed or signed with another key",
            code="bad-signature",
        ) from None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != manifest["sha256"]:
        raise InvalidData(
            f"{path}: its SHA-256 is {digest}, the signed manifest says {manifest['sha256']}: "
            "the file was changed after signing",
            code="tampered-extract",
        )
    return dict(manifest)
