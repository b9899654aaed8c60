"""The platform's keys: the pseudonym key's fingerprint and its rotation, and the
encryption of the webhook secrets at rest (``docs/keys.md``)."""

from .fingerprint import (
    PSEUDONYM_KEY,
    KeyState,
    check_pseudonym_key,
    fingerprint,
    pseudonym_key_state,
    record_pseudonym_key,
)

__all__ = [
    "PSEUDONYM_KEY",
    "KeyState",
    "check_pseudonym_key",
    "fingerprint",
    "pseudonym_key_state",
    "record_pseudonym_key",
]
