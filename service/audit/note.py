"""C2SP signed notes, checkpoints and cosignatures (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature).

A checkpoint is a note whose body is three lines: the log's origin, the tree
size in decimal, the base64 root hash; then an empty line; then one signature
line per signer:

    — <key name> base64(key ID (4 bytes) ‖ signature)

For the log's own Ed25519 signature (type 0x01) the key ID is
SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key)[:4] and the signature covers the
body (with its final newline). A witness's cosignature (type 0x04) signs
"cosignature/v1\\ntime <t>\\n" followed by the body, and carries the time:
base64(key ID ‖ uint64_be(t) ‖ signature). Keys travel here as the base64 of
their 32 raw bytes, or as vkeys `<name>+<hex key ID>+<base64(type ‖ key)>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from service.audit.signing import public_key_text

ED25519 = 0x01
COSIGNATURE = 0x04
DASH = "\u2014"


class NoteError(ValueError):
    """The text is not a well-formed signed note or checkpoint."""


def raw_public_key(public_key: str) -> bytes:
    """The 32 raw bytes of a base64 public key."""
    raw = base64.b64decode(public_key, validate=True)
    if len(raw) != 32:
        raise NoteError("an Ed25519 public key has 32 bytes")
    return raw


def key_id(name: str, public_key: str, algorithm: int = ED25519) -> bytes:
    """The 4-byte key ID of a signer: SHA-256(name ‖ 0x0A ‖ algorithm ‖ public key)[:4]."""
    material = name.encode("utf-8") + b"\n" + bytes([algorithm]) + raw_public_key(public_key)
    return hashlib.sha256(material).digest()[:4]


def verifier_key(name: str, public_key: str, algorithm: int = ED25519) -> str:
    """The signed-note vkey text: `<name>+<hex key ID>+<base64(algorithm ‖ key)>`."""
    encoded = base64.b64encode(bytes([algorithm]) + raw_public_key(public_key)).decode("ascii")
    return f"{name}+{key_id(name, public_key, algorithm).hex()}+{encoded}"


def parse_verifier_key(text: str) -> tuple[str, str, int]:
    """(name, base64 public key, algorithm) of a vkey. Raises NoteError when it is not one."""
    try:
        # Key names never contain "+" (signed-note); the base64 part may.
        name, hex_id, encoded = text.strip().split("+", 2)
        material = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise NoteError("not a verifier key (name+keyid+base64)") from None
    if len(material) != 33 or material[0] not in (ED25519, COSIGNATURE):
        raise NoteError("the verifier key is not an Ed25519 key")
    public_key = base64.b64encode(material[1:]).decode("ascii")
    if key_id(name, public_key, material[0]).hex() != hex_id.lower():
        raise NoteError("the verifier key's ID does not match its name and key")
    return name, public_key, material[0]


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note."""

    name: str
    key_id: bytes
    signature: bytes  # for a cosignature: the 8-byte time, then the 64-byte signature

    def line(self) -> str:
        """The line as it appears in the note (without the newline)."""
        return f"{DASH} {self.name} {base64.b64encode(self.key_id + self.signature).decode('ascii')}"


def split_note(text: str) -> tuple[str, list[NoteSignature]]:
    """(body with its final newline, signature lines) of a signed note. Raises NoteError."""
    if not text.endswith("\n") or "\n\n" not in text:
        raise NoteError("a signed note is a body, an empty line and signature lines, each ending with a newline")
    cut = text.rindex("\n\n")
    body, tail = text[: cut + 1], text[cut + 2 :]
    signatures = []
    for line in tail[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or not parts[1]:
            raise NoteError("a signature line is '— <name> <base64>'")
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except binascii.Error:
            raise NoteError("a signature line's signature is not base64") from None
        if len(blob) < 5:
            raise NoteError("a signature line is too short")
        signatures.append(NoteSignature(parts[1], blob[:4], blob[4:]))
    if not signatures:
        raise NoteError("the note has no signature")
    return body, signatures


@dataclass(frozen=True)
class CheckpointBody:
    """The three lines a checkpoint commits to (and any extension lines)."""

    origin: str
    tree_size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The body as signed: each line ending with a newline."""
        lines = [self.origin, str(self.tree_size), base64.b64encode(self.root).decode("ascii"), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint_body(body: str) -> CheckpointBody:
    """The origin, size and root of a checkpoint's body. Raises NoteError."""
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0]:
        raise NoteError("a checkpoint body is origin, tree size and root hash, one per line")
    size_text, root_text = lines[1], lines[2]
    if not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
        raise NoteError("the tree size is not a decimal without leading zeroes")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        raise NoteError("the root hash is not base64") from None
    if len(root) != 32:
        raise NoteError("the root hash is not 32 bytes")
    return CheckpointBody(lines[0], int(size_text), root, tuple(lines[3:-1]))


def sign_checkpoint_note(body: CheckpointBody, key: Ed25519PrivateKey, name: str | None = None) -> str:
    """The signed note of a checkpoint body, signed by the log's key under `name` (default: the origin)."""
    text = body.text()
    name = name or body.origin
    signature = NoteSignature(name, key_id(name, public_key_text(key)), key.sign(text.encode("utf-8")))
    return f"{text}\n{signature.line()}\n"


def _holds(public_key: str, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw_public_key(public_key)).verify(signature, message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def note_signed_by(text: str, public_key: str, name: str | None = None) -> NoteSignature | None:
    """The signature line of `text` made by this log key (under `name`, default the origin), if it verifies."""
    try:
        body, signatures = split_note(text)
        wanted_name = name or body.split("\n", 1)[0]
        wanted_id = key_id(wanted_name, public_key)
    except (NoteError, binascii.Error):
        return None
    for signature in signatures:
        named = signature.name == wanted_name and signature.key_id == wanted_id
        if named and _holds(public_key, signature.signature, body.encode("utf-8")):
            return signature
    return None


def cosignature_message(body: str, timestamp: int) -> bytes:
    """What a witness signs (tlog-cosignature v1): header line, time line, the checkpoint body."""
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosign(body: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> NoteSignature:
    """A witness's cosignature over a checkpoint body at a time (seconds since the epoch)."""
    signed = struct.pack(">Q", timestamp) + key.sign(cosignature_message(body, timestamp))
    return NoteSignature(name, key_id(name, public_key_text(key), COSIGNATURE), signed)


def cosignature_time(body: str, signature: NoteSignature, public_key: str) -> int | None:
    """The time of a cosignature when it is this witness key's (by name and ID) and verifies, else None."""
    try:
        if signature.key_id != key_id(signature.name, public_key, COSIGNATURE):
            return None
    except (NoteError, binascii.Error):
        return None
    if len(signature.signature) != 72:
        return None
    (timestamp,) = struct.unpack(">Q", signature.signature[:8])
    if _holds(public_key, signature.signature[8:], cosignature_message(body, timestamp)):
        return int(timestamp)
    return None


def parse_signature_line(line: str) -> NoteSignature:
    """One `— <name> <base64>` line. Raises NoteError."""
    _, signatures = split_note("x\n\n" + line.rstrip("\n") + "\n")
    return signatures[0]
