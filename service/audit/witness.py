"""Witness cosignatures (C2SP tlog-cosignature), received by the service and kept in the log as events.

A witness (Inspektorat, Bappeda, a university) runs `mufakat witness` on its
own machine: it checks that each new checkpoint extends the last one it
cosigned and posts its cosignature to `POST /audit/witnesses/{name}/cosignatures`.
The service accepts a cosignature only from a witness it was told about
(`MUFAKAT_WITNESSES`: vkeys `<name>+<key id>+<base64(0x04 ‖ key)>`, separated
by whitespace or commas) and only over a checkpoint it signed; it records a
`CheckpointCosigned` event in the witness log (a fixed originator id), so the
cosignature is hashed and in the tree like every event, and shows it with the
checkpoint. `mufakat verify --witness VKEY` then requires cosignatures.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, EventSourcedLog
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError

from service.audit.checkpoints import WITNESS_LOG_ID, Checkpoint, newest_checkpoints
from service.audit.note import (
    COSIGNATURE,
    NoteError,
    cosignature_time,
    parse_checkpoint_body,
    parse_signature_line,
    parse_verifier_key,
    split_note,
)
from service.audit.records import log_snapshot

COSIGNATURE_TOPIC = "service.audit.witness:CheckpointCosigned"
_ATTEMPTS = 10


class CheckpointCosigned(DomainEvent):
    """Witness `witness` cosigned the checkpoint whose body is `body` (C2SP tlog-cosignature v1)."""

    witness: str
    tree_size: int
    root_hash: str
    body: str
    cosignature: str  # the signature line, `— <name> <base64(key id ‖ time ‖ signature)>`
    cosigned_time: int  # the cosignature's own time, seconds since the epoch


class CosignatureRefused(ValueError):
    """The cosignature is not from a known witness, does not verify, or is over no checkpoint of this log."""


class UnknownWitness(LookupError):
    """No witness of that name is configured."""


@dataclass(frozen=True)
class Cosignature:
    """A stored cosignature as the API shows it."""

    witness: str
    tree_size: int
    root_hash: str
    timestamp: int
    cosignature: str
    key_id: str
    event_position: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready primitives."""
        return asdict(self)


def configured_witnesses(text: str) -> dict[str, str]:
    """The witnesses the service accepts: name → base64 public key, from the vkeys of `MUFAKAT_WITNESSES`."""
    raw = text
    known: dict[str, str] = {}
    for item in raw.replace(",", " ").split():
        name, public_key, algorithm = parse_verifier_key(item)
        if algorithm != COSIGNATURE:
            raise ValueError(f"witness key {name} is not a cosignature (0x04) key")
        known[name] = public_key
    return known


def check_cosignature(name: str, public_key: str, note: str, line: str) -> tuple[str, int, int, bytes]:
    """(body, tree size, time, root) of a cosignature that verifies. Raises CosignatureRefused."""
    try:
        body, _ = split_note(note) if "\n\n" in note else (note, [])
        head = parse_checkpoint_body(body)
        signature = parse_signature_line(line)
    except NoteError as error:
        raise CosignatureRefused(str(error)) from None
    if signature.name != name:
        raise CosignatureRefused(f"the cosignature is signed under the name {signature.name!r}, not {name!r}")
    timestamp = cosignature_time(body, signature, public_key)
    if timestamp is None:
        raise CosignatureRefused("the cosignature does not verify under this witness's key")
    return body, head.tree_size, timestamp, head.root


def record_cosignature(app: Application[UUID], name: str, note: str, line: str, known: dict[str, str]) -> Cosignature:
    """Verifies a witness's cosignature over one of this log's checkpoints and records it as an event."""
    if name not in known:
        raise UnknownWitness(name)
    body, tree_size, timestamp, root = check_cosignature(name, known[name], note, line)
    if not any(
        checkpoint.tree_size == tree_size and checkpoint.root_hash == root.hex() and checkpoint.note is not None
        for checkpoint in _checkpoints_of_size(app, tree_size)
    ):
        raise CosignatureRefused(f"this log signed no checkpoint of size {tree_size} with that root")
    log = EventSourcedLog(app.events, WITNESS_LOG_ID, CheckpointCosigned)
    for _ in range(_ATTEMPTS):
        last = log.get_last()
        event = log.trigger_event(
            next_originator_version=1 if last is None else last.originator_version + 1,
            witness=name,
            tree_size=tree_size,
            root_hash=root.hex(),
            body=body,
            cosignature=line.rstrip("\n"),
            cosigned_time=timestamp,
        )
        try:
            app.save(event)
        except IntegrityError:
            continue
        return _shown(event.witness, tree_size, root.hex(), timestamp, event.cosignature)
    raise CosignatureRefused("the witness log kept changing: post again")


def _checkpoints_of_size(app: Application[UUID], tree_size: int) -> list[Checkpoint]:
    # Newest first; sizes only grow along the log, so the search stops below the size wanted.
    found: list[Checkpoint] = []
    for _, checkpoint in newest_checkpoints(app):
        if checkpoint.tree_size is not None and checkpoint.tree_size < tree_size:
            break
        if checkpoint.tree_size == tree_size:
            found.append(checkpoint)
    return found


def _shown(witness: str, tree_size: int, root_hash: str, timestamp: int, line: str) -> Cosignature:
    try:
        key = parse_signature_line(line).key_id.hex()
    except NoteError:
        key = ""
    return Cosignature(witness, tree_size, root_hash, timestamp, line, key)


def cosignature_from_state(state: bytes, event_position: int | None = None) -> tuple[Cosignature, str]:
    """(cosignature, signed body) read straight from a stored event's state. Raises ValueError."""
    try:
        fields = json.loads(state)
        shown = _shown(
            str(fields["witness"]),
            int(fields["tree_size"]),
            str(fields["root_hash"]),
            int(fields["cosigned_time"]),
            str(fields["cosignature"]),
        )
        return Cosignature(**{**shown.as_dict(), "event_position": event_position}), str(fields["body"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"not a cosignature: {type(error).__name__}") from None


def cosignatures_by_checkpoint(app: Application[UUID]) -> dict[tuple[int, str], list[Cosignature]]:
    """Every stored cosignature, by the (tree size, root hash) it cosigns, oldest first."""
    found: dict[tuple[int, str], list[Cosignature]] = {}
    with log_snapshot(app.recorder) as snapshot:
        for position, state in snapshot.events_of(WITNESS_LOG_ID):
            try:
                cosignature, _ = cosignature_from_state(state, position)
            except ValueError:
                continue  # the verifier reports a broken record at its position
            found.setdefault((cosignature.tree_size, cosignature.root_hash), []).append(cosignature)
    return found
