"""The verifier: recomputes every hash, every root and every checkpoint from the raw stored records.

It reads the log once, in notification order, in constant memory (each
record arrives with the stored hash of the event before it in its aggregate,
joined by the database), and stops at the first record that fails, naming its
position and why. What it catches, and where (docs/audit-format.md):

- a changed byte of a topic or state, or a changed stored hash: at that event;
- a checkpoint whose signed Merkle root (recomputed here from every event
  hash, in memory: `merkle.CompactRange`) is not the log's: at that checkpoint;
- with `--witness` keys: no checkpoint cosigned by enough of them;
- a removed event: at the removed position if its hash row remains, else at
  the next event of the log (the global root breaks) or of its aggregate;
- a reordered event: at the position it was moved to;
- a rewritten history (hashes and roots recomputed to match): at the first
  checkpoint sealed over it, whose signed root no longer matches;
- a forged checkpoint (signature, or a key the chain of rotations does not lead to);
- a forged key rotation (not signed by the key signing at its position);
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
from service.audit.checkpoints import (
    CHECKPOINT_LOG_ID,
    CHECKPOINT_TOPIC,
    ROTATION_TOPIC,
    Checkpoint,
    checkpoint_from_state,
    rotation_from_state,
)
from service.audit.merkle import CompactRange
from service.audit.note import NoteError, cosignature_time, key_id, parse_signature_line
from service.audit.public_form import differing_fields, event_hash_v2, has_public_form, private_digest
from service.audit.records import LogSnapshot, log_snapshot
from service.audit.witness import COSIGNATURE_TOPIC, WITNESS_LOG_ID, cosignature_from_state

UNTRUSTED = "untrusted"
ANCHORED = "anchored"
OPERATOR_KEY = "operator_key"
PUBLIC_KEY_ANCHOR = "public_key"
CHECKPOINT_ANCHOR = "checkpoint"
WITNESS_ANCHOR = "witness"
KEY_FILE_ANCHOR = "key_file"
OUT_OF_BAND_ANCHORS = frozenset({PUBLIC_KEY_ANCHOR, CHECKPOINT_ANCHOR, WITNESS_ANCHOR})


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
    signing_keys: list[tuple[str, int]] = field(default_factory=list)
    tree_size: int = 0
    root_hash: str | None = None
    witnessed_tree_size: int | None = None
    untrusted: bool = False
    trust_anchors: list[str] = field(default_factory=list)

    @property
    def trust(self) -> str:
        """The trust this report speaks with (docs/audit-format.md, section 8).

        `anchored`: a pin given out of band (a public key, a kept checkpoint, witnesses' cosignatures);
        `operator_key`: only the key file beside the database, the operator's word, which a forger
        who rewrites the log replaces with their own; `untrusted`: no key at all.
        """
        if self.untrusted:
            return UNTRUSTED
        if any(anchor in OUT_OF_BAND_ANCHORS for anchor in self.trust_anchors):
            return ANCHORED
        return OPERATOR_KEY

    def distrust(self) -> None:
        """No trust anchor was given: whatever verified proves only that the log agrees with itself."""
        self.untrusted = True
        self.ok = False
        self.notes.append(
            "untrusted: no trust anchor was given (--public-key, --checkpoint, or the service's own key file "
            "for a local database); the log was checked only against itself, which a forger can redo"
        )

    def speak_with(self, anchors: Iterable[str]) -> None:
        """Names what the trusted key came from; a report resting on the operator's key file says so."""
        self.trust_anchors = list(anchors)
        if self.witnessed_tree_size is not None and WITNESS_ANCHOR not in self.trust_anchors:
            self.trust_anchors.append(WITNESS_ANCHOR)
        only_witnessed = set(self.trust_anchors) & OUT_OF_BAND_ANCHORS == {WITNESS_ANCHOR}
        if only_witnessed and self.witnessed_tree_size is not None and self.witnessed_tree_size < self.tree_size:
            self.notes.append(
                f"anchored by the witnesses up to tree size {self.witnessed_tree_size}; the events after it "
                "rest on the operator's key until witnesses cosign a checkpoint over them"
            )
        if self.trust == OPERATOR_KEY:
            self.notes.append(
                "operator_key: the only anchor is the signing key file beside the database, the operator's "
                "word; whoever rewrites the log can re-sign it and put their own key file there. Pin the "
                "public key out of band (--public-key, --checkpoint, --witness) to detect that"
            )

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready primitives (the contract's `{ok, events_checked, first_failure}` and more)."""
        failure = self.first_failure
        return {
            "trust": self.trust,
            "trust_anchors": list(self.trust_anchors),
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "witnessed_tree_size": self.witnessed_tree_size,
            "ok": self.ok,
            "events_checked": self.events_checked,
            "first_failure": None if failure is None else {"position": failure.position, "reason": failure.reason},
            "checkpoints_checked": self.checkpoints_checked,
            "last_position": self.last_position,
            "public_key": self.public_key,
            "notes": list(self.notes),
            "signing_keys": [{"public_key": key, "from_position": start} for key, start in self.signing_keys],
        }


def _check_public_form(position: int, form: bytes, originator: UUID, version: int, topic: str, state: bytes) -> None:
    """A version-2 event's public form must say what its stored state says (a writer cannot publish another)."""
    if not has_public_form(topic):
        raise _Failed(position, "the event has a public form, but events of its kind publish none")
    differing = differing_fields(form, originator, version, topic, state)
    if differing:
        raise _Failed(
            position, f"the event's public form does not say what its stored state says: {', '.join(differing)}"
        )


class _Failed(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.failure = Failure(position, reason)


class Verifier:
    """One verification run over a stream of raw records.

    Trust follows the log's chain of keys (docs/audit-format.md, 6.1): the
    chain starts with the first checkpoint's (or rotation's) key, and each
    `SigningKeyRotated`, signed by the key signing at its position, hands
    signing over to its new key. The trusted key may be any key of that chain:
    what was signed before the chain reaches it counts only once a checkpoint
    signed with it (or a key it handed over to) seals it.
    """

    def __init__(
        self,
        root_at: Any,
        trusted_key: str | None = None,
        kept_checkpoints: Sequence[Checkpoint] = (),
        hash_between: Any = None,
        checkpoint_sizes: Iterable[int] = (),
        witness_keys: dict[str, str] | None = None,
        witnesses_required: int = 0,
    ) -> None:
        self.root_at = root_at
        self.compact = CompactRange()
        self.wanted_sizes = sorted(set(checkpoint_sizes))
        self.tree_roots: dict[int, tuple[bytes, int]] = {}
        self.signed_roots: dict[int, str] = {}
        self.witness_keys = dict(witness_keys or {})
        self.witnesses_required = witnesses_required
        self.witnessed: dict[int, set[str]] = {}
        self.witnessed_size: int | None = None
        self.hash_between = hash_between or (lambda first, last: None)
        self.trusted_key = trusted_key
        self.kept = sorted(kept_checkpoints, key=lambda c: c.position)
        self.checked = 0
        self.checkpoints_checked = 0
        self.last_position = 0
        self.notes: list[str] = []
        self.signing_keys: list[tuple[str, int]] = []
        self.current_key: str | None = None
        self.anchored = False
        # The first signature not (yet) vouched for by the trusted key, and the last one.
        self.unvouched: tuple[Failure, int, int] | None = None
        self.unvouched_until = 0
        self.kept_unconfirmed: list[Checkpoint] = []
        if trusted_key is None:
            self.notes.append("no trusted public key given: checkpoints are checked against the first one's key")

    def run(self, records: Iterable[tuple[Any, ...]]) -> VerificationReport:
        """Verifies every record; the report names the first failure."""
        try:
            self._run(records)
            self._finish()
        except _Failed as failed:
            return self._report(self._earliest(failed.failure))
        return self._report(None)

    def _earliest(self, failure: Failure) -> Failure:
        # The failure found is definite; keys not yet vouched for before it are worth saying, not a second failure.
        if self.unvouched is not None and self.unvouched[0].position < failure.position:
            self.notes.append(
                f"from position {self.unvouched[0].position} the log was signed by keys the trusted key does not "
                "vouch for (the chain of rotations had not reached it before the failure)"
            )
        return failure

    def _finish(self) -> None:
        if self.witnesses_required and self.witnessed_size is None:
            raise _Failed(
                self.last_position,
                f"no checkpoint of the log carries cosignatures of {self.witnesses_required} of the given witnesses",
            )
        for checkpoint in self.kept_unconfirmed:
            if checkpoint.public_key not in {key for key, _ in self.signing_keys}:
                raise _Failed(checkpoint.position, "a kept checkpoint is signed by a key the log's chain never used")
        if self.unvouched is not None:
            failure, self.checked, self.last_position = self.unvouched
            if not self.anchored:
                raise _Failed(failure.position, failure.reason)
            raise _Failed(
                failure.position,
                "signed by a key other than the service's; the log's rotations lead to the service's key, but no "
                "checkpoint signed with it seals this far yet (seal one: `mufakat checkpoint`)",
            )

    def _report(self, failure: Failure | None) -> VerificationReport:
        return VerificationReport(
            ok=failure is None,
            events_checked=self.checked,
            first_failure=failure,
            checkpoints_checked=self.checkpoints_checked,
            last_position=self.last_position,
            public_key=self.trusted_key,
            notes=self.notes,
            signing_keys=list(self.signing_keys),
            tree_size=self.compact.size,
            root_hash=self.compact.root().hex(),
            witnessed_tree_size=self.witnessed_size,
        )

    def _run(self, records: Iterable[tuple[Any, ...]]) -> None:
        # The hot loop: locals, no attribute lookups, one concatenation per hash.
        sha256 = hashlib.sha256
        pack_version = struct.Struct(">q").pack
        pack_length = struct.Struct(">I").pack
        checkpoint_log = CHECKPOINT_LOG_ID.bytes
        hash_between = self.hash_between
        kept = self.kept
        compact = self.compact
        # The compact range, inlined (the hot loop): its stack is shared, its size synced when read.
        stack = compact._stack
        stack_append, stack_pop = stack.append, stack.pop
        tree_size = compact.size
        wanted = self.wanted_sizes
        wanted.append(-1)  # a sentinel: never equal to a size
        want_at = 0
        next_wanted = wanted[0]
        tree_roots = self.tree_roots
        witness_log = WITNESS_LOG_ID.bytes
        root = GENESIS
        checked = 0
        position = last = verified = 0
        try:
            for (
                position,
                raw_id,
                version,
                topic_text,
                state,
                bound,
                stored_hash,
                stored_root,
                previous,
                previous_position,
                form,
                salt,
            ) in records:
                if position != last + 1:
                    # A gap (rare: PostgreSQL skips ids of rolled-back inserts): was an event removed from it?
                    removed = hash_between(last + 1, position - 1)
                    if removed is not None:
                        raise _Failed(removed, _REMOVED_WITH_HASH)
                last = position
                try:
                    originator = raw_id.bytes if type(raw_id) is UUID else bytes.fromhex(raw_id)
                    topic = topic_text.encode()
                    if type(state) is not bytes:
                        state = bytes(state)
                    if len(originator) != 16 or type(version) is not int:
                        raise ValueError("bad id or version")
                except (AttributeError, TypeError, ValueError):
                    raise _Failed(position, _UNDECODABLE) from None
                if stored_hash is None:
                    raise _Failed(position, _UNHASHED)
                if not bound:
                    raise _Failed(position, _REORDERED)
                # Every chain starts at version 1: a first event with a later version lost its predecessors.
                if previous is None and (previous_position is not None or version != 1):
                    raise _Failed(position, _missing_predecessor(originator, version))
                if form is None:
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
                else:
                    form, salt = bytes(form), bytes(salt)
                    digest = private_digest(salt, originator, version, topic_text, state)
                    computed = event_hash_v2(previous or GENESIS, form, digest)
                if computed != stored_hash:
                    if previous is None and version > 1:
                        raise _Failed(position, _missing_predecessor(originator, version))
                    raise _Failed(position, _CHANGED)
                if form is not None:
                    _check_public_form(position, form, UUID(bytes=originator), version, topic_text, state)
                root = sha256(root + computed).digest()
                if root != stored_root:
                    raise _Failed(position, _ROOT_BROKEN)
                node = sha256(b"\x00" + computed).digest()
                index = tree_size
                while index & 1:
                    node = sha256(b"\x01" + stack_pop() + node).digest()
                    index >>= 1
                stack_append(node)
                tree_size += 1
                if tree_size == next_wanted:
                    compact.size = tree_size
                    tree_roots[next_wanted] = (compact.root(), position)
                    want_at += 1
                    next_wanted = wanted[want_at]
                if originator == checkpoint_log:
                    if topic == _CHECKPOINT_TOPIC:
                        self._check_sealed(position, state, checked, verified)
                    elif topic == _ROTATION_TOPIC:
                        self._check_rotation(position, state, checked, verified)
                elif originator == witness_log and topic == _COSIGNATURE_TOPIC:
                    self._check_cosignature(position, state)
                if kept and kept[0].position <= position:
                    compact.size = tree_size
                    while kept and kept[0].position <= position:
                        self._check_kept(kept.pop(0), position, root)
                checked += 1
                verified = position
        finally:
            self.checked = checked
            self.last_position = verified
            compact.size = tree_size
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

    def _begin_chain(self, key: str, position: int) -> None:
        if self.trusted_key is None:
            self.trusted_key = key
        self.current_key = key
        self.signing_keys.append((key, position))
        self.anchored = key == self.trusted_key

    def _not_vouched_yet(self, position: int, checked: int, verified: int) -> None:
        if self.unvouched is None:
            reason = (
                "signed by a key other than the service's, and no rotation in the log that verifies "
                "leads from it to the service's key"
            )
            self.unvouched = (Failure(position, reason), checked, verified)
        self.unvouched_until = position

    def _vouched(self, sealed_position: int) -> None:
        if self.unvouched is not None and sealed_position >= self.unvouched_until:
            self.unvouched = None

    def _check_sealed(self, position: int, state: bytes, checked: int, verified: int) -> None:
        try:
            checkpoint = checkpoint_from_state(state, position)
        except ValueError:
            raise _Failed(position, "the checkpoint event cannot be decoded") from None
        key = checkpoint.public_key
        if self.current_key is None:
            self._begin_chain(key, position)
        elif key != self.current_key:
            if key != self.trusted_key or self.anchored:
                raise _Failed(
                    position,
                    "the checkpoint is signed by a key other than the service's: no rotation signed in the log "
                    "hands signing over to it at this position",
                )
            # The trusted key itself signs here (say, after a rotation made before rotation events
            # existed): its signed root vouches for everything before, whichever keys signed that.
            self.current_key = key
            self.signing_keys.append((key, position))
            self.anchored = True
        if not checkpoint.signature_holds(key):
            raise _Failed(position, "the checkpoint's signature does not verify: it was forged or altered")
        if checkpoint.position >= position:
            raise _Failed(position, f"the checkpoint seals position {checkpoint.position}, not before itself")
        if checkpoint.tree_size is not None:
            self._check_tree_head(position, checkpoint)
        else:
            stored = self.root_at(checkpoint.position)
            if stored is None:
                raise _Failed(position, f"the checkpoint seals position {checkpoint.position}, which is not in the log")
            if stored[1].hex() != checkpoint.root_hash:
                raise _Failed(
                    position,
                    f"the log up to position {checkpoint.position} no longer matches the root this checkpoint "
                    "signed: the history was rewritten",
                )
        if self.anchored:
            self._vouched(checkpoint.position)
        else:
            self._not_vouched_yet(position, checked, verified)
        self.checkpoints_checked += 1

    def _check_tree_head(self, position: int, checkpoint: Checkpoint) -> None:
        size = checkpoint.tree_size or 0
        computed = self.tree_roots.get(size)
        if computed is None or computed[1] != checkpoint.position:
            raise _Failed(
                position,
                f"the checkpoint signs a tree of {size} events ending at position {checkpoint.position}, "
                "which this log does not have: an event was removed or inserted before it",
            )
        if computed[0].hex() != checkpoint.root_hash:
            raise _Failed(
                position,
                f"the Merkle root of the first {size} events no longer matches the root this checkpoint "
                "signed: the history was rewritten",
            )
        self.signed_roots[size] = checkpoint.root_hash

    def _check_cosignature(self, position: int, state: bytes) -> None:
        try:
            cosignature, body = cosignature_from_state(state, position)
        except ValueError:
            raise _Failed(position, "the cosignature event cannot be decoded") from None
        public_key = self.witness_keys.get(cosignature.witness)
        if public_key is None:
            return  # a witness the auditor did not name: nothing to check it against
        if self.signed_roots.get(cosignature.tree_size) != cosignature.root_hash:
            raise _Failed(position, "the cosignature is over a checkpoint this log did not sign before it")
        try:
            line = parse_signature_line(cosignature.cosignature)
            same_key = line.key_id == key_id(cosignature.witness, public_key, 0x04)
        except (NoteError, ValueError):
            same_key = False
        if not same_key:
            return  # another key of that name (say, before the witness rotated): not the one the auditor trusts
        if not body.startswith(f"{body.split(chr(10), 1)[0]}\n{cosignature.tree_size}\n"):
            raise _Failed(position, "the cosignature's checkpoint body does not name its tree size")
        if cosignature_time(body, line, public_key) is None:
            raise _Failed(position, "the witness's cosignature does not verify: it was forged or altered")
        names = self.witnessed.setdefault(cosignature.tree_size, set())
        names.add(cosignature.witness)
        if len(names) >= self.witnesses_required and self.witnesses_required:
            self.witnessed_size = max(self.witnessed_size or 0, cosignature.tree_size)

    def _check_rotation(self, position: int, state: bytes, checked: int, verified: int) -> None:
        try:
            rotation = rotation_from_state(state, position)
        except ValueError:
            raise _Failed(position, "the key rotation event cannot be decoded") from None
        if self.current_key is None:
            self._begin_chain(rotation.old_public_key, position)
        if rotation.old_public_key != self.current_key:
            raise _Failed(
                position, "the key rotation hands over from a key other than the one signing at this position"
            )
        if not rotation.signature_holds():
            raise _Failed(
                position,
                "the key rotation's signature does not verify under the key signing at this position: "
                "it was forged or altered",
            )
        if rotation.position >= position or (rotation.position > 0 and self.root_at(rotation.position) is None):
            raise _Failed(position, f"the key rotation names position {rotation.position}, which is not before it")
        if not self.anchored:
            # Signed by a key the trusted one does not vouch for yet: a later checkpoint must seal it.
            self._not_vouched_yet(position, checked, verified)
            self.anchored = rotation.new_public_key == self.trusted_key
        self.current_key = rotation.new_public_key
        self.signing_keys.append((rotation.new_public_key, position))

    def _check_kept(self, checkpoint: Checkpoint, position: int, root: bytes) -> None:
        if not checkpoint.signature_holds():
            raise _Failed(checkpoint.position, "a kept checkpoint's signature does not verify: forged or altered")
        if checkpoint.position != position:
            raise _Failed(checkpoint.position, "an event sealed by a kept checkpoint is missing from the log")
        if checkpoint.tree_size is not None:
            if checkpoint.tree_size != self.compact.size:
                raise _Failed(
                    position,
                    f"a kept checkpoint signs {checkpoint.tree_size} events up to here, the log has another number",
                )
            root = self.compact.root()
        if root.hex() != checkpoint.root_hash:
            raise _Failed(
                position,
                "the log up to this position no longer matches the root a kept checkpoint signed: "
                "the history was rewritten",
            )
        if self.trusted_key is None and self.current_key is None:
            self._begin_chain(checkpoint.public_key, position)
        # Its key is checked against the chain at the end: the rotation to it may come after what it sealed.
        self.kept_unconfirmed.append(checkpoint)
        self.checkpoints_checked += 1


_CHECKPOINT_TOPIC = CHECKPOINT_TOPIC.encode("utf-8")
_ROTATION_TOPIC = ROTATION_TOPIC.encode("utf-8")
_COSIGNATURE_TOPIC = COSIGNATURE_TOPIC.encode("utf-8")
_REMOVED_WITH_HASH = "the event recorded at this position was removed (its hash remains)"
_UNDECODABLE = "the stored record cannot be decoded (id, version, topic or state)"
_UNHASHED = "no hash was recorded for this event: it was inserted or replaced outside the audited recorder"
_CHANGED = "the event's topic or state, or its stored hash, was changed"
_REORDERED = "the hash recorded at this position belongs to another event: the log was reordered or this event replaced"
_ROOT_BROKEN = "the global chain breaks here: an event before it was removed or moved, or this hash was changed"


def _missing_predecessor(originator: bytes, version: int) -> str:
    return f"version {version - 1} of aggregate {UUID(bytes=originator)} is missing: an event was removed"


def checkpoint_sizes(snapshot: LogSnapshot) -> list[int]:
    """The tree sizes the log's checkpoints sign (read first, so the verifier keeps only those roots)."""
    sizes = set()
    for _, state in snapshot.events_of(CHECKPOINT_LOG_ID):
        try:
            size = checkpoint_from_state(state).tree_size
        except ValueError:
            continue  # reported at its position by the verifier
        if size is not None:
            sizes.add(size)
    return sorted(sizes)


def verify_snapshot(
    snapshot: LogSnapshot,
    trusted_key: str | None = None,
    kept_checkpoints: Sequence[Checkpoint] = (),
    witness_keys: dict[str, str] | None = None,
    witnesses_required: int = 0,
) -> VerificationReport:
    """Verifies a log snapshot (see the module docstring for what is caught where)."""

    def root_at(position: int) -> tuple[bytes, bytes] | None:
        return snapshot.root_at(position)

    verifier = Verifier(
        root_at,
        trusted_key,
        kept_checkpoints,
        snapshot.hash_between,
        checkpoint_sizes(snapshot),
        witness_keys,
        witnesses_required,
    )
    return verifier.run(snapshot.records())


def verify_store(
    recorder: ApplicationRecorder,
    trusted_key: str | None = None,
    kept_checkpoints: Sequence[Checkpoint] = (),
    witness_keys: dict[str, str] | None = None,
    witnesses_required: int = 0,
) -> VerificationReport:
    """Verifies the stored log of an application, as of one consistent snapshot."""
    with log_snapshot(recorder) as snapshot:
        return verify_snapshot(snapshot, trusted_key, kept_checkpoints, witness_keys, witnesses_required)
