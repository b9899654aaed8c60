"""The ledger remembers the pseudonym key's fingerprint and refuses another key."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cli.test_commands import xinyong
from tests.factories import BEIJING_RESIDENT, KEY
from tests.web.conftest import web_settings
from xinyong.errors import ConfigError
from xinyong.keys import (
    check_pseudonym_key,
    fingerprint,
    pseudonym_key_state,
    record_pseudonym_key,
)
from xinyong.keys.tables import platform_keys
from xinyong.web.app import create_app

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OTHER = b"another-secret-that-is-not-the-ledgers"
LATER = b"the-key-the-ledger-is-rotated-to-later"


def test_a_fingerprint_identifies_the_key_chain_without_showing_it() -> None:
    assert fingerprint(KEY) == fingerprint((KEY,))
    assert len(fingerprint(KEY)) == 16 and all(c in "0123456789abcdef" for c in fingerprint(KEY))
    assert len({fingerprint(KEY), fingerprint(OTHER), fingerprint((KEY, LATER))}) == 3
    assert KEY.hex()[:16] != fingerprint(KEY)


def test_the_first_check_records_the_key_and_another_key_is_refused(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        assert pseudonym_key_state(conn, (KEY,)).state == "absent"
        check_pseudonym_key(conn, (KEY,), now=NOW)
        assert conn.execute(sa.select(platform_keys.c.name, platform_keys.c.fingerprint)).all() == [
            ("pseudonym", fingerprint(KEY))
        ]
        check_pseudonym_key(conn, (KEY,), now=NOW)  # the same key again: accepted
        with pytest.raises(ConfigError) as refused:
            check_pseudonym_key(conn, (OTHER,), now=NOW)
    assert refused.value.code == "pseudonym-key-mismatch"
    assert "restore the original XINYONG_PSEUDONYM_KEY" in refused.value.detail
    assert "xinyong keys rotate-pseudonym" in refused.value.detail
    assert [e.field for e in refused.value.errors] == ["XINYONG_PSEUDONYM_KEY"]
    assert OTHER.decode() not in str(refused.value.to_dict())
    assert KEY.decode() not in str(refused.value.to_dict())


def test_a_rotation_key_not_yet_applied_asks_for_the_rotation(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        record_pseudonym_key(conn, KEY, now=NOW)
        with pytest.raises(ConfigError) as pending:
            check_pseudonym_key(conn, (KEY, LATER), now=NOW)
        assert pending.value.code == "pseudonym-rotation-pending"
        record_pseudonym_key(conn, (KEY, LATER), now=NOW)
        check_pseudonym_key(conn, (KEY, LATER), now=NOW)
        with pytest.raises(ConfigError) as old_alone:
            check_pseudonym_key(conn, (KEY,), now=NOW)
    assert old_alone.value.code == "pseudonym-key-mismatch"


def test_the_web_platform_refuses_to_start_with_another_key(engine: sa.Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    create_app(web_settings(url), engine=engine)  # records the key
    with pytest.raises(ConfigError) as refused:
        create_app(web_settings(url, pseudonym_key=OTHER.decode()), engine=engine)
    assert refused.value.code == "pseudonym-key-mismatch"


def world(tmp_path: Path, template: Path, key: bytes = KEY) -> dict[str, str]:
    shutil.copy(template, tmp_path / "w.db")
    return {
        "XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        "XINYONG_PSEUDONYM_KEY": key.decode(),
    }


def test_init_records_the_key_and_a_command_that_pseudonymises_refuses_another(
    tmp_path: Path, world_template: Path
) -> None:
    env = world(tmp_path, world_template)
    assert xinyong("init", cwd=tmp_path, **env).returncode == 0
    screen = ("screen", BEIJING_RESIDENT, "--action", "aviation.ticket", "--as-of", "2026-06-30")
    assert xinyong(*screen, cwd=tmp_path, **env).returncode == 1  # listed: deny
    other = {**env, "XINYONG_PSEUDONYM_KEY": OTHER.decode()}
    refused = xinyong(*screen, cwd=tmp_path, **other)
    assert refused.returncode == 2, refused.stdout  # was: exit 0, "allow"
    assert "error (pseudonym-key-mismatch)" in refused.stderr
    assert OTHER.decode() not in refused.stderr + refused.stdout
    assert BEIJING_RESIDENT not in refused.stderr + refused.stdout
    assert xinyong("init", cwd=tmp_path, **other).returncode == 2
