"""The service's Ed25519 signing key: one PEM file, created with mode 0600 on first use.

`MUFAKAT_SECRET_KEY_FILE` names it (default: beside the default ledger, in the data folder
`$XDG_STATE_HOME/mufakat`). Public keys travel as the base64 of their 32 raw bytes.

Beside it lives the key that signs berita acara PDFs (ECDSA P-256, which PDF
readers validate; they do not know Ed25519): `<key file>.berita-acara`, made
the same way. The log stays signed by the Ed25519 key alone; the PDF key's
certificate is bound to it by a logged event (`service.audit.minutes_certificates`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

#: The suffix that names the berita acara's PDF signing key beside the log's key file.
PDF_KEY_SUFFIX = ".berita-acara"


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The signing key in `path`, made there first (mode 0600, never overwritten) if missing."""
    if path.exists():
        return load_signing_key(path)
    key = Ed25519PrivateKey.generate()
    # Written whole under a private name, then linked into place: link() never replaces an existing
    # file, so two workers starting together agree on one key, and none ever reads a half-written one.
    draft = write_key_draft(path, key)
    try:
        try:
            os.link(draft, path)
        except FileExistsError:
            return load_signing_key(path)
    finally:
        draft.unlink(missing_ok=True)
    return key


def pdf_key_file(key_file: Path) -> Path:
    """Where the key that signs berita acara PDFs lives: beside the log's key file, named after it."""
    return key_file.with_name(key_file.name + PDF_KEY_SUFFIX)


def load_or_create_pdf_signing_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The ECDSA P-256 key that signs berita acara PDFs, made in `path` first (mode 0600, never overwritten)."""
    if path.exists():
        return load_pdf_signing_key(path)
    draft = write_key_draft(path, ec.generate_private_key(ec.SECP256R1()))
    try:
        with contextlib.suppress(FileExistsError):  # another worker made it meanwhile: both use that one
            os.link(draft, path)
        sync_directory(path.parent)
    finally:
        draft.unlink(missing_ok=True)
    return load_pdf_signing_key(path)


def load_pdf_signing_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The ECDSA P-256 private key stored in a PEM file."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError(f"{path} does not hold an ECDSA P-256 private key")
    return key


def write_key_draft(path: Path, key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> Path:
    """Writes a key whole (mode 0600, synced) under a private name beside `path`; returns that name."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
        file.flush()
        os.fsync(file.fileno())
    return draft


def sync_directory(path: Path) -> None:
    """Makes the names in a directory durable (a rename or link survives a power cut once this returns)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key stored in a PEM file."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as the base64 of its 32 raw bytes."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_pem(key: Ed25519PrivateKey) -> str:
    """The public key as a PEM `PUBLIC KEY` block."""
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode("ascii")


def read_public_key(text: str) -> str:
    """A public key given as base64 raw bytes or as PEM, in the base64 form checkpoints carry."""
    stripped = text.strip()
    if stripped.startswith("-----BEGIN"):
        public = serialization.load_pem_public_key(stripped.encode("ascii"))
        if not isinstance(public, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return public_key_text(public)
    raw = base64.b64decode(stripped, validate=True)
    Ed25519PublicKey.from_public_bytes(raw)
    return stripped


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    """The base64 Ed25519 signature of a message."""
    return base64.b64encode(key.sign(message)).decode("ascii")


def signature_holds(public_key: str, signature: str, message: bytes) -> bool:
    """Whether a base64 signature over the message verifies under a base64 public key."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        public.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
