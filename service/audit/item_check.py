"""`mufakat verify-item`: a partner proves that a feed item's event is in the signed log (docs/audit-format.md, 10).

With the log's public key pinned and two HTTP calls (the newest checkpoint,
an inclusion proof), it checks that the event the item names (`log_position`,
`event_hash`) is in the tree a checkpoint signed with that key; with a
checkpoint the partner kept, also that the log only grew since (a consistency
proof). It never trusts a root or key the server sends: only the pinned key.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from service.audit.merkle import verify_consistency, verify_inclusion
from service.audit.note import NoteError, note_signed_by, parse_checkpoint_body, split_note
from service.audit.witness_client import Fetch, WitnessError, api_base, http_fetch


@dataclass
class ItemReport:
    """What was proved about one feed item."""

    ok: bool
    item_id: str | None
    log_position: int | None
    event_hash: str | None
    tree_size: int | None = None
    root_hash: str | None = None
    grew_from: int | None = None
    failure: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready primitives."""
        return asdict(self)


def signed_head(note: Any, public_key: str) -> tuple[int, bytes]:
    """(tree size, root) of a checkpoint note signed by the pinned key. Raises ValueError."""
    if not isinstance(note, str) or note_signed_by(note, public_key) is None:
        raise ValueError("the checkpoint is not signed by the pinned public key")
    try:
        body = parse_checkpoint_body(split_note(note)[0])
    except NoteError as error:
        raise ValueError(f"the checkpoint is malformed: {error}") from None
    return body.tree_size, body.root


def verify_item(
    item: dict[str, Any],
    log_url: str,
    public_key: str,
    kept: dict[str, Any] | None = None,
    fetch: Fetch | None = None,
) -> ItemReport:
    """Proves the item's event is in the newest signed checkpoint (and the log grew from `kept`)."""
    fetch = fetch or http_fetch
    position, event_hash = item.get("log_position"), item.get("event_hash")
    report = ItemReport(False, item.get("id"), position, event_hash)
    report.notes.append(
        "this proves the event at log_position with event_hash is in the signed log; that the item's other "
        "fields say what that event says is for an auditor with the raw events (mufakat verify)"
    )
    if not isinstance(position, int) or not isinstance(event_hash, str):
        report.failure = "the item names no log_position and event_hash: it is not bound to the log"
        return report
    base = api_base(log_url)
    try:
        size, root = signed_head(fetch(f"{base}/audit/checkpoints/latest", None).get("note"), public_key)
        report.tree_size, report.root_hash = size, root.hex()
        proof = fetch(f"{base}/audit/proofs/inclusion?position={position}&tree_size={size}", None)
        leaf = hashlib.sha256(b"\x00" + bytes.fromhex(event_hash)).digest()
        path = [bytes.fromhex(node) for node in proof.get("audit_path", [])]
        if proof.get("leaf_hash") != leaf.hex() or not verify_inclusion(
            leaf, int(proof.get("leaf_index", -1)), size, path, root
        ):
            report.failure = (
                f"the event at position {position} with hash {event_hash} is not in the signed tree of {size} "
                "events: the item (or the log) was altered"
            )
            return report
        if kept is not None:
            old_size, old_root = signed_head(kept.get("note"), public_key)
            answer = fetch(f"{base}/audit/proofs/consistency?first={old_size}&second={size}", None)
            nodes = [bytes.fromhex(node) for node in answer.get("proof", [])]
            if not verify_consistency(old_size, size, old_root, root, nodes):
                report.failure = f"the log of {size} events does not extend the kept checkpoint of {old_size}"
                return report
            report.grew_from = old_size
    except (ValueError, TypeError, WitnessError) as error:
        report.failure = str(error)
        return report
    report.ok = True
    return report
