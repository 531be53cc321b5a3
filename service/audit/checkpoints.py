"""Signed checkpoints: the service seals the global log at a tree size, and the seal is an event too.

A checkpoint is a C2SP tlog-checkpoint signed note (`service.audit.note`):
the log's origin, the tree size (how many events), the base64 Merkle root
over them (`service.audit.merkle`), signed with the service's Ed25519 key.
It is stored as a `CheckpointSealed` event in its own log (a fixed
originator id), with `position` (the last event it covers), `root_hash`
(hex), `tree_size`, `note` and `signature` (the note's raw Ed25519
signature, base64), so it is chained and in the tree like every other event
and appears in the transparency feed; a partner who keeps one can later prove
a history rewritten or cut short, and a witness can cosign it.

Checkpoints recorded before the tree existed have no `note`: they signed
`canonical.checkpoint_message` over the running root of section 4 of
docs/audit-format.md, and the verifier still checks them that way.

The same log records `SigningKeyRotated`: the retiring key's signature over
`canonical.rotation_message`, handing signing over to a new key from that
event on. The verifier follows that chain of keys (docs/audit-format.md, 6.1).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import Application, EventSourcedLog
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError

from service.adapters.storage import SideTables
from service.audit.canonical import checkpoint_message, rotation_message, sealed_at_text
from service.audit.chain import HASHES_TABLE
from service.audit.note import (
    CheckpointBody,
    NoteError,
    key_id,
    note_signed_by,
    parse_checkpoint_body,
    sign_checkpoint_note,
    split_note,
)
from service.audit.proofs import StoredTree
from service.audit.signing import public_key_text, signature_holds
from service.settings import Settings

CHECKPOINT_LOG_ID = UUID("b7a0c6f2-3d5e-4f81-9c2a-6e4d8b1f0a53")
# Witnesses' cosignatures (service.audit.witness); named here so periodic sealing can skip them.
WITNESS_LOG_ID = UUID("5c1d7e2a-9b4f-4a63-8e0d-3f6a2b9c7d14")
CHECKPOINT_TOPIC = "service.audit.checkpoints:CheckpointSealed"
ROTATION_TOPIC = "service.audit.checkpoints:SigningKeyRotated"
_ATTEMPTS = 10


class CheckpointSealed(DomainEvent):
    """The service signed the tree of the first `tree_size` events (up to `position`), root `root_hash` (hex).

    `note` is the C2SP checkpoint signed note; `signature` its Ed25519 signature (base64).
    Legacy checkpoints (no `tree_size`, no `note`) signed the running root at `position`.
    """

    position: int
    root_hash: str
    signature: str
    public_key: str
    sealed_at: datetime
    tree_size: int | None = None
    note: str | None = None


class SigningKeyRotated(DomainEvent):
    """The key `old_public_key` handed signing over to `new_public_key` (both base64), signed by the old key.

    `position` is the last position of the log when the old key signed this
    (its last checkpoint's event); the new key signs every checkpoint recorded after this event.
    """

    old_public_key: str
    new_public_key: str
    position: int
    rotated_at: datetime
    signature: str


class SigningKeyRetired(Exception):
    """The log's signing has moved on to another key: sealing with this one would make the log fail."""


@dataclass(frozen=True)
class KeyRotation:
    """A rotation as auditors see it (all text), with the position of its event when known."""

    old_public_key: str
    new_public_key: str
    position: int
    rotated_at: str
    signature: str
    event_position: int | None = None

    def message(self) -> bytes:
        """The bytes the old key's signature covers."""
        return rotation_message(self.old_public_key, self.new_public_key, self.position, self.rotated_at)

    def signature_holds(self) -> bool:
        """Whether the old key signed exactly this hand-over."""
        return signature_holds(self.old_public_key, self.signature, self.message())

    def as_dict(self) -> dict[str, Any]:
        """The rotation as JSON-ready primitives."""
        return asdict(self)


def rotation_from_state(state: bytes, event_position: int | None = None) -> KeyRotation:
    """A rotation read straight from a stored event's JSON state. Raises ValueError when it is not one."""
    try:
        fields = json.loads(state)
        rotated = fields["rotated_at"]
        rotated_at = rotated["_data_"] if isinstance(rotated, dict) else rotated
        return KeyRotation(
            old_public_key=_text(fields["old_public_key"]),
            new_public_key=_text(fields["new_public_key"]),
            position=_integer(fields["position"]),
            rotated_at=sealed_at_text(datetime.fromisoformat(rotated_at)),
            signature=_text(fields["signature"]),
            event_position=event_position,
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"not a key rotation: {type(error).__name__}") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _integer(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not an integer")
    return value


def signing_key_after(logged: DomainEvent | None) -> str | None:
    """The public key that signs next, after this event of the checkpoint log (None for an empty log)."""
    if isinstance(logged, SigningKeyRotated):
        return logged.new_public_key
    if isinstance(logged, CheckpointSealed):
        return logged.public_key
    return None


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as auditors see and keep it (all text, as served by `/audit/checkpoints`).

    `position` is the last event the checkpoint covers, `tree_size` how many events that is;
    `note` the C2SP signed note (None for a legacy checkpoint over the running root).
    """

    position: int
    root_hash: str
    sealed_at: str
    signature: str
    public_key: str
    event_position: int | None = None
    tree_size: int | None = None
    note: str | None = None

    def message(self) -> bytes:
        """The bytes the signature covers: the note's body, or the legacy one-line message."""
        if self.note is not None:
            try:
                return split_note(self.note)[0].encode("utf-8")
            except NoteError:
                return b""
        return checkpoint_message(self.position, self.root_hash, self.sealed_at)

    @property
    def origin(self) -> str | None:
        """The log's origin line (None for a legacy checkpoint)."""
        return None if self.note is None else self.note.split("\n", 1)[0]

    def key_id(self, public_key: str | None = None) -> str | None:
        """The signed-note key ID (8 hex digits) of the signing key under the origin's name."""
        origin = self.origin
        if origin is None:
            return None
        try:
            return key_id(origin, public_key or self.public_key).hex()
        except (NoteError, ValueError):
            return None

    def signature_holds(self, public_key: str | None = None) -> bool:
        """Whether it is signed by `public_key` (default: the key it names) and says what its fields say."""
        key = public_key or self.public_key
        if self.note is None:
            return signature_holds(key, self.signature, self.message())
        signed = note_signed_by(self.note, key)
        if signed is None or base64.b64encode(signed.signature).decode("ascii") != self.signature:
            return False
        try:
            body = parse_checkpoint_body(split_note(self.note)[0])
        except NoteError:
            return False
        return body.tree_size == self.tree_size and body.root.hex() == self.root_hash

    def as_dict(self) -> dict[str, Any]:
        """The checkpoint as JSON-ready primitives (with `signed_at` and `key_id` for the API's names)."""
        fields = asdict(self)
        fields["signed_at"] = self.sealed_at
        fields["key_id"] = self.key_id()
        return fields

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
            tree_size=None if fields.get("tree_size") is None else int(fields["tree_size"]),
            note=None if fields.get("note") is None else str(fields["note"]),
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
            tree_size=None if fields.get("tree_size") is None else _integer(fields["tree_size"]),
            note=None if fields.get("note") is None else _text(fields["note"]),
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"not a checkpoint: {type(error).__name__}") from None


def checkpoint_log(app: Application[UUID]) -> EventSourcedLog[DomainEvent]:
    """The log of checkpoints (and key rotations) of an application."""
    return EventSourcedLog(app.events, CHECKPOINT_LOG_ID, DomainEvent)


def seal_checkpoint(
    app: Application[UUID],
    key: Ed25519PrivateKey,
    *,
    only_if_new: bool = False,
    now: datetime | None = None,
    adopt_key: bool = False,
    origin: str | None = None,
) -> Checkpoint | None:
    """Seals the log as it stands: signs its tree head as a C2SP checkpoint and records that as an event.

    With `only_if_new` (for periodic sealing) nothing is sealed when no event
    but the last checkpoint came since. Returns None when nothing was sealed.
    Raises SigningKeyRetired when the log's last checkpoint or rotation names
    another signing key (a host still holding a rotated-away key), unless
    `adopt_key` (only after the previous key was lost: see docs/operations.md).
    """
    tables = SideTables(app.recorder)
    tree = StoredTree(app.recorder)
    log = checkpoint_log(app)
    public_key = public_key_text(key)
    for _ in range(_ATTEMPTS):
        # Read before the position: a rotation recorded after this read takes the version this
        # checkpoint needs, so the save below fails and the next attempt sees the rotation.
        last_logged = log.get_last()
        expected = signing_key_after(last_logged)
        if expected is not None and expected != public_key and not adopt_key:
            raise SigningKeyRetired(
                f"the log is now signed by key {expected}, not by this key file's {public_key}: copy the current "
                "key file here (after `mufakat rotate-key`), or run `mufakat rotate-key` again to finish a rotation"
            )
        version = 1 if last_logged is None else last_logged.originator_version + 1
        tree.catch_up()
        head = tree.head()
        if head is None:
            return None
        last = tables.fetch_one(
            f"SELECT originator_id FROM {HASHES_TABLE} WHERE notification_id = ?", (head.last_position,)
        )
        if only_if_new and last is not None and _is_checkpoint_log(last[0]):
            return None
        sealed_at = now or datetime.now(UTC)
        text = sealed_at_text(sealed_at)
        note = sign_checkpoint_note(CheckpointBody(origin or log_origin(app), head.tree_size, head.root), key)
        signature = base64.b64encode(split_note(note)[1][0].signature).decode("ascii")
        sealed = EventSourcedLog(app.events, CHECKPOINT_LOG_ID, CheckpointSealed).trigger_event(
            next_originator_version=version,
            position=head.last_position,
            root_hash=head.root.hex(),
            signature=signature,
            public_key=public_key,
            sealed_at=sealed_at,
            tree_size=head.tree_size,
            note=note,
        )
        try:
            app.save(sealed)
        except IntegrityError:
            continue  # another sealer was first: seal again on top of theirs
        return Checkpoint(
            head.last_position, head.root.hex(), text, signature, public_key, tree_size=head.tree_size, note=note
        )
    return None


def log_origin(app: Application[UUID]) -> str:
    """The origin line naming this deployment's log: `MUFAKAT_LOG_ORIGIN`, else one derived from its first event.

    The default, `mufakat.local/log/<16 hex digits of the first event's hash>`, differs between
    deployments and never changes for one. Set `MUFAKAT_LOG_ORIGIN` (say `desa.example.id/mufakat`)
    before the first checkpoint: witnesses pin the origin. It is read from the `Settings` the ledger was opened
    with (`app.settings`; an application without them has the derived origin).
    """
    settings = getattr(app, "settings", None)
    configured = (settings.log_origin or "").strip() if isinstance(settings, Settings) else ""
    if configured:
        return configured
    first = SideTables(app.recorder).fetch_one(f"SELECT hash FROM {HASHES_TABLE} ORDER BY notification_id LIMIT 1")
    return "mufakat.local/log/" + (bytes(first[0]).hex()[:16] if first else "empty")


def _is_checkpoint_log(originator_id: Any) -> bool:
    # A checkpoint, a rotation or a cosignature is not news: sealing over it alone would make witnesses
    # and a periodic sealer answer each other forever.
    text = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id).replace("-", "")
    return text in (CHECKPOINT_LOG_ID.hex, WITNESS_LOG_ID.hex)


def newest_checkpoints(app: Application[UUID]) -> Iterator[tuple[int, Checkpoint]]:
    """(number, checkpoint) from the newest back, reading the checkpoint log backwards page by page."""
    log = checkpoint_log(app)
    below: int | None = None
    while True:
        page = list(log.get(lte=None if below is None else below - 1, desc=True, limit=100))
        for logged in page:
            if isinstance(logged, CheckpointSealed):
                yield logged.originator_version, _as_checkpoint(logged)
        if len(page) < 100:
            return
        below = page[-1].originator_version


def _as_checkpoint(logged: CheckpointSealed) -> Checkpoint:
    return Checkpoint(
        position=logged.position,
        root_hash=logged.root_hash,
        sealed_at=sealed_at_text(logged.sealed_at),
        signature=logged.signature,
        public_key=logged.public_key,
        event_position=None,
        tree_size=logged.tree_size,
        note=logged.note,
    )


def list_checkpoints(app: Application[UUID], after: int = 0, limit: int = 100) -> list[tuple[int, Checkpoint]]:
    """(number, checkpoint) in the order they were sealed, after number `after`, at most `limit` of them.

    The number is the event's version in the checkpoint log; rotations share
    that log, so the numbers of checkpoints skip those of rotations.
    """
    found: list[tuple[int, Checkpoint]] = []
    cursor = after
    while len(found) < limit:
        page = list(checkpoint_log(app).get(gt=cursor or None, limit=limit))
        for logged in page:
            if isinstance(logged, CheckpointSealed) and len(found) < limit:
                checkpoint = Checkpoint(
                    position=logged.position,
                    root_hash=logged.root_hash,
                    sealed_at=sealed_at_text(logged.sealed_at),
                    signature=logged.signature,
                    public_key=logged.public_key,
                    event_position=None,
                    tree_size=logged.tree_size,
                    note=logged.note,
                )
                found.append((logged.originator_version, checkpoint))
        if len(page) < limit:
            break
        cursor = page[-1].originator_version
    return found
