"""The audit log's signed checkpoints and key, published at /api/audit/checkpoints and
/api/audit/key; bulk screening's links covered by the entry's hash."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.factories import XIAMEN_USCC
from tests.ledger.test_audit import event
from tests.ledger.test_checkpoints import recompute_from
from tests.web.conftest import LONELY, Web, make_web
from xinyong.keyfiles import write_private_key
from xinyong.ledger import audit, checkpoints
from xinyong.ledger import tables as t
from xinyong.ledger.notes import Checkpoint, NoteVerifier
from xinyong.sanctions.tables import screening_subjects


def test_checkpoints_are_published_with_the_key_that_checks_them(
    world_template: Path, tmp_path: Path
) -> None:
    key = tmp_path / "audit.pem"
    write_private_key(key)
    web = make_web(
        world_template, tmp_path, audit_signing_key_file=key, audit_log_name="node.test/audit"
    )
    with web.client:
        platform = web.client.app.state.platform  # type: ignore[attr-defined]
        screened = web.client.post(
            "/api/screen/bulk",
            json={"action": "aviation.ticket", "subjects": [XIAMEN_USCC, LONELY]},
            headers=web.as_role("airline"),
        )
        assert screened.status_code == 200
        signed = platform.checkpointer.run_once()
        published = web.get("/api/audit/checkpoints").json()
        vkey = web.get("/api/audit/key").json()
    assert vkey["origin"] == "node.test/audit" == published["origin"]
    assert vkey["key"] == published["key"]
    [only] = published["checkpoints"]
    assert only["size"] == signed.size
    opened = Checkpoint.parse(NoteVerifier.parse(vkey["key"]).open(only["note"]))
    assert opened == signed
    with platform.engine.connect() as conn:
        assert checkpoints.verify_against(conn, published, NoteVerifier.parse(vkey["key"])).ok
        # the bulk call's links are in its entry's hash
        [entry] = [e for e in audit.entries(conn) if e["action"] == "screen_bulk"]
        linked = conn.execute(
            sa.select(screening_subjects.c.subject_id).where(
                screening_subjects.c.audit_seq == entry["seq"]
            )
        ).scalars()
        assert entry["detail"][audit.LINKS] == audit.links_digest(linked)
    platform.engine.dispose()


def test_a_node_without_a_signing_key_says_so(web: Web) -> None:
    for path in ("/api/audit/checkpoints", "/api/audit/key"):
        response = web.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "no-audit-checkpoints"


def test_the_verify_endpoint_checks_the_chain_against_the_signed_checkpoints(
    world_template: Path, tmp_path: Path
) -> None:
    key = tmp_path / "audit.pem"
    write_private_key(key)
    web = make_web(world_template, tmp_path, audit_signing_key_file=key)
    with web.client:
        platform = web.client.app.state.platform  # type: ignore[attr-defined]
        audit.record(platform.engine, [event(1), event(2)])
        signed = platform.checkpointer.run_once()
        assert web.get("/api/audit/verify", "operator").json()["ok"] is True
        with platform.engine.begin() as conn:  # an insider rewrites entry 1 and recomputes
            conn.execute(t.audit_log.update().where(t.audit_log.c.seq == 1).values(actor="x"))
            recompute_from(conn, 1)
        found = web.get("/api/audit/verify", "operator").json()
    assert found["ok"] is False and found["seq"] == signed.size
    assert "chain recomputed" in found["problem"]
    platform.engine.dispose()
