"""Webhook secrets at rest: AES-256-GCM under a key from the environment
(``XINYONG_WEBHOOK_KEY``).

A stored secret is ``aesgcm1:`` and the URL-safe base64 of a 12-byte random nonce, the
ciphertext and the 16-byte tag; the responder code is the associated data, so a sealed
secret copied to another responder's row does not open. A stored value without the prefix
is a plaintext secret from before encryption: it is sealed on first use (a delivery) or by
``xinyong keys encrypt-webhooks``.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import ConfigError, FieldError

if TYPE_CHECKING:
    from ..settings import Settings

SEALED = "aesgcm1:"
_LABEL = b"xinyong webhook secret key v1\x00"


def webhook_key(settings: Settings) -> bytes:
    """The 256-bit AES key derived from XINYONG_WEBHOOK_KEY (the documented placeholder in
    development when unset).

    Raises:
        ConfigError: ``webhook-key-missing`` in production when it is unset.
    """
    from ..settings import DEFAULT_PSEUDONYM_KEY

    if settings.webhook_key is None:
        if settings.env == "production":
            raise ConfigError(
                "XINYONG_WEBHOOK_KEY is not set: webhook secrets are stored encrypted under it",
                code="webhook-key-missing",
                errors=[FieldError("XINYONG_WEBHOOK_KEY", "is unset", "set 32 random bytes")],
            )
        text = DEFAULT_PSEUDONYM_KEY
    else:
        text = settings.webhook_key.get_secret_value()
    return hashlib.sha256(_LABEL + text.encode()).digest()


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED)


def seal(secret: str, *, responder: str, key: bytes) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), responder.encode())
    return SEALED + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(stored: str, *, responder: str, key: bytes) -> str:
    """The secret a stored value holds (a plaintext one as it is).

    Raises:
        ConfigError: ``webhook-key-mismatch``: it was sealed under another key.
    """
    if not is_sealed(stored):
        return stored
    raw = base64.urlsafe_b64decode(stored[len(SEALED) :])
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], responder.encode()).decode()
    except InvalidTag:
        raise ConfigError(
            f"the webhook secret of {responder!r} was encrypted under another "
            "XINYONG_WEBHOOK_KEY: restore that key from escrow, or register the webhook again "
            "(`xinyong dispatch webhook`)",
            code="webhook-key-mismatch",
            errors=[
                FieldError("XINYONG_WEBHOOK_KEY", "is not the key the secret was sealed under")
            ],
        ) from None
