"""Backups a restore can prove: the database copied consistently, with a manifest of what it
held (schema revision, a digest of the ledger, the audit log's length and head).

A backup file is a tar archive of ``manifest.json`` and the copy: SQLite's online backup of
the database file (consistent while the platform writes), or ``pg_dump -Fc`` of PostgreSQL run
on the same exported snapshot the manifest was computed from. A restore puts the copy in
place, then recomputes the ledger digest and walks the audit chain; anything that differs
from the manifest is an error, never a silent success. A backup restores only onto the same
kind of database it came from.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .. import files
from ..clock import real_now, utc_naive
from ..errors import ConfigError, ConflictError, InvalidData
from ..migrations import current_revision
from . import audit
from . import tables as t
from .db import make_engine, sqlite_file
from .locks import DAILY, exclusive

#: the manifest's format tag
FORMAT = "xinyong-backup/1"
#: the ledger's own tables, in the order the digest reads them (each by its primary key)
LEDGER_TABLES = (
    (t.subjects, "subject_id"),
    (t.subject_links, "link_id"),
    (t.records, "record_id"),
    (t.record_events, "event_id"),
)


@dataclass(frozen=True)
class Manifest:
    """What a backup held when it was taken."""

    engine: str
    revision: str | None
    created_at: str
    #: SHA-256 over every row of the ledger tables, canonical JSON in primary-key order
    ledger_digest: str
    counts: dict[str, int]
    audit_entries: int
    audit_head: str

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **self.__dict__}


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):  # naive UTC, as digests were made before moments were aware
        return utc_naive(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(conn: sa.Connection, table: sa.Table, key: str, batch: int = 20_000) -> Iterator[Any]:
    last: Any = None
    while True:
        query = sa.select(table).order_by(table.c[key]).limit(batch)
        if last is not None:
            query = query.where(table.c[key] > last)
        got = list(conn.execute(query).mappings())
        if not got:
            return
        yield from got
        last = got[-1][key]


def ledger_state(conn: sa.Connection) -> tuple[str, dict[str, int]]:
    """The ledger's digest and row counts, as :class:`Manifest` records them."""
    digest, counts = hashlib.sha256(), {}
    for table, key in LEDGER_TABLES:
        n = 0
        for row in _rows(conn, table, key):
            line = {k: _canonical(v) for k, v in row.items()}
            digest.update(json.dumps(line, sort_keys=True, ensure_ascii=False).encode() + b"\n")
            n += 1
        counts[table.name] = n
        digest.update(f"-- {table.name} {n}\n".encode())
    return digest.hexdigest(), counts


def manifest_of(conn: sa.Connection, engine_name: str, verifier: Any = None) -> Manifest:
    """The manifest of the database ``conn`` reads (in its transaction's snapshot). With the
    node's checkpoint ``verifier``, the audit chain is checked against its signed checkpoints
    too (a rewritten and rehashed chain is refused, as ``xinyong audit verify`` refuses it)."""
    from .checkpoints import verify_node

    digest, counts = ledger_state(conn)
    chain = verify_node(conn, verifier)
    if not chain.ok:
        raise ConflictError(
            f"the audit log is broken at entry {chain.seq} ({chain.problem}); a backup would "
            "carry the break: investigate with `xinyong audit verify` first",
            code="audit-broken",
        )
    head = conn.execute(sa.select(t.audit_head.c.entry_hash).where(t.audit_head.c.id == 1))
    return Manifest(
        engine=engine_name,
        revision=conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar(),
        created_at=real_now().isoformat(timespec="seconds"),
        ledger_digest=digest,
        counts=counts,
        audit_entries=chain.entries,
        audit_head=head.scalar() or audit.GENESIS,
    )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        bins = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: p.parts)
        found = str(bins[-1]) if bins else None
    if found is None:
        raise ConfigError(
            f"{name} is not installed; install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) to back up or restore PostgreSQL",
            code="missing-tool",
        )
    return found


def _libpq(engine: sa.Engine) -> tuple[str, dict[str, str]]:
    """The database as a libpq URL for pg_dump/pg_restore, the password in the environment
    (never on a command line other users can read)."""
    url = engine.url.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    return url.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigError(
            f"{Path(command[0]).name} failed: {done.stderr.strip()[:500]}", code="tool-failed"
        )


def _write_archive(out: Path, manifest: Manifest, payload: Path, name: str) -> None:
    """The archive at ``out``, atomically (:mod:`xinyong.files`): no partial file on failure."""
    with (
        files.atomic_file(out, "wb", private=True) as raw,
        tarfile.open(fileobj=raw, mode="w") as tar,
    ):
        body = json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
        tar.add(payload, arcname=name)


def backup(engine: sa.Engine, out: Path, *, verifier: Any = None) -> Manifest:
    """Write a backup of the ledger database to ``out``; returns its manifest."""
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "copy"
        path = sqlite_file(engine)
        if path is not None:
            source = sqlite3.connect(path)
            target = sqlite3.connect(copy)
            with target:
                source.backup(target)
            source.close()
            target.close()
            copied = make_engine(f"sqlite:///{copy}")
            with copied.connect() as conn:
                manifest = manifest_of(conn, "sqlite", verifier)
            copied.dispose()
            _write_archive(out, manifest, copy, "ledger.sqlite")
            return manifest
        url, env = _libpq(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            manifest = manifest_of(conn, "postgresql", verifier)
            dump = [_tool("pg_dump"), "-Fc", "--no-owner", f"--snapshot={snapshot}"]
            _run([*dump, "-f", str(copy), url], env)
            conn.rollback()
        _write_archive(out, manifest, copy, "ledger.pgdump")
        return manifest


def read_manifest(archive: Path) -> Manifest:
    """The manifest of a backup file.

    Raises:
        InvalidData: the file is not an xinyong backup.
    """
    try:
        with tarfile.open(archive) as tar:
            member = tar.extractfile("manifest.json")
            data = json.loads(member.read()) if member else {}
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise InvalidData(
            f"{archive} is not an xinyong backup ({exc}); give a file written by "
            "`xinyong backup --out FILE`",
            code="not-a-backup",
        ) from None
    if data.pop("format", None) != FORMAT:
        raise InvalidData(f"{archive} is not an {FORMAT} backup", code="not-a-backup")
    return Manifest(**data)


def _verify(engine: sa.Engine, manifest: Manifest, verifier: Any) -> None:
    with engine.connect() as conn:
        found = manifest_of(conn, manifest.engine, verifier)
    if (found.ledger_digest, found.counts) != (manifest.ledger_digest, manifest.counts):
        raise ConflictError(
            f"the restored ledger differs from the backup's manifest (rows {found.counts}, "
            f"expected {manifest.counts}): the backup file is damaged",
            code="restore-mismatch",
        )
    if (found.audit_entries, found.audit_head) != (manifest.audit_entries, manifest.audit_head):
        raise ConflictError(
            f"the restored audit log ends at entry {found.audit_entries}, the backup's at "
            f"{manifest.audit_entries}: the backup file is damaged",
            code="restore-mismatch",
        )


def _has_ledger(engine: sa.Engine) -> bool:
    path = sqlite_file(engine)
    if path is not None and not path.exists():
        return False
    return current_revision(engine) is not None


def restore(
    engine: sa.Engine, archive: Path, *, replace: bool = False, verifier: Any = None
) -> Manifest:
    """Put the backup ``archive`` in place of the database ``engine`` names, then verify the
    ledger digest and the audit chain against its manifest.

    Raises:
        InvalidData: not a backup, or a backup of the other kind of database.
        ConflictError: the database already holds a ledger and ``replace`` is false; or the
            restored data does not match the manifest.
    """
    manifest = read_manifest(archive)
    if manifest.engine != engine.dialect.name:
        raise InvalidData(
            f"{archive} is a backup of {manifest.engine}, and XINYONG_DATABASE_URL names "
            f"{engine.dialect.name}; restore it onto {manifest.engine} (move data between the "
            "two with `xinyong ingest` of an export)",
            code="wrong-engine",
        )
    if _has_ledger(engine) and not replace:
        raise ConflictError(
            "the database already holds a ledger; pass --replace to overwrite it with the backup",
            code="ledger-exists",
        )
    path = sqlite_file(engine)
    # staged beside the live file, so that putting it in place is one atomic rename
    stage = path.parent if path is not None else None
    if stage is not None:
        stage.mkdir(parents=True, exist_ok=True)
    with (
        exclusive(engine, DAILY),  # no daily run writes while the ledger is replaced
        tempfile.TemporaryDirectory(dir=stage) as work,
        tarfile.open(archive) as tar,
    ):
        name = "ledger.sqlite" if manifest.engine == "sqlite" else "ledger.pgdump"
        tar.extract(name, work, filter="data")
        copy = Path(work) / name
        if path is not None:
            staged = make_engine(f"sqlite:///{copy}")
            _verify(staged, manifest, verifier)  # before the live file is touched
            staged.dispose()
            engine.dispose()
            copy.chmod(0o600)
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            os.replace(copy, path)
        else:
            url, env = _libpq(engine)  # (the engine's own connection holds the run lock)
            pg_restore = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
            _run([*pg_restore, "--single-transaction", "-d", url, str(copy)], env)
    _verify(engine, manifest, verifier)
    return manifest
