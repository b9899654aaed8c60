"""Signed checkpoints of the audit log: the C2SP signed-note format (checked against the Go
reference, golang.org/x/mod/sumdb/note), when they are due, and the insider attacks the hash
chain alone misses — a changed entry with every later hash and the head recomputed, a cut
tail with the head moved, an altered link row — on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.cli.test_commands import xinyong
from tests.ledger.test_audit import T0, event, fill
from xinyong.errors import InvalidData
from xinyong.ledger import audit, checkpoints, make_engine, upgrade
from xinyong.ledger import tables as t
from xinyong.ledger.notes import Checkpoint, NoteSigner, NoteVerifier
from xinyong.sanctions.tables import screening_subjects

# the example of golang.org/x/mod/sumdb/note (note.go's package documentation)
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
    "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
SIGNER = NoteSigner("xinyong.test/audit", Ed25519PrivateKey.generate())


def go_signer() -> NoteSigner:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[-1])[1:]  # the base64 holds a "+"
    return NoteSigner("PeterNeumann", Ed25519PrivateKey.from_private_bytes(seed))


def test_notes_are_signed_and_keyed_as_go_sumdb_note_does() -> None:
    signer = go_signer()
    assert signer.sign(GO_TEXT) == GO_NOTE
    assert signer.verifier.vkey == GO_VKEY
    assert NoteVerifier.parse(GO_VKEY).open(GO_NOTE) == GO_TEXT
    with pytest.raises(InvalidData) as changed:
        NoteVerifier.parse(GO_VKEY).open(GO_NOTE.replace("answer", "Answer"))
    assert changed.value.code == "bad-signature"
    with pytest.raises(InvalidData) as other:
        SIGNER.verifier.open(GO_NOTE)
    assert other.value.code == "unknown-signer"


def test_a_checkpoint_is_origin_size_and_base64_root() -> None:
    root = "ab" * 32
    text = Checkpoint("xinyong.test/audit", 7, root).text()
    assert text == f"xinyong.test/audit\n7\n{base64.b64encode(bytes.fromhex(root)).decode()}\n"
    assert Checkpoint.parse(text) == Checkpoint("xinyong.test/audit", 7, root)


def test_a_checkpoint_is_due_after_so_many_entries_or_minutes(engine: sa.Engine) -> None:
    policy = {"every_entries": 3, "every_minutes": 10}
    with engine.begin() as conn:
        assert not checkpoints.due(conn, T0, **policy)  # nothing to sign yet
        audit.append(conn, [event(1)])
        assert checkpoints.due(conn, T0, **policy)  # the first entry: no checkpoint yet
        assert checkpoints.sign_head(conn, SIGNER, T0) == Checkpoint(
            SIGNER.name, 1, audit.entries(conn)[0]["entry_hash"]
        )
        assert checkpoints.sign_head(conn, SIGNER, T0) is None  # signed at this size already
        audit.append(conn, [event(2), event(3)])
        assert not checkpoints.due(conn, T0 + timedelta(minutes=9), **policy)
        assert checkpoints.due(conn, T0 + timedelta(minutes=10), **policy)
        audit.append(conn, [event(4)])
        assert checkpoints.due(conn, T0 + timedelta(minutes=1), **policy)  # 3 entries since
        checkpoints.sign_head(conn, SIGNER, T0 + timedelta(minutes=1))
        # no entries since the last checkpoint: nothing is due however old it is
        assert not checkpoints.due(conn, T0 + timedelta(days=1), **policy)


def published_at(engine: sa.Engine, count: int = 5) -> dict[str, object]:
    fill(engine, count)
    with engine.begin() as conn:
        checkpoints.sign_head(conn, SIGNER, T0)
        document = checkpoints.published(conn, SIGNER.verifier)
    return json.loads(json.dumps(document))  # as a file holds it


def recompute_from(conn: sa.Connection, seq: int) -> None:
    """What an insider does: rewrite every hash from ``seq`` on, and the head."""
    rows = audit.entries(conn, after=seq - 1)
    prev = rows[0]["prev_hash"]
    for row in rows:
        digest = audit.entry_hash(row["seq"], audit._event(row), prev)
        conn.execute(
            t.audit_log.update()
            .where(t.audit_log.c.seq == row["seq"])
            .values(prev_hash=prev, entry_hash=digest)
        )
        prev = digest
    conn.execute(t.audit_head.update().values(seq=rows[-1]["seq"], entry_hash=prev))


def test_a_changed_entry_with_the_chain_recomputed_fails_the_checkpoint(
    engine: sa.Engine,
) -> None:
    document = published_at(engine)
    with engine.begin() as conn:
        conn.execute(t.audit_log.update().where(t.audit_log.c.seq == 3).values(actor="nobody"))
        recompute_from(conn, 3)
    with engine.connect() as conn:
        assert audit.verify(conn).ok  # the chain alone cannot tell
        result = checkpoints.verify_against(conn, document, SIGNER.verifier)
    assert not result.ok and result.seq == 5
    assert "chain recomputed" in (result.problem or "")


def test_a_cut_tail_with_the_head_moved_fails_the_checkpoint(engine: sa.Engine) -> None:
    document = published_at(engine)
    with engine.begin() as conn:
        conn.execute(t.audit_log.delete().where(t.audit_log.c.seq > 3))
        third = audit.entries(conn)[2]["entry_hash"]
        conn.execute(t.audit_head.update().values(seq=3, entry_hash=third))
    with engine.connect() as conn:
        assert audit.verify(conn).ok
        result = checkpoints.verify_against(conn, document, SIGNER.verifier)
    assert not result.ok and result.seq == 4
    assert "removed from the end" in (result.problem or "")


def test_an_intact_log_holds_every_checkpoint_and_later_entries(engine: sa.Engine) -> None:
    document = published_at(engine)
    audit.record(engine, [event(6)])
    with engine.connect() as conn:
        result = checkpoints.verify_against(conn, document, SIGNER.verifier)
    assert result.ok and result.entries == 6


def test_a_checkpoint_not_signed_by_the_node_is_refused(engine: sa.Engine) -> None:
    document = published_at(engine)
    forger = NoteSigner(SIGNER.name, Ed25519PrivateKey.generate())
    with engine.connect() as conn:
        with pytest.raises(InvalidData) as refused:
            checkpoints.verify_against(conn, document, forger.verifier)
    assert refused.value.code == "unknown-signer"


def bulk(conn: sa.Connection, n: int, subjects: list[str]) -> int:
    return audit.append_linked(conn, event(n, subject=None), subjects)


def test_link_rows_are_covered_by_the_entry_hash(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        seq = bulk(conn, 1, ["s-b", "s-a", "s-b"])
        bulk(conn, 2, [])
    with engine.connect() as conn:
        assert audit.verify(conn).ok
        linked = conn.execute(sa.select(screening_subjects.c.subject_id)).scalars()
        assert sorted(linked) == ["s-a", "s-b"]  # each subject once
    links = screening_subjects.c
    with engine.begin() as conn:  # an insider moves one link to another subject
        conn.execute(
            screening_subjects.update()
            .where(links.audit_seq == seq, links.subject_id == "s-b")
            .values(subject_id="s-c")
        )
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok and result.seq == seq
    assert result.problem == f"the subjects linked to entry {seq} were changed after it was written"


@pytest.mark.parametrize("target", [2, 3, 9])
def test_link_rows_added_to_other_entries_are_found(engine: sa.Engine, target: int) -> None:
    with engine.begin() as conn:
        audit.append(conn, [event(1)])
        bulk(conn, 2, ["s-a"])
        audit.append(conn, [event(3)])
        conn.execute(screening_subjects.insert().values(audit_seq=target, subject_id="s-z"))
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok and result.seq == target
    expected = {
        2: "the subjects linked to entry 2 were changed after it was written",
        3: "entry 3 has linked subjects it does not record: they were added later",
        9: "subjects are linked to entry 9, which the log does not hold",
    }
    assert result.problem == expected[target]


def test_bulk_entries_written_before_links_were_hashed_still_verify(engine: sa.Engine) -> None:
    legacy = audit.AuditEvent(
        actor="token:abc", role="responding_agency", action="screen_bulk", at=T0
    )
    with engine.begin() as conn:  # as the bulk route wrote them before this rule
        seq = audit.append(conn, [legacy])
        conn.execute(screening_subjects.insert(), [{"audit_seq": seq, "subject_id": "s-a"}])
        bulk(conn, 2, ["s-b"])
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert result.ok and result.entries == 2


def test_the_checkpointer_signs_when_due(engine: sa.Engine) -> None:
    now = [T0]
    signer = checkpoints.Checkpointer(
        engine, SIGNER, lambda: now[0], every_entries=2, every_minutes=60
    )
    fill(engine, 1)
    assert signer.run_once() == Checkpoint(SIGNER.name, 1, head_hash(engine))
    audit.record(engine, [event(2)])
    assert signer.run_once() is None
    now[0] = T0 + timedelta(hours=1)
    assert signer.run_once() == Checkpoint(SIGNER.name, 2, head_hash(engine))
    audit.record(engine, [event(3), event(4)])
    signer.stop()  # on shutdown: the last checkpoint, as it is due
    with engine.connect() as conn:
        assert checkpoints.latest(conn)["size"] == 4  # type: ignore[index]


def head_hash(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.select(t.audit_head.c.entry_hash)).scalar())


def test_the_commands_make_a_key_sign_export_and_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    upgrade(engine)
    fill(engine, 3)
    key, out = tmp_path / "keys" / "audit.pem", tmp_path / "checkpoints.json"
    env = {"XINYONG_DATABASE_URL": url, "XINYONG_AUDIT_SIGNING_KEY_FILE": str(key)}
    made = xinyong("audit", "keygen", str(key), cwd=tmp_path, **env)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = xinyong("audit", "keygen", str(key), cwd=tmp_path, **env)
    assert again.returncode == 2 and "key-exists" in again.stderr
    signed = xinyong("audit", "checkpoint", cwd=tmp_path, **env)
    assert signed.returncode == 0 and "signed at 3 entries" in signed.stdout, signed.stderr
    exported = xinyong("audit", "checkpoints", "--out", str(out), cwd=tmp_path, **env)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text("utf-8"))["checkpoints"][0]["size"] == 3
    vkey = json.loads(out.read_text("utf-8"))["key"]
    assert made.stdout.splitlines()[-1] == f"verifier key: {vkey}"
    intact = xinyong("audit", "verify", "--checkpoints", str(out), cwd=tmp_path, **env)
    assert intact.returncode == 0 and "intact: 3 entries" in intact.stdout, intact.stderr
    own = xinyong("audit", "verify", cwd=tmp_path, **env)
    assert "intact: 3 entries, holding its stored checkpoints" in own.stdout, own.stderr
    with engine.begin() as conn:
        conn.execute(t.audit_log.update().where(t.audit_log.c.seq == 2).values(actor="x"))
        recompute_from(conn, 2)
    engine.dispose()
    # the chain alone cannot tell; the node's stored checkpoints can
    assert xinyong("audit", "verify", cwd=tmp_path, XINYONG_DATABASE_URL=url).returncode == 0
    stored = xinyong("audit", "verify", cwd=tmp_path, **env)
    assert stored.returncode == 1 and "entry 3 does not hash to the root" in stored.stderr
    # checked with the key given, as someone holding only the file and the key would
    broken = xinyong(
        "audit",
        "verify",
        "--checkpoints",
        str(out),
        "--key",
        vkey,
        cwd=tmp_path,
        XINYONG_DATABASE_URL=url,
    )
    assert broken.returncode == 1 and "entry 3 does not hash to the root" in broken.stderr


def test_signing_needs_a_key_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    upgrade(make_engine(url))
    run = xinyong("audit", "checkpoint", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert run.returncode == 2 and "XINYONG_AUDIT_SIGNING_KEY_FILE is not set" in run.stderr
