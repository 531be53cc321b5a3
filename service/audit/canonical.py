"""The canonical encoding of a stored event, and the two chains built over it.

Documented in docs/audit-format.md. Everything here is bytes in a fixed,
length-prefixed layout (big-endian integers, UTF-8 text, no Python repr), so
any language recomputes the same hashes:

    encoding(event) = 0x01                       format version
                    ‖ originator_id              16 bytes, the UUID in RFC 4122 byte order
                    ‖ int64_be(version)
                    ‖ uint32_be(len(topic)) ‖ topic (UTF-8)
                    ‖ uint32_be(len(state)) ‖ state (the stored bytes, as they are)
    hash_n  = SHA-256(hash of the previous event of the same aggregate, or GENESIS ‖ encoding)
    root_n  = SHA-256(root_{n-1}, or GENESIS ‖ hash_n)     over the notification order
"""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime
from uuid import UUID

GENESIS = bytes(32)
FORMAT_VERSION = b"\x01"
CHECKPOINT_MESSAGE_PREFIX = "mufakat-checkpoint/1"
ROTATION_MESSAGE_PREFIX = "mufakat-key-rotation/1"

_VERSION = struct.Struct(">q")
_LENGTH = struct.Struct(">I")


def originator_bytes(originator_id: UUID | str | bytes) -> bytes:
    """The 16 bytes of an aggregate id, from a UUID, its text (hex with or without hyphens) or its bytes."""
    if isinstance(originator_id, UUID):
        return originator_id.bytes
    if isinstance(originator_id, bytes):
        if len(originator_id) != 16:
            raise ValueError("an originator id has 16 bytes")
        return originator_id
    return UUID(originator_id).bytes


def encode_event(originator_id: bytes, version: int, topic: str, state: bytes) -> bytes:
    """The canonical encoding of one stored event (see the module docstring)."""
    topic_bytes = topic.encode("utf-8")
    return b"".join(
        (
            FORMAT_VERSION,
            originator_id,
            _VERSION.pack(version),
            _LENGTH.pack(len(topic_bytes)),
            topic_bytes,
            _LENGTH.pack(len(state)),
            state,
        )
    )


def event_hash(previous: bytes, originator_id: bytes, version: int, topic: str, state: bytes) -> bytes:
    """The chained hash of an event: SHA-256(previous hash of its aggregate ‖ its encoding)."""
    return hashlib.sha256(previous + encode_event(originator_id, version, topic, state)).digest()


def next_root(root: bytes, hash_: bytes) -> bytes:
    """The global root after one more event in notification order."""
    return hashlib.sha256(root + hash_).digest()


def sealed_at_text(sealed_at: datetime) -> str:
    """The seal time as signed: RFC 3339 in UTC with microseconds (`2026-11-23T11:30:00.000000Z`)."""
    return sealed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def checkpoint_message(position: int, root_hash: str, sealed_at: str) -> bytes:
    """The exact bytes a checkpoint's Ed25519 signature covers (one line of ASCII)."""
    return f"{CHECKPOINT_MESSAGE_PREFIX} position={position} root={root_hash} sealed_at={sealed_at}".encode("ascii")


def rotation_message(old_public_key: str, new_public_key: str, position: int, rotated_at: str) -> bytes:
    """The exact bytes the retiring key signs to hand signing over to the new one (one line of ASCII)."""
    return (
        f"{ROTATION_MESSAGE_PREFIX} old={old_public_key} new={new_public_key} "
        f"position={position} rotated_at={rotated_at}"
    ).encode("ascii")
