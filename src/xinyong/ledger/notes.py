"""Signed notes and checkpoints in the C2SP formats (https://c2sp.org/signed-note,
https://c2sp.org/tlog-checkpoint), signed with Ed25519.

A checkpoint is the note text ``"<origin>\\n<tree size>\\n<base64 root hash>\\n"``; the signed
note adds a blank line and one line per signature, ``"— <key name> <base64(key id ||
signature)>"``, where the key id is the first four bytes of SHA-256(key name || 0x0A || 0x01 ||
32-byte public key) and the signature is Ed25519 over the note text. A verifier key is written
as in Go's ``golang.org/x/mod/sumdb/note``: ``<name>+<key id, 8 hex digits>+<base64(0x01 ||
public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import ConfigError, InvalidData
from ..keyfiles import read_private_key

#: the signature type byte of Ed25519 in the signed-note registry
ED25519 = b"\x01"
EM_DASH = "\u2014"


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise ConfigError(
            f"the key name {name!r} is not a signed-note key name: it must be non-empty, "
            "without spaces or '+'",
            code="bad-key-name",
        )
    return name


def key_id(name: str, public: bytes) -> bytes:
    """The 4-byte key id: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public).digest()[:4]


@dataclass(frozen=True)
class NoteVerifier:
    """A public key with its name: checks notes signed by the matching :class:`NoteSigner`."""

    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public)

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(ED25519 + self.public).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, vkey: str) -> NoteVerifier:
        """A verifier from its ``name+keyid+base64`` text.

        Raises:
            InvalidData: the text is not a well-formed Ed25519 verifier key.
        """
        bad = InvalidData(
            f"{vkey[:120]!r} is not a verifier key",
            code="bad-verifier-key",
        )
        parts = vkey.strip().split("+", 2)  # the base64 may hold a "+"
        if len(parts) != 3:
            raise bad
        name, hex_id, encoded = parts
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise bad from None
        if len(raw) != 33 or raw[:1] != ED25519:
            raise bad
        found = cls(_check_name(name), raw[1:])
        if found.key_id.hex() != hex_id.lower():
            raise bad
        return found

    def open(self, note: str) -> str:
        """The text of ``note`` if this key signed it.

        Raises:
            InvalidData: the note is malformed or carries no valid signature by this key.
        """
        text, sep, signatures = note.rpartition("\n\n")
        if not sep:
            raise InvalidData("the note has no signature lines", code="bad-note")
        text += "\n"
        public = Ed25519PublicKey.from_public_bytes(self.public)
        for line in signatures.splitlines():
            prefix, _, rest = line.partition(" ")
            name, _, encoded = rest.partition(" ")
            if prefix != EM_DASH or name != self.name:
                continue
            try:
                raw = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                continue
            if raw[:4] != self.key_id:
                continue  # another key of the same name: ignored, as the format says
            try:
                public.verify(raw[4:], text.encode("utf-8"))
            except InvalidSignature:
                raise InvalidData(
                    f"the note's signature by {self.name} does not verify: the note was "
                    "changed after it was signed",
                    code="bad-signature",
                ) from None
            return text
        raise InvalidData(f"the note is not signed by {self.vkey}", code="unknown-signer")


@dataclass(frozen=True)
class NoteSigner:
    name: str
    key: Ed25519PrivateKey

    @classmethod
    def from_file(cls, path: Path, name: str) -> NoteSigner:
        return cls(_check_name(name), read_private_key(path))

    @property
    def verifier(self) -> NoteVerifier:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return NoteVerifier(self.name, public)

    def sign(self, text: str) -> str:
        """``text`` (ending in a newline) as a signed note."""
        signature = self.key.sign(text.encode("utf-8"))
        encoded = base64.b64encode(self.verifier.key_id + signature).decode("ascii")
        return f"{text}\n{EM_DASH} {self.name} {encoded}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    #: the root hash as hex (the hash of the log's entry number ``size``)
    root: str

    def text(self) -> str:
        root = base64.b64encode(bytes.fromhex(self.root)).decode("ascii")
        return f"{self.origin}\n{self.size}\n{root}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """The checkpoint of a note's text (extension lines after the root are ignored)."""
        lines = text.split("\n")
        try:
            origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
        except (IndexError, ValueError, binascii.Error):
            raise InvalidData(
                f"{text[:200]!r} is not a checkpoint (origin, tree size, base64 root hash)",
                code="bad-checkpoint",
            ) from None
        if size < 0 or len(root) != 32:
            raise InvalidData(f"{text[:200]!r} is not a checkpoint", code="bad-checkpoint")
        return cls(origin, size, root.hex())
