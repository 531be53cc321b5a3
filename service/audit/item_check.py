"""`mufakat verify-item`: a partner proves that a feed item's event is in the signed log (docs/audit-format.md, 10).

With the log's public key pinned and two HTTP calls (the newest checkpoint,
an inclusion proof), it checks that the event the item names (`log_position`,
`event_hash`) is in the tree a checkpoint signed with that key; with a
checkpoint the partner kept, also that the log only grew since (a consistency
proof). It never trusts a root or key the server sends: only the pinned key.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from service.audit.merkle import leaf_hash, verify_consistency, verify_inclusion
from service.audit.note import NoteError, note_signed_by, parse_checkpoint_body, split_note
from service.audit.public_form import BOUND_KINDS, event_hash_v2, statement_commitment
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
    fields_checked: list[str] = field(default_factory=list)
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
    if not isinstance(position, int) or not isinstance(event_hash, str):
        report.failure = "the item names no log_position and event_hash: it is not bound to the log"
        return report
    base = api_base(log_url)
    try:
        size, root = signed_head(fetch(f"{base}/audit/checkpoints/latest", None).get("note"), public_key)
        report.tree_size, report.root_hash = size, root.hex()
        if not _in_signed_tree(base, position, bytes.fromhex(event_hash), size, root, fetch):
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
        mismatch = _fields_unbound(item, base, size, root, fetch, report)
        if mismatch is not None:
            report.failure = mismatch
            return report
    except (ValueError, TypeError, KeyError, WitnessError) as error:
        report.failure = str(error)
        return report
    report.ok = True
    return report


def _fields_unbound(
    item: dict[str, Any], base: str, size: int, root: bytes, fetch: Fetch, report: ItemReport
) -> str | None:
    """Binds the item's fields to the public forms of the events it is made of; the first mismatch, or None."""
    if item.get("kind") not in BOUND_KINDS:
        report.notes.append(
            f"an item of kind {item.get('kind')} carries no public forms: this proves its event is in the signed "
            "log, not that its other fields say what that event says"
        )
        return None
    served = fetch(f"{base}/audit/public-forms?position={item['log_position']}", None)
    forms: dict[int, dict[str, Any]] = {}
    salts: dict[int, dict[str, Any]] = {}
    for entry in served.get("public_forms", []):
        at = int(entry["log_position"])
        form_bytes = base64.b64decode(entry["public_form"], validate=True)
        computed = event_hash_v2(
            bytes.fromhex(entry["previous_hash"]), form_bytes, bytes.fromhex(entry["private_digest"])
        )
        if at == item["log_position"]:
            if computed.hex() != item["event_hash"]:
                return (
                    f"the public form served for position {at} does not hash to the item's event_hash: "
                    "what the log commits to at that position is not what is served"
                )
        elif not _in_signed_tree(base, at, computed, size, root, fetch):
            raise ValueError(f"the public form served for position {at} is not in the signed tree of {size} events")
        forms[at] = json.loads(form_bytes)
        salts[at] = dict(entry.get("statement_salts") or {})
    if item["log_position"] not in forms:
        return f"no public form of the event at position {item['log_position']}: the item's fields are not bound"
    return compare_decision(item, forms, salts, report)


def _in_signed_tree(base: str, position: int, event_hash: bytes, size: int, root: bytes, fetch: Fetch) -> bool:
    """Whether the log's inclusion proof puts this event hash at `position` of the signed tree of `size`."""
    proof = fetch(f"{base}/audit/proofs/inclusion?position={position}&tree_size={size}", None)
    leaf = leaf_hash(event_hash)
    path = [bytes.fromhex(node) for node in proof.get("audit_path", [])]
    return proof.get("leaf_hash") == leaf.hex() and verify_inclusion(
        leaf, int(proof.get("leaf_index", -1)), size, path, root
    )


def _differs(name: str, said: Any, committed: Any) -> str:
    return f"{name}: the item says {said!r}, the event it cites says {committed!r}"


def _same_instant(first: Any, second: Any) -> bool:
    try:
        return bool(datetime.fromisoformat(str(first)) == datetime.fromisoformat(str(second)))
    except ValueError:
        return False


def compare_decision(
    item: dict[str, Any],
    forms: dict[int, dict[str, Any]],
    salts: dict[int, dict[str, Any]],
    report: ItemReport,
) -> str | None:
    """The first field of a decision item that its events' public forms do not give (None: all agree)."""
    decided = forms[item["log_position"]]
    shown = decided["fields"]
    decision = item.get("decision") or {}

    checks: list[tuple[str, Any, Any, bool]] = [
        ("proposal.id", (item.get("proposal") or {}).get("id"), decided["aggregate_id"], True),
        ("decision.outcome", decision.get("outcome"), shown["outcome"], True),
        ("decision.method", decision.get("method"), shown["method"], True),
        ("rules", item.get("rules"), shown["rules"], True),
        ("decision.decided_at", decision.get("decided_at"), decided["occurred_at"], False),
    ]
    if "recorded_at" in item:
        checks.append(("recorded_at", item["recorded_at"], decided["recorded_at"], False))
    for name, said, committed, exact in checks:
        if (said != committed) if exact else not _same_instant(said, committed):
            return _differs(name, said, committed)
        report.fields_checked.append(name)
    salt = salts[item["log_position"]].get("rationale")
    commitment = (decided.get("statements") or {}).get("rationale")
    if salt is not None and commitment is not None:
        if statement_commitment(bytes.fromhex(salt), str(decision.get("rationale"))) != commitment:
            return "decision.rationale: the item's words are not the words the event committed to"
        report.fields_checked.append("decision.rationale")
    else:
        report.notes.append("the rationale's salt is gone (its words were redacted): only its commitment remains")
    rounds = {
        (form["fields"].get("check_id") or form["fields"].get("vote_id"), form["topic"].rsplit(".", 1)[-1]): form
        for form in forms.values()
        if form is not decided
    }
    for kind, key, closed, opened in (
        ("consensus_checks", "check_id", "ConsensusCheckClosed", "ConsensusCheckOpened"),
        ("votes", "vote_id", "VoteClosed", "VoteOpened"),
    ):
        for index, summary in enumerate(item.get(kind) or []):
            name = f"{kind}[{index}]"
            closing = rounds.get((summary.get(key), closed))
            if closing is None:
                if summary.get("result") is not None:
                    return f"{name}: the item shows a result no public form of its events gives"
                continue
            for part in ("result", "tally"):
                if summary.get(part) != closing["fields"][part]:
                    return _differs(f"{name}.{part}", summary.get(part), closing["fields"][part])
                report.fields_checked.append(f"{name}.{part}")
            opening = rounds.get((summary.get(key), opened))
            if opening is not None and "text_version" in summary:
                if summary["text_version"] != opening["fields"]["text_version"]:
                    return _differs(f"{name}.text_version", summary["text_version"], opening["fields"]["text_version"])
                report.fields_checked.append(f"{name}.text_version")
    return _text_version_unbound(item, decided, forms, report)


def _text_version_unbound(
    item: dict[str, Any],
    decided: dict[str, Any],
    forms: dict[int, dict[str, Any]],
    report: ItemReport,
) -> str | None:
    """A decision by consensus or vote stands on its latest round, held on the current text: the item's
    `proposal.text_version` is the text version that round was opened on."""
    opening = {"consensus": "Proposal.ConsensusCheckOpened", "vote": "Proposal.VoteOpened"}.get(
        decided["fields"]["method"]
    )
    said = (item.get("proposal") or {}).get("text_version")
    rounds = [form for form in forms.values() if opening and form["topic"].endswith(opening)]
    if opening is None or said is None or not rounds:
        return None
    latest = max(rounds, key=lambda form: int(form["version"]))
    if said != latest["fields"]["text_version"]:
        return _differs("proposal.text_version", said, latest["fields"]["text_version"])
    report.fields_checked.append("proposal.text_version")
    return None
