"""Settings refuse secrets that cannot protect real data, in production."""

from __future__ import annotations

import pytest

from xinyong.errors import ConfigError
from xinyong.ingest.protect import seal_key
from xinyong.settings import Settings

REAL = {
    "env": "production",
    "pseudonym_key": "5f0c9e5b2a7d4e1f8a3b6c9d0e2f4a6b",
    "session_secret": "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
    "quarantine_key": "0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b",
}


@pytest.mark.parametrize("placeholder", ["", "changeme", "development-only-quarantine-key"])
def test_production_refuses_a_placeholder_quarantine_key(placeholder: str) -> None:
    with pytest.raises(ConfigError, match="XINYONG_QUARANTINE_KEY is a placeholder"):
        Settings(**{**REAL, "quarantine_key": placeholder})


def test_production_refuses_the_pseudonym_key_as_the_quarantine_key() -> None:
    with pytest.raises(ConfigError) as exc:
        Settings(**{**REAL, "quarantine_key": REAL["pseudonym_key"]})
    assert exc.value.code == "shared-secret"


def test_the_seal_key_is_derived_from_the_quarantine_key() -> None:
    settings = Settings(**REAL)
    assert settings.quarantine_seal_key == seal_key(REAL["quarantine_key"])
    assert len(settings.quarantine_seal_key) == 32
    assert seal_key("other") != settings.quarantine_seal_key
