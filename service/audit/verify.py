"""The verifier: recomputes every hash, every root and every checkpoint from the raw stored records.

It reads the log once, in notification order, in constant memory (each
record arrives with the stored hash of the event before it in its aggregate,
joined by the database), and stops at the first record that fails, naming its
position and why. What it catches, and where (docs/audit-format.md):

- a changed byte of a topic or state, or a changed stored hash: at that event;
- a removed event: at the removed position if its hash row remains, else at
  the next event of the log (the global root breaks) or of its aggregate;
- a reordered event: at the position it was moved to;
- a rewritten history (hashes and roots recomputed to match): at the first
  checkpoint sealed over it, whose signed root no longer matches;
- a forged checkpoint (signature, or a key other than the trusted one);
- a tail cut off after a checkpoint a partner kept: at the sealed position;
- a record that cannot be decoded: reported, never a crash.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

from service.audit.canonical import FORMAT_VERSION, GENESIS
from service.audit.checkpoints import CHECKPOINT_LOG_ID, CHECKPOINT_TOPIC, Checkpoint, checkpoint_from_state
from service.audit.records import LogSnapshot, log_snapshot


@dataclass(frozen=True)
class Failure:
    """Where verification first failed, and why (no personal data: ids and positions only)."""

    position: int
    reason: str


@dataclass
class VerificationReport:
    """The outcome: `ok`, how many events verified, and the first failure (None when ok)."""

    ok: bool
    events_checked: int
    first_failure: Failure | None
    checkpoints_checked: int = 0
    last_position: int = 0
    public_key: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready primitives (the contract's `{ok, events_checked, first_failure}` and more)."""
        failure = self.first_failure
        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "first_failure": None if failure is None else {"position": failure.position, "reason": failure.reason},
            "checkpoints_checked": self.checkpoints_checked,
            "last_position": self.last_position,
            "public_key": self.public_key,
            "notes": list(self.notes),
        }


class _Failed(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.failure = Failure(position, reason)


class Verifier:
    """One verification run over a stream of raw records."""

    def __init__(
        self,
        root_at: Any,
        trusted_key: str | None = None,
        kept_checkpoints: Sequence[Checkpoint] = (),
        hash_between: Any = None,
    ) -> None:
        self.root_at = root_at
        self.hash_between = hash_between or (lambda first, last: None)
        self.trusted_key = trusted_key
        self.kept = sorted(kept_checkpoints, key=lambda c: c.position)
        self.checked = 0
        self.checkpoints_checked = 0
        self.last_position = 0
        self.notes: list[str] = []
        if trusted_key is None:
            self.notes.append("no trusted public key given: checkpoints are checked against the first one's key")

    def run(self, records: Iterable[tuple[Any, ...]]) -> VerificationReport:
        """Verifies every record; the report names the first failure."""
        try:
            self._run(records)
        except _Failed as failed:
            return self._report(failed.failure)
        return self._report(None)

    def _report(self, failure: Failure | None) -> VerificationReport:
        return VerificationReport(
            ok=failure is None,
            events_checked=self.checked,
            first_failure=failure,
            checkpoints_checked=self.checkpoints_checked,
            last_position=self.last_position,
            public_key=self.trusted_key,
            notes=self.notes,
        )

    def _run(self, records: Iterable[tuple[Any, ...]]) -> None:
        # The hot loop: locals, no attribute lookups, one concatenation per hash.
        sha256 = hashlib.sha256
        pack_version = struct.Struct(">q").pack
        pack_length = struct.Struct(">I").pack
        checkpoint_log = CHECKPOINT_LOG_ID.bytes
        hash_between = self.hash_between
        kept = self.kept
        root = GENESIS
        checked = 0
        position = last = verified = 0
        try:
            for record in records:
                position = record[0]
                if position != last + 1:
                    # A gap (rare: PostgreSQL skips ids of rolled-back inserts): was an event removed from it?
                    removed = hash_between(last + 1, position - 1)
                    if removed is not None:
                        raise _Failed(removed, _REMOVED_WITH_HASH)
                last = position
                try:
                    raw_id = record[1]
                    originator = raw_id.bytes if type(raw_id) is UUID else bytes.fromhex(raw_id)
                    version = record[2]
                    topic = record[3].encode("utf-8")
                    state = record[4]
                    if type(state) is not bytes:
                        state = bytes(state)
                    if len(originator) != 16 or type(version) is not int:
                        raise ValueError("bad id or version")
                except (AttributeError, TypeError, ValueError):
                    raise _Failed(position, _UNDECODABLE) from None
                stored_hash = record[6]
                if stored_hash is None:
                    raise _Failed(position, _UNHASHED)
                if not record[5]:
                    raise _Failed(position, _REORDERED)
                previous = record[8]
                if previous is None and record[9] is not None:
                    raise _Failed(position, _missing_predecessor(originator, version))
                computed = sha256(
                    b"".join(
                        (
                            previous or GENESIS,
                            FORMAT_VERSION,
                            originator,
                            pack_version(version),
                            pack_length(len(topic)),
                            topic,
                            pack_length(len(state)),
                            state,
                        )
                    )
                ).digest()
                if computed != stored_hash:
                    if previous is None and version > 1:
                        raise _Failed(position, _missing_predecessor(originator, version))
                    raise _Failed(position, _CHANGED)
                root = sha256(root + computed).digest()
                if root != record[7]:
                    raise _Failed(position, _ROOT_BROKEN)
                if originator == checkpoint_log and topic == _CHECKPOINT_TOPIC:
                    self._check_sealed(position, state)
                if kept and kept[0].position <= position:
                    while kept and kept[0].position <= position:
                        self._check_kept(kept.pop(0), position, root)
                checked += 1
                verified = position
        finally:
            self.checked = checked
            self.last_position = verified
        removed = hash_between(last + 1, None)
        if removed is not None:
            raise _Failed(removed, _REMOVED_WITH_HASH)
        if kept:
            first = kept[0]
            raise _Failed(
                first.position,
                f"the log ends at position {self.last_position} but a kept checkpoint sealed it up to "
                f"{first.position}: its tail was cut off",
            )

    def _trust(self, checkpoint: Checkpoint, position: int) -> str:
        if self.trusted_key is None:
            self.trusted_key = checkpoint.public_key
        if checkpoint.public_key != self.trusted_key:
            raise _Failed(position, "the checkpoint is signed by a key other than the service's")
        if not checkpoint.signature_holds(self.trusted_key):
            raise _Failed(position, "the checkpoint's signature does not verify: it was forged or altered")
        return self.trusted_key

    def _check_sealed(self, position: int, state: bytes) -> None:
        try:
            checkpoint = checkpoint_from_state(state, position)
        except ValueError:
            raise _Failed(position, "the checkpoint event cannot be decoded") from None
        self._trust(checkpoint, position)
        if checkpoint.position >= position:
            raise _Failed(position, f"the checkpoint seals position {checkpoint.position}, not before itself")
        stored = self.root_at(checkpoint.position)
        if stored is None:
            raise _Failed(position, f"the checkpoint seals position {checkpoint.position}, which is not in the log")
        if stored[1].hex() != checkpoint.root_hash:
            raise _Failed(
                position,
                f"the log up to position {checkpoint.position} no longer matches the root this checkpoint "
                "signed: the history was rewritten",
            )
        self.checkpoints_checked += 1

    def _check_kept(self, checkpoint: Checkpoint, position: int, root: bytes) -> None:
        self._trust(checkpoint, checkpoint.position)
        if checkpoint.position != position:
            raise _Failed(checkpoint.position, "an event sealed by a kept checkpoint is missing from the log")
        if root.hex() != checkpoint.root_hash:
            raise _Failed(
                position,
                "the log up to this position no longer matches the root a kept checkpoint signed: "
                "the history was rewritten",
            )
        self.checkpoints_checked += 1


_CHECKPOINT_TOPIC = CHECKPOINT_TOPIC.encode("utf-8")
_REMOVED_WITH_HASH = "the event recorded at this position was removed (its hash remains)"
_UNDECODABLE = "the stored record cannot be decoded (id, version, topic or state)"
_UNHASHED = "no hash was recorded for this event: it was inserted or replaced outside the audited recorder"
_CHANGED = "the event's topic or state, or its stored hash, was changed"
_REORDERED = "the hash recorded at this position belongs to another event: the log was reordered or this event replaced"
_ROOT_BROKEN = "the global chain breaks here: an event before it was removed or moved, or this hash was changed"


def _missing_predecessor(originator: bytes, version: int) -> str:
    return f"version {version - 1} of aggregate {UUID(bytes=originator)} is missing: an event was removed"


def verify_snapshot(
    snapshot: LogSnapshot, trusted_key: str | None = None, kept_checkpoints: Sequence[Checkpoint] = ()
) -> VerificationReport:
    """Verifies a log snapshot (see the module docstring for what is caught where)."""

    def root_at(position: int) -> tuple[bytes, bytes] | None:
        return snapshot.root_at(position)

    verifier = Verifier(root_at, trusted_key, kept_checkpoints, snapshot.hash_between)
    return verifier.run(snapshot.records())


def verify_store(
    recorder: ApplicationRecorder, trusted_key: str | None = None, kept_checkpoints: Sequence[Checkpoint] = ()
) -> VerificationReport:
    """Verifies the stored log of an application, as of one consistent snapshot."""
    with log_snapshot(recorder) as snapshot:
        return verify_snapshot(snapshot, trusted_key, kept_checkpoints)
