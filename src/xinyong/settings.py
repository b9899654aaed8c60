"""Platform settings: one ``Settings`` object, read from ``XINYONG_*`` environment variables.

Every setting has a description; ``tests/test_docs.py`` checks that each one is documented
in the README. Build a ``Settings(...)`` and pass it down; nothing reads the environment
behind your back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

#: Secrets that must never protect real data; accepted only with ``env=development``.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "development-only-secret", "development-only-quarantine-key"}
)

DEFAULT_PSEUDONYM_KEY = "development-only-secret"
DEFAULT_QUARANTINE_KEY = "development-only-quarantine-key"
#: settings that are secrets: each is refused in production if it is a placeholder
SECRET_SETTINGS = ("pseudonym_key", "session_secret", "quarantine_key")


class Settings(BaseSettings):
    """Everything an operator can set. Environment: ``XINYONG_<NAME>``; ``.env`` is read too."""

    model_config = SettingsConfigDict(
        env_prefix="XINYONG_", env_file=".env", extra="ignore", frozen=True
    )

    env: Literal["development", "production"] = Field(
        default="development",
        description=("Deployment kind. In `production` the platform refuses placeholder secrets."),
    )
    database_url: str = Field(
        default="sqlite:///./xinyong.db",
        description=(
            "SQLAlchemy URL of the ledger database. SQLite (WAL mode) by default; "
            "PostgreSQL as `postgresql+psycopg://user@host:port/dbname`."
        ),
    )
    pseudonym_key: SecretStr = Field(
        default=SecretStr(DEFAULT_PSEUDONYM_KEY),
        description=(
            "Platform secret for the keyed pseudonyms (HMAC-SHA256) that replace resident ID "
            "numbers. Changing it changes every person's pseudonym: set it once per platform."
        ),
    )
    quarantine_key: SecretStr = Field(
        default=SecretStr(DEFAULT_QUARANTINE_KEY),
        description=(
            "Secret (separate from the pseudonym key) under which a quarantined row's invalid "
            "resident number is sealed (AES-256-GCM), so only `xinyong quarantine reveal` "
            "shows it, audited. Without the key a sealed value cannot be read."
        ),
    )
    uscc_mode: Literal["strict", "lenient"] = Field(
        default="strict",
        description=(
            "How Unified Social Credit Codes with a wrong check character are treated: "
            "`strict` rejects them unless they are on the exception list; `lenient` accepts "
            "them with a warning."
        ),
    )
    packs_path: Path | None = Field(
        default=None,
        description=(
            "Extra directory searched for jurisdiction packs before the built-in ones "
            "(a third-party pack is loaded the same way as `cn`)."
        ),
    )
    jurisdiction: str = Field(
        default="cn",
        description="Jurisdiction pack this node runs under, e.g. `cn` or `cn-shenzhen`.",
    )
    bulk_batch_size: int = Field(
        default=20_000,
        ge=1,
        le=1_000_000,
        description="Rows per transaction on the bulk load path.",
    )

    duckdb_threads: int = Field(
        default=2, ge=1, le=256, description="Threads DuckDB may use for evaluation."
    )
    duckdb_memory_limit: str = Field(
        default="4GB", description="Memory DuckDB may use for evaluation, e.g. `4GB`."
    )

    session_secret: SecretStr = Field(
        default=SecretStr(DEFAULT_PSEUDONYM_KEY),
        description=(
            "Secret that signs portal session and CSRF cookies. Changing it logs everyone out."
        ),
    )
    as_of: date | None = Field(
        default=None,
        description=(
            "The date the web platform shows derived state for (YYYY-MM-DD); default: today. "
            "The demo sets it to the synthetic data's delivery date."
        ),
    )
    api_rate_limit: str = Field(
        default="1200/minute",
        description=(
            "Requests allowed per API token (or per client address without one), in the "
            "`limits` notation, e.g. `1200/minute` or `50/second`."
        ),
    )
    login_rate_limit: str = Field(
        default="5/minute",
        description="Failed portal logins allowed per username and per client address.",
    )
    evidence_max_bytes: int = Field(
        default=5_000_000,
        ge=10_000,
        le=50_000_000,
        description=(
            "Largest evidence file (PDF, PNG or JPEG) a subject may upload to an objection or a "
            "repair application (bytes); larger is refused. Upload requests may exceed "
            "`XINYONG_MAX_BODY_BYTES` by this much."
        ),
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        ge=1_000,
        description="Largest request body the web platform accepts (bytes); larger is a 413.",
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.env != "production":
            return self
        for name in SECRET_SETTINGS:
            if getattr(self, name).get_secret_value() in PLACEHOLDER_SECRETS:
                raise ConfigError(
                    f"XINYONG_{name.upper()} is a placeholder; production needs a real secret "
                    "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)",
                    code="placeholder-secret",
                )
        if self.quarantine_key.get_secret_value() == self.pseudonym_key.get_secret_value():
            raise ConfigError(
                "XINYONG_QUARANTINE_KEY equals XINYONG_PSEUDONYM_KEY; the quarantine needs a "
                "separate secret (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)",
                code="shared-secret",
            )
        return self

    @property
    def quarantine_seal_key(self) -> bytes:
        """The AES-256 key that seals quarantined values (derived from ``quarantine_key``)."""
        from .ingest.protect import seal_key

        return seal_key(self.quarantine_key.get_secret_value())

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
