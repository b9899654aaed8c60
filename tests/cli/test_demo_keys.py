"""The demo's own keys: generated once per demo directory, private, reused on a rerun."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from xinyong.cli.demo_keys import DEMO_KEYS, GENERATED, demo_keys, demo_settings
from xinyong.errors import ConfigError
from xinyong.settings import DEFAULT_PSEUDONYM_KEY, secret_weakness


def test_keys_are_generated_strong_into_a_private_file(tmp_path: Path) -> None:
    keys = demo_keys(tmp_path)
    assert (
        set(keys)
        == set(GENERATED)
        == {
            "XINYONG_PSEUDONYM_KEY",
            "XINYONG_SESSION_SECRET",
            "XINYONG_QUARANTINE_KEY",
        }
    )
    assert all(secret_weakness(value) is None for value in keys.values())
    assert len(set(keys.values())) == 3
    assert stat.S_IMODE((tmp_path / DEMO_KEYS).stat().st_mode) == 0o600


def test_a_rerun_on_the_same_directory_reuses_them(tmp_path: Path) -> None:
    first = demo_keys(tmp_path)
    assert demo_keys(tmp_path) == first
    settings = demo_settings(tmp_path)
    assert settings.pseudonym_key.get_secret_value() == first["XINYONG_PSEUDONYM_KEY"]
    assert settings.session_secret.get_secret_value() == first["XINYONG_SESSION_SECRET"]
    assert settings.quarantine_key.get_secret_value() == first["XINYONG_QUARANTINE_KEY"]
    assert settings.pseudonym_key.get_secret_value() != DEFAULT_PSEUDONYM_KEY


def test_a_file_readable_by_others_is_made_private_again(tmp_path: Path) -> None:
    first = demo_keys(tmp_path)
    (tmp_path / DEMO_KEYS).chmod(0o644)
    assert demo_keys(tmp_path) == first
    assert stat.S_IMODE((tmp_path / DEMO_KEYS).stat().st_mode) == 0o600


def test_a_missing_key_is_added_and_the_present_one_kept(tmp_path: Path) -> None:
    (tmp_path / DEMO_KEYS).write_text("XINYONG_PSEUDONYM_KEY=" + "ab12" * 16 + "\n")
    keys = demo_keys(tmp_path)
    assert keys["XINYONG_PSEUDONYM_KEY"] == "ab12" * 16
    assert (
        "XINYONG_SESSION_SECRET=" + keys["XINYONG_SESSION_SECRET"]
        in (tmp_path / DEMO_KEYS).read_text()
    )


def test_a_broken_file_is_refused_with_the_line(tmp_path: Path) -> None:
    (tmp_path / DEMO_KEYS).write_text("# keys\nnot a setting\n")
    with pytest.raises(ConfigError) as refused:
        demo_keys(tmp_path)
    assert refused.value.errors[0].field == "line 2"
