"""Platform settings: one ``Settings`` object, read from ``XINYONG_*`` environment variables.

Every setting has a description; ``tests/test_docs.py`` checks that each one is documented
in the README. Build a ``Settings(...)`` and pass it down; nothing reads the environment
behind your back.
"""

from __future__ import annotations

import logging
import math
import string
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError, FieldError

#: Secrets that must never protect real data; accepted only with ``env=development``.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "development-only-secret", "development-only-quarantine-key"}
)

DEFAULT_PSEUDONYM_KEY = "development-only-secret"
DEFAULT_QUARANTINE_KEY = "development-only-quarantine-key"

#: the least a platform secret must carry: 32 random bytes (256 bits)
MIN_SECRET_BITS = 256
#: a random secret of that size has many distinct characters; ``aaaa…`` has one
MIN_SECRET_DISTINCT = 12
SECRET_FIX = "generate one: `python -c 'import secrets; print(secrets.token_hex(32))'`"
_HEX = frozenset(string.hexdigits)
_BASE64 = frozenset(string.ascii_letters + string.digits + "+/-_=")


def secret_weakness(value: str) -> str | None:
    """Why ``value`` cannot protect a production platform, or ``None`` if it can.

    A secret must carry at least 32 random bytes: 64 hex digits, 43 base64 characters, or as
    many characters of a larger alphabet. Its strength is estimated from its length and
    alphabet, so a long run of one character is refused too.

    >>> secret_weakness("a")
    'is 1 character (about 4 bits); it needs 32 random bytes (256 bits)'
    >>> secret_weakness("0123456789abcdef" * 4)
    >>> secret_weakness("a" * 64)
    'has only 1 distinct characters; it needs 32 random bytes, not a pattern'
    >>> secret_weakness("development-only-secret")
    'is a placeholder'
    """
    if value in PLACEHOLDER_SECRETS:
        return "is a placeholder"
    chars = set(value)
    alphabet = 16 if chars <= _HEX else 64 if chars <= _BASE64 else 94
    bits = int(len(value) * math.log2(alphabet))
    if bits < MIN_SECRET_BITS:
        size = f"{len(value)} character{'s' if len(value) != 1 else ''}"
        return f"is {size} (about {bits} bits); it needs 32 random bytes ({MIN_SECRET_BITS} bits)"
    if len(chars) < MIN_SECRET_DISTINCT:
        return f"has only {len(chars)} distinct characters; it needs 32 random bytes, not a pattern"
    return None


def check_secret(name: str, value: str, *, env: str) -> None:
    """The rule for every platform secret (settings, key files): in ``production`` a weak
    one is refused; in ``development`` the documented placeholder is accepted and any other
    weak secret accepted with a warning (never the secret itself in it).

    Raises:
        ConfigError: ``env`` is ``production`` and ``value`` is weak (``code="weak-secret"``,
            or ``placeholder-secret`` for a placeholder).
    """
    problem = secret_weakness(value)
    if problem is None:
        return
    if env == "production":
        raise ConfigError(
            f"{name} {problem}; production needs a real secret ({SECRET_FIX})",
            code="placeholder-secret" if problem == "is a placeholder" else "weak-secret",
            errors=[FieldError(name, problem, SECRET_FIX)],
        )
    if value not in PLACEHOLDER_SECRETS:
        logging.getLogger("xinyong.settings").warning(
            "%s %s; accepted only because XINYONG_ENV=development", name, problem
        )


class Settings(BaseSettings):
    """Everything an operator can set. Environment: ``XINYONG_<NAME>``; ``.env`` is read too."""

    model_config = SettingsConfigDict(
        env_prefix="XINYONG_", env_file=".env", extra="ignore", frozen=True
    )

    env: Literal["development", "production"] = Field(
        default="development",
        description=(
            "Deployment kind. In `production` the platform refuses any secret weaker than 32 "
            "random bytes; in `development` it warns (the documented placeholder excepted)."
        ),
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
            "numbers: at least 32 random bytes (64 hex digits), or production refuses to start. "
            "Changing it changes every person's pseudonym: set it once per platform "
            "(the ledger stores its fingerprint and refuses another key; see docs/keys.md)."
        ),
    )
    pseudonym_rotations: SecretStr | None = Field(
        default=None,
        description=(
            "The keys the pseudonyms were re-keyed to since `XINYONG_PSEUDONYM_KEY`, oldest "
            "first, comma-separated, each at least 32 random bytes: a pseudonym is "
            "HMAC(root key) re-keyed by each in turn (`xinyong keys rotate-pseudonym` adds "
            "the last one to the ledger). Unset: never rotated."
        ),
    )
    webhook_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret under which the responders' webhook signing secrets are encrypted in the "
            "database (AES-256-GCM): at least 32 random bytes, or production refuses to start. "
            "Unset: in production webhooks cannot be registered or delivered; in development "
            "the documented placeholder is used. Losing it makes the stored secrets "
            "unreadable: register the webhooks again."
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
    calendar_path: Path | None = Field(
        default=None,
        description=(
            "Directory of PRC working-day calendar years the operator added "
            "(`xinyong calendar add FILE` installs `YYYY.yaml` here); they add to, or "
            "correct, the years the `cn` pack ships. Unset: the pack's years only, later "
            "years provisional."
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
    spark_master: str = Field(
        default="local[2]",
        pattern=r"^(local(\[(\d+|\*)\])?|submit)$",
        description=(
            "Where `--engine spark` runs: `local[N]` (N cores on this machine) or `submit` "
            "(the session spark-submit provides, on a cluster)."
        ),
    )
    spark_driver_memory: str = Field(
        default="1g",
        pattern=r"^\d+[kmgt]$",
        description="Memory of the local Spark driver for `--engine spark`, e.g. `1g`.",
    )

    inbox: Path | None = Field(
        default=None,
        description=(
            "Directory `xinyong run daily` ingests: one subdirectory per delivery set, each "
            "with its manifest.json; loaded sets move to `loaded/`, held ones stay."
        ),
    )
    extract_dir: Path | None = Field(
        default=None,
        description="Directory `xinyong run daily` writes the day's signed extract into.",
    )
    extract_key: Path | None = Field(
        default=None,
        description="Ed25519 key (PEM, `xinyong extract keygen`) that signs the daily extract.",
    )
    verify_every_days: int = Field(
        default=7,
        ge=0,
        description=(
            "The daily run evaluates incrementally and verifies against a full recompute when "
            "the newest verified evaluation is this many days old; 0 evaluates in full daily."
        ),
    )
    evaluation_keep_days: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Stored evaluations of dates more than this many days old are pruned (the newest "
            "before the cut-off is kept); unset keeps every date. A rerun of a date always "
            "replaces the earlier copy at the next prune."
        ),
    )
    session_secret: SecretStr = Field(
        default=SecretStr(DEFAULT_PSEUDONYM_KEY),
        description=(
            "Secret that signs portal session and CSRF cookies: at least 32 random bytes, or "
            "production refuses to start. Changing it logs everyone out."
        ),
    )
    session_idle_minutes: int = Field(
        default=30,
        ge=1,
        le=24 * 60,
        description=(
            "Minutes a portal session may go unused before it ends (the user signs in again). "
            "Sessions are server-side: logout, a password change or disabling the account "
            "ends every copy of the cookie at once; none lives longer than 8 hours."
        ),
    )
    as_of: date | None = Field(
        default=None,
        description=(
            "The date the web platform shows derived state for (YYYY-MM-DD); default: today. "
            "The demo sets it to the synthetic data's delivery date."
        ),
    )
    screening_wait_seconds: float = Field(
        default=10.0,
        ge=0,
        le=600,
        description=(
            "Seconds a screening check waits for a new day's index (built in the background "
            "at the first check of the day) before it is answered 503 with `Retry-After`."
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
    access_log: bool = Field(
        default=True,
        description=(
            "Whether `xinyong serve` writes the request log: one JSON line per request on "
            "standard error (time, method, route template, status, duration, actor; identity "
            "numbers masked, query strings never logged)."
        ),
    )
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description=(
            "Addresses (comma-separated, or `*`) of reverse proxies whose X-Forwarded-For and "
            "X-Forwarded-Proto headers `xinyong serve` believes; the client address is then the "
            "forwarded one (rate limits, the loopback rule of `/metrics`, the audit log)."
        ),
    )
    metrics_from_loopback: bool = Field(
        default=True,
        description=(
            "Whether `/metrics` answers any caller on the loopback address (a local Prometheus) "
            "besides the operator role. Turn it off, or keep the reverse proxy from forwarding "
            "`/metrics`, when a proxy on the same host forwards public traffic."
        ),
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        ge=1_000,
        description="Largest request body the web platform accepts (bytes); larger is a 413.",
    )

    audit_signing_key_file: Path | None = Field(
        default=None,
        description=(
            "Ed25519 private key (PEM, mode 0600, kept outside the database; "
            "`xinyong audit keygen FILE` makes one) that signs checkpoints of the audit log. "
            "Unset: no checkpoints are signed."
        ),
    )
    audit_log_name: str = Field(
        default="xinyong.local/audit",
        pattern=r"^[^\s+]+$",
        description=(
            "The audit log's origin and key name in its signed checkpoints, unique per node "
            "(no spaces or `+`), e.g. `credit.example.gov.cn/audit`."
        ),
    )
    audit_checkpoint_entries: int = Field(
        default=1000,
        ge=1,
        description="Sign a checkpoint once the audit log has grown by this many entries…",
    )
    audit_checkpoint_minutes: int = Field(
        default=10,
        ge=1,
        description="…or once the last checkpoint is this many minutes old and entries came since.",
    )

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Settings:
        """Every ``SecretStr`` setting, including ones added later, passes ``check_secret``."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                for part in self._secret_parts(name, value):
                    check_secret(f"XINYONG_{name.upper()}", part, env=self.env)
        if self.env == "production" and (
            self.quarantine_key.get_secret_value() == self.pseudonym_key.get_secret_value()
        ):
            raise ConfigError(
                "XINYONG_QUARANTINE_KEY equals XINYONG_PSEUDONYM_KEY; the quarantine needs a "
                f"separate secret ({SECRET_FIX})",
                code="shared-secret",
            )
        return self

    @staticmethod
    def _secret_parts(name: str, value: SecretStr) -> list[str]:
        """A secret setting's secrets: the comma-separated keys of ``pseudonym_rotations``,
        otherwise the one value."""
        text = value.get_secret_value()
        return [p.strip() for p in text.split(",")] if name == "pseudonym_rotations" else [text]

    @property
    def pseudonym_chain(self) -> tuple[bytes, ...]:
        """The pseudonym key and each key rotated to since, oldest first (``PseudonymKey``)."""
        rotations = self.pseudonym_rotations
        later = [] if rotations is None else self._secret_parts("pseudonym_rotations", rotations)
        return (self.pseudonym_key.get_secret_value().encode(), *(k.encode() for k in later))

    @property
    def quarantine_seal_key(self) -> bytes:
        """The AES-256 key that seals quarantined values (derived from ``quarantine_key``)."""
        from .ingest.protect import seal_key

        return seal_key(self.quarantine_key.get_secret_value())

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def settings_error(exc: ValidationError) -> ConfigError:
    """A settings validation failure as one line: each variable, what it holds (never a
    secret's value) and what it may hold."""
    problems = []
    for error in exc.errors():
        name = "_".join(str(part) for part in error["loc"])
        field = Settings.model_fields.get(name)
        secret = field is not None and field.annotation in (SecretStr, SecretStr | None)
        shown = "" if secret else f"={str(error.get('input'))[:60]!r}"
        problems.append(f"XINYONG_{name.upper()}{shown}: {error['msg']}")
    return ConfigError("; ".join(problems) + " (fix the environment or .env)", code="bad-setting")


def load_settings() -> Settings:
    """``Settings()`` from the environment, a bad value raised as a :class:`ConfigError`."""
    try:
        return Settings()
    except ValidationError as exc:
        raise settings_error(exc) from None
