"""Webhook secrets are stored encrypted (AES-256-GCM) and still sign deliveries."""

from __future__ import annotations

import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cli.test_commands import xinyong
from tests.factories import KEY
from xinyong.errors import ConfigError
from xinyong.keys.sealing import is_sealed, seal, unseal, webhook_key
from xinyong.sanctions.tables import webhooks
from xinyong.sanctions.webhooks import deliver, register
from xinyong.schemes import load_pack
from xinyong.settings import Settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STRONG = "5d41402abc4b2a76b9719d911017c592aaf0c1b2d3e4f5061728394a5b6c7d8e"
OTHER = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def key(text: str) -> bytes:
    return webhook_key(Settings(webhook_key=text))  # type: ignore[arg-type]


def test_a_sealed_secret_opens_only_under_its_key_and_for_its_responder() -> None:
    sealed = seal("s3cret", responder="civil_aviation", key=key(STRONG))
    assert is_sealed(sealed) and "s3cret" not in sealed
    assert unseal(sealed, responder="civil_aviation", key=key(STRONG)) == "s3cret"
    for responder, other in (("civil_aviation", key(OTHER)), ("procurement", key(STRONG))):
        with pytest.raises(ConfigError) as refused:
            unseal(sealed, responder=responder, key=other)
        assert refused.value.code == "webhook-key-mismatch"
        assert [e.field for e in refused.value.errors] == ["XINYONG_WEBHOOK_KEY"]


def test_production_needs_a_webhook_key() -> None:
    strong = {
        "pseudonym_key": STRONG,
        "session_secret": OTHER,
        "quarantine_key": secrets.token_hex(32),
    }
    settings = Settings(env="production", **strong)  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as refused:
        webhook_key(settings)
    assert refused.value.code == "webhook-key-missing"
    with pytest.raises(ConfigError) as weak:
        Settings(env="production", webhook_key="x", **strong)  # type: ignore[arg-type]
    assert weak.value.code == "weak-secret" and weak.value.errors[0].field == "XINYONG_WEBHOOK_KEY"


def test_registered_secrets_are_stored_encrypted_and_old_plaintext_is_sealed_on_use(
    engine: sa.Engine,
) -> None:
    pack = load_pack("cn")
    with engine.begin() as conn:
        secret = register(
            conn, pack, "civil_aviation", "http://127.0.0.1:9/n", now=NOW, key=key(STRONG)
        )
        conn.execute(
            webhooks.insert().values(
                responder="procurement", url="http://127.0.0.1:9/p", secret="old", created_at=NOW
            )
        )
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.select(webhooks.c.responder, webhooks.c.secret)).all())
    assert secret not in stored["civil_aviation"] and is_sealed(stored["civil_aviation"])
    assert stored["procurement"] == "old"
    deliver(engine, now=NOW, key=key(STRONG), post=lambda url, body, headers: 200)
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.select(webhooks.c.responder, webhooks.c.secret)).all())
    assert is_sealed(stored["procurement"])
    assert unseal(stored["procurement"], responder="procurement", key=key(STRONG)) == "old"
    with pytest.raises(ConfigError) as refused:
        deliver(engine, now=NOW, key=key(OTHER), post=lambda url, body, headers: 200)
    assert refused.value.code == "webhook-key-mismatch"


def test_encrypt_webhooks_seals_the_plaintext_rows(tmp_path: Path, world_template: Path) -> None:
    shutil.copy(world_template, tmp_path / "w.db")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            webhooks.insert().values(
                responder="procurement", url="http://127.0.0.1:9/p", secret="old", created_at=NOW
            )
        )
    env = {
        "XINYONG_DATABASE_URL": url,
        "XINYONG_PSEUDONYM_KEY": KEY.decode(),
        "XINYONG_WEBHOOK_KEY": STRONG,
    }
    run = xinyong("keys", "encrypt-webhooks", cwd=tmp_path, **env)
    assert run.returncode == 0 and "encrypted 1 webhook secret" in run.stdout, run.stderr
    with engine.connect() as conn:
        (stored,) = conn.execute(sa.select(webhooks.c.secret)).scalars()
    engine.dispose()
    assert unseal(stored, responder="procurement", key=key(STRONG)) == "old"
