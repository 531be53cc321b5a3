"""Rotating the signing key: the old key signs the hand-over to a new one, in the log itself.

`rotate_signing_key` runs these steps, in this order, so that a crash
between any two of them leaves a log that still verifies (docs/operations.md):

1. seal a last checkpoint with the old key (the old key vouches for everything so far);
2. make the new key and write it whole to `<keyfile>.next` (mode 0600, synced);
3. record `SigningKeyRotated`, signed by the old key (from here on only the new key may seal);
4. keep the old key: hard-link the key file to `<keyfile>.retired-<rotated_at>` (mode 0600);
5. put the new key in place: rename `<keyfile>.next` over the key file (atomic);
6. seal a first checkpoint with the new key (it vouches for the rotation event too).

A crash before 3 leaves the log as it was (a stale `.next` is replaced by the
next run). A crash after 3 but before 5 leaves the log naming a key that only
`.next` holds: every sealer refuses to sign with the old key
(`SigningKeyRetired`), so no checkpoint the verifier would refuse is ever
recorded, and running `rotate-key` again finds `.next` and finishes 4 to 6. A
crash after 5 leaves only the first checkpoint under the new key to seal,
which the next `mufakat checkpoint` does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import Application, EventSourcedLog
from eventsourcing.persistence import IntegrityError

from service.adapters.storage import SideTables
from service.audit.canonical import rotation_message, sealed_at_text
from service.audit.chain import HASHES_TABLE
from service.audit.checkpoints import (
    CHECKPOINT_LOG_ID,
    Checkpoint,
    KeyRotation,
    SigningKeyRetired,
    SigningKeyRotated,
    checkpoint_log,
    rotation_from_state,
    seal_checkpoint,
    signing_key_after,
)
from service.audit.records import log_snapshot
from service.audit.signing import load_signing_key, public_key_text, sign, sync_directory, write_key_draft

_ATTEMPTS = 10


@dataclass(frozen=True)
class RotationOutcome:
    """What a rotation did: the old key's last checkpoint, the hand-over, the new key's first checkpoint."""

    last_checkpoint: Checkpoint | None
    rotation: KeyRotation
    first_checkpoint: Checkpoint | None
    retired_key_file: Path
    resumed: bool


def pending_key_file(key_file: Path) -> Path:
    """Where the new key waits between the rotation event and its installation."""
    return key_file.with_name(key_file.name + ".next")


def retired_key_file(key_file: Path, rotated_at: str) -> Path:
    """Where the old key is kept after a rotation (named by the rotation's time, so a resumed run finds it)."""
    stamp = rotated_at.replace("-", "").replace(":", "")
    return key_file.with_name(f"{key_file.name}.retired-{stamp}")


def rotate_signing_key(app: Application[UUID], key_file: Path, *, now: datetime | None = None) -> RotationOutcome:
    """Hands signing over from the key in `key_file` to a new key (see the module docstring for the order)."""
    old = load_signing_key(key_file)
    pending = pending_key_file(key_file)
    unfinished = _unfinished_rotation(app, old, pending)
    last_checkpoint: Checkpoint | None = None
    if unfinished is None:
        last_checkpoint = seal_checkpoint(app, old)
        new = Ed25519PrivateKey.generate()
        draft = write_key_draft(key_file, new)
        os.replace(draft, pending)
        sync_directory(pending.parent)
        rotation = _record_rotation(app, old, new, now or datetime.now(UTC))
    else:
        rotation = unfinished
    retired = retired_key_file(key_file, rotation.rotated_at)
    _keep(key_file, retired)
    os.replace(pending, key_file)
    sync_directory(key_file.parent)
    first_checkpoint = seal_checkpoint(app, load_signing_key(key_file))
    return RotationOutcome(last_checkpoint, rotation, first_checkpoint, retired, resumed=unfinished is not None)


def _unfinished_rotation(app: Application[UUID], old: Ed25519PrivateKey, pending: Path) -> KeyRotation | None:
    # A rotation recorded by a run that stopped before installing its key: its new key is in `.next`.
    if not pending.exists():
        return None
    last = checkpoint_log(app).get_last()
    if not isinstance(last, SigningKeyRotated) or last.old_public_key != public_key_text(old):
        return None
    if last.new_public_key != public_key_text(load_signing_key(pending)):
        return None
    return KeyRotation(
        old_public_key=last.old_public_key,
        new_public_key=last.new_public_key,
        position=last.position,
        rotated_at=sealed_at_text(last.rotated_at),
        signature=last.signature,
    )


def _record_rotation(
    app: Application[UUID], old: Ed25519PrivateKey, new: Ed25519PrivateKey, rotated_at: datetime
) -> KeyRotation:
    log = checkpoint_log(app)
    tables = SideTables(app.recorder)
    old_public, new_public = public_key_text(old), public_key_text(new)
    text = sealed_at_text(rotated_at)
    for _ in range(_ATTEMPTS):
        last_logged = log.get_last()
        expected = signing_key_after(last_logged)
        if expected is not None and expected != old_public:
            raise SigningKeyRetired(f"the log is now signed by key {expected}, not by this key file's {old_public}")
        last = tables.fetch_one(f"SELECT notification_id FROM {HASHES_TABLE} ORDER BY notification_id DESC LIMIT 1")
        position = 0 if last is None else int(last[0])
        signature = sign(old, rotation_message(old_public, new_public, position, text))
        rotated = EventSourcedLog(app.events, CHECKPOINT_LOG_ID, SigningKeyRotated).trigger_event(
            next_originator_version=1 if last_logged is None else last_logged.originator_version + 1,
            old_public_key=old_public,
            new_public_key=new_public,
            position=position,
            rotated_at=rotated_at,
            signature=signature,
        )
        try:
            app.save(rotated)
        except IntegrityError:
            continue  # a checkpoint was sealed meanwhile: sign the hand-over on top of it
        return KeyRotation(old_public, new_public, position, text, signature)
    raise SigningKeyRetired("the checkpoint log kept changing: the rotation was not recorded, run it again")


def _keep(key_file: Path, retired: Path) -> None:
    # A hard link keeps the old key's bytes (and its mode) under the retired name while the
    # key file's name moves on to the new key; a resumed run finds the link already made.
    try:
        os.link(key_file, retired)
    except FileExistsError:
        if retired.read_bytes() != key_file.read_bytes():
            raise FileExistsError(f"{retired} exists and holds another key: move it away and run again") from None
    os.chmod(retired, 0o600)
    sync_directory(retired.parent)


def rotations(app: Application[UUID]) -> list[KeyRotation]:
    """Every rotation recorded in the log, oldest first, each with the position of its event."""
    found = []
    with log_snapshot(app.recorder) as snapshot:
        for position, state in snapshot.events_of(CHECKPOINT_LOG_ID):
            try:
                found.append(rotation_from_state(state, position))
            except ValueError:
                continue  # a checkpoint (or a broken record, which the verifier reports)
    return found
