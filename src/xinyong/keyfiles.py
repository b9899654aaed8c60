"""Ed25519 key files (PEM): the node's signing keys for offline extracts and audit
checkpoints, kept outside the database. A private key file is written with mode 0600."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import files
from .errors import ConfigError


def write_private_key(path: Path, key: Ed25519PrivateKey | None = None) -> Ed25519PrivateKey:
    """Write a new (or the given) Ed25519 private key to ``path``, readable by its owner only.

    Raises:
        ConfigError: ``path`` exists already (a signing key is never overwritten).
    """
    key = key or Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(
            f"{path} exists already; a signing key is never overwritten (choose another file, "
            "or remove the old key knowing that what it signed can then only be checked with "
            "its public key)",
            code="key-exists",
        ) from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    path.chmod(0o600)
    return key


def write_public_key(path: Path, key: Ed25519PublicKey) -> None:
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    files.write_bytes(path, pem)


def read_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the signing key {path}: {exc}", code="bad-key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path} is not an Ed25519 private key", code="bad-key")
    return key


def read_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the public key {path}: {exc}", code="bad-key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"{path} is not an Ed25519 public key", code="bad-key")
    return key
