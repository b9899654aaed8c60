"""Secret settings: one strength rule for every secret, refused in production when weak."""

from __future__ import annotations

import logging
import secrets

import pytest
from pydantic import SecretStr

from xinyong.errors import ConfigError
from xinyong.ingest.protect import seal_key
from xinyong.settings import DEFAULT_PSEUDONYM_KEY, Settings, check_secret, secret_weakness

STRONG = secrets.token_hex(32)
OTHER_STRONG = secrets.token_urlsafe(32)


def production(**values: str) -> Settings:
    secrets_ = {
        "pseudonym_key": STRONG,
        "session_secret": OTHER_STRONG,
        "quarantine_key": secrets.token_hex(32),
    }
    return Settings(env="production", **{**secrets_, **values})  # type: ignore[arg-type]


def test_production_starts_with_secrets_of_32_random_bytes() -> None:
    settings = production()
    assert settings.pseudonym_key.get_secret_value() == STRONG


@pytest.mark.parametrize("name", ["pseudonym_key", "session_secret", "quarantine_key"])
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("a", "is 1 character (about 4 bits); it needs 32 random bytes (256 bits)"),
        (STRONG[:63], "is 63 characters (about 252 bits); it needs 32 random bytes (256 bits)"),
        ("ab" * 40, "has only 2 distinct characters; it needs 32 random bytes, not a pattern"),
        (DEFAULT_PSEUDONYM_KEY, "is a placeholder"),
    ],
    ids=["one-character", "63-characters", "a-pattern", "the-placeholder"],
)
def test_production_refuses_a_weak_secret_naming_the_setting(
    name: str, value: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        production(**{name: value})
    setting = f"XINYONG_{name.upper()}"
    assert refused.value.detail.startswith(f"{setting} {problem}; production needs a real secret")
    if len(value) > 1:
        assert value not in str(refused.value.to_dict())
    (error,) = refused.value.errors
    assert (error.field, error.message) == (setting, problem)
    assert "secrets.token_hex(32)" in error.fix
    expected = "placeholder-secret" if problem == "is a placeholder" else "weak-secret"
    assert refused.value.code == expected


def test_a_secret_setting_added_later_is_checked_by_the_same_rule() -> None:
    class WithAnotherKey(Settings):
        quarantine_key: SecretStr = SecretStr("short")

    with pytest.raises(ConfigError) as refused:
        WithAnotherKey(env="production", pseudonym_key=STRONG, session_secret=OTHER_STRONG)
    assert refused.value.errors[0].field == "XINYONG_QUARANTINE_KEY"
    assert refused.value.code == "weak-secret"


def test_the_rule_is_a_function_for_secrets_outside_the_settings() -> None:
    check_secret("audit key file", STRONG, env="production")
    with pytest.raises(ConfigError) as refused:
        check_secret("audit key file", "a" * 10, env="production")
    assert refused.value.errors[0].field == "audit key file"


def test_development_accepts_a_weak_secret_with_a_warning_that_hides_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="xinyong.settings"):
        settings = Settings(pseudonym_key="weakling", session_secret=STRONG)
    assert settings.pseudonym_key.get_secret_value() == "weakling"
    (warning,) = caplog.messages
    assert warning == (
        "XINYONG_PSEUDONYM_KEY is 8 characters (about 48 bits); it needs 32 random bytes "
        "(256 bits); accepted only because XINYONG_ENV=development"
    )


def test_development_accepts_the_documented_placeholder_silently(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="xinyong.settings"):
        Settings(pseudonym_key=DEFAULT_PSEUDONYM_KEY, session_secret=DEFAULT_PSEUDONYM_KEY)
    assert caplog.messages == []


@pytest.mark.parametrize(
    "value",
    [secrets.token_hex(32), secrets.token_urlsafe(32), secrets.token_bytes(40).hex()],
    ids=["token_hex", "token_urlsafe", "token_bytes"],  # the same on every parallel worker
)
def test_generated_secrets_are_strong(value: str) -> None:
    assert secret_weakness(value) is None


REAL = {
    "env": "production",
    "pseudonym_key": secrets.token_hex(32),
    "session_secret": secrets.token_hex(32),
    "quarantine_key": secrets.token_hex(32),
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
