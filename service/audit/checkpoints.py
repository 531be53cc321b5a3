"""Signed checkpoints: the service seals the global log at a position, and the seal is an event too.

A checkpoint names a position (the last notification id when it was sealed),
the global root hash over every event up to it, the time, and an Ed25519
signature over `canonical.checkpoint_message`. It is stored as a
`CheckpointSealed` event in its own log (a fixed originator id), so it is
chained and rooted like every other event and appears in the transparency
feed; a partner who keeps one can later prove a history rewritten or cut short.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import Application, EventSourcedLog
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError

from service.audit.canonical import checkpoint_message, sealed_at_text
from service.audit.chain import HASHES_TABLE
from service.audit.signing import public_key_text, sign, signature_holds
from service.storage import SideTables

CHECKPOINT_LOG_ID = UUID("b7a0c6f2-3d5e-4f81-9c2a-6e4d8b1f0a53")
CHECKPOINT_TOPIC = "service.audit.checkpoints:CheckpointSealed"
_ATTEMPTS = 10


class CheckpointSealed(DomainEvent):
    """The service sealed the global log up to `position` with root `root_hash` (hex), signed."""

    position: int
    root_hash: str
    signature: str
    public_key: str
    sealed_at: datetime


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as auditors see and keep it (all text, as served by `/audit/checkpoints`)."""

    position: int
    root_hash: str
    sealed_at: str
    signature: str
    public_key: str
    event_position: int | None = None

    def message(self) -> bytes:
        """The bytes the signature covers."""
        return checkpoint_message(self.position, self.root_hash, self.sealed_at)

    def signature_holds(self, public_key: str | None = None) -> bool:
        """Whether the signature verifies under `public_key` (default: the key the checkpoint names)."""
        return signature_holds(public_key or self.public_key, self.signature, self.message())

    def as_dict(self) -> dict[str, Any]:
        """The checkpoint as JSON-ready primitives."""
        return asdict(self)

    @classmethod
    def from_dict(cls, fields: dict[str, Any]) -> Checkpoint:
        """A checkpoint back from `as_dict` (e.g. one a partner kept)."""
        return cls(
            position=int(fields["position"]),
            root_hash=str(fields["root_hash"]),
            sealed_at=str(fields["sealed_at"]),
            signature=str(fields["signature"]),
            public_key=str(fields["public_key"]),
            event_position=fields.get("event_position"),
        )


def checkpoint_from_state(state: bytes, event_position: int | None = None) -> Checkpoint:
    """A checkpoint read straight from a stored event's JSON state (no application needed).

    Raises ValueError when the state is not a checkpoint's.
    """
    try:
        fields = json.loads(state)
        sealed = fields["sealed_at"]
        sealed_at = sealed["_data_"] if isinstance(sealed, dict) else sealed
        return Checkpoint(
            position=int(fields["position"]),
            root_hash=str(fields["root_hash"]),
            sealed_at=sealed_at_text(datetime.fromisoformat(sealed_at)),
            signature=str(fields["signature"]),
            public_key=str(fields["public_key"]),
            event_position=event_position,
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"not a checkpoint: {type(error).__name__}") from None


def checkpoint_log(app: Application[UUID]) -> EventSourcedLog[CheckpointSealed]:
    """The log of checkpoints of an application."""
    return EventSourcedLog(app.events, CHECKPOINT_LOG_ID, CheckpointSealed)


def seal_checkpoint(
    app: Application[UUID], key: Ed25519PrivateKey, *, only_if_new: bool = False, now: datetime | None = None
) -> Checkpoint | None:
    """Seals the log as it stands: signs (last position, its root) and records that as an event.

    With `only_if_new` (for periodic sealing) nothing is sealed when no event
    but the last checkpoint came since. Returns None when nothing was sealed.
    """
    tables = SideTables(app.recorder)
    log = checkpoint_log(app)
    for _ in range(_ATTEMPTS):
        last = tables.fetch_one(
            f"SELECT notification_id, root, originator_id FROM {HASHES_TABLE} ORDER BY notification_id DESC LIMIT 1"
        )
        if last is None:
            return None
        position, root, last_originator = int(last[0]), bytes(last[1]).hex(), last[2]
        if only_if_new and _is_checkpoint_log(last_originator):
            return None
        sealed_at = now or datetime.now(UTC)
        text = sealed_at_text(sealed_at)
        signature = sign(key, checkpoint_message(position, root, text))
        sealed = log.trigger_event(
            position=position,
            root_hash=root,
            signature=signature,
            public_key=public_key_text(key),
            sealed_at=sealed_at,
        )
        try:
            app.save(sealed)
        except IntegrityError:
            continue  # another sealer was first: seal again on top of theirs
        return Checkpoint(position, root, text, signature, public_key_text(key))
    return None


def _is_checkpoint_log(originator_id: Any) -> bool:
    text = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id).replace("-", "")
    return text == CHECKPOINT_LOG_ID.hex


def list_checkpoints(app: Application[UUID], after: int = 0, limit: int = 100) -> list[tuple[int, Checkpoint]]:
    """(number, checkpoint) in the order they were sealed, numbered from 1, after number `after`."""
    found = []
    for sealed in checkpoint_log(app).get(gt=after or None, limit=limit):
        checkpoint = Checkpoint(
            position=sealed.position,
            root_hash=sealed.root_hash,
            sealed_at=sealed_at_text(sealed.sealed_at),
            signature=sealed.signature,
            public_key=sealed.public_key,
        )
        found.append((sealed.originator_version, checkpoint))
    return found
