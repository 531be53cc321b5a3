"""The public form of a published event, and the event hash (version 2) that commits to it.

A proof of inclusion says only that an event with some hash is in the signed
log; it says nothing about what a feed item claims that event said. So the
events a published item is made of (a decision, and the rounds it was founded
on) are hashed in two parts (docs/audit-format.md, section 3a):

- the **public form**: canonical JSON of exactly what outsiders may read of the
  event (topic, aggregate id, version, times, and the public fields of its
  kind); each statement only as a salted commitment SHA-256(salt ‖ words),
  the salt derived from the statement's own key, so that a redaction, which
  destroys the key, destroys the salt with the words; nothing that names or
  points to a participant (no actor, no participant id);
- the **private digest**: SHA-256(salt ‖ encoding(event)) over the whole stored
  event (section 2), with 32 random bytes of salt kept beside the log.

    hash_v2 = SHA-256(previous ‖ "mufakat-event-v2" ‖ SHA-256(public form) ‖ private digest)

Anyone given the public form, the private digest and the previous hash
recomputes the event hash, the leaf and the inclusion proof, and reads the
item's fields from the public form. Events of other kinds, and every event
stored before this existed, keep the hash of section 3.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.proposal import Proposal
from service.audit.canonical import encode_event

EVENT_HASH_V2_TAG = b"mufakat-event-v2"
PUBLIC_FORM_FORMAT = "mufakat-public-form/1"
PUBLIC_FORMS_TABLE = "event_public_forms"
PRIVATE_SALT_BYTES = 32
_STATEMENT_SALT_LABEL = b"mufakat-statement-commitment"
_SEALED_STATE_KEY = "sealed_statements"

#: Per stored topic: the fields outsiders may read, and the statements (free text) shown only as commitments.
PUBLIC_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    get_topic(Proposal.Decided): (("outcome", "method", "rules"), ("rationale",)),
    get_topic(Proposal.ConsensusCheckOpened): (("check_id", "meeting_id", "text_version"), ()),
    get_topic(Proposal.ConsensusCheckClosed): (("check_id", "result", "tally"), ()),
    get_topic(Proposal.VoteOpened): (("vote_id", "meeting_id", "text_version"), ()),
    get_topic(Proposal.VoteClosed): (("vote_id", "result", "tally"), ()),
}

#: Feed item kinds whose fields are bound to public forms (`GET /audit/public-forms`, `mufakat verify-item`).
BOUND_KINDS = ("decision",)

#: Opens one sealed statement: (field, key id, stored text) -> (salt, words), or None when its key is gone.
StatementOpener = Callable[[str, UUID, str], tuple[bytes, str] | None]


def has_public_form(topic: str) -> bool:
    """Whether events of this stored topic are hashed with their public form (hash version 2)."""
    return topic in PUBLIC_FIELDS


def statement_salt(statement_key: bytes) -> bytes:
    """The salt of a statement's commitment, derived from its key (destroyed with it by a redaction)."""
    return hmac.new(statement_key, _STATEMENT_SALT_LABEL, hashlib.sha256).digest()


def statement_commitment(salt: bytes, words: str) -> str:
    """SHA-256(salt ‖ words in UTF-8), hex: what the public form shows of a statement."""
    return hashlib.sha256(salt + words.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """A stored value as outsiders read it: eventsourcing's typed wrappers unwrapped (UUIDs hyphenated)."""
    if isinstance(value, dict):
        if set(value) == {"_type_", "_data_"}:
            data = value["_data_"]
            return str(UUID(hex=data)) if value["_type_"] == "uuid_hex" else _plain(data)
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def public_fields(originator_id: UUID, version: int, topic: str, state: bytes) -> dict[str, Any]:
    """Everything of the public form but the statements, read from the stored state. Raises ValueError."""
    return _public_fields(originator_id, version, topic, _decoded(state))


def _decoded(state: bytes) -> dict[str, Any]:
    decoded = json.loads(state)
    if not isinstance(decoded, dict):
        raise ValueError("the state is not a JSON object")
    return decoded


def _public_fields(originator_id: UUID, version: int, topic: str, decoded: dict[str, Any]) -> dict[str, Any]:
    fields, _ = PUBLIC_FIELDS[topic]
    return {
        "form": PUBLIC_FORM_FORMAT,
        "topic": topic,
        "aggregate_id": str(originator_id),
        "version": version,
        "recorded_at": _plain(decoded.get("timestamp")),
        "occurred_at": _plain(decoded.get("occurred_at")),
        "fields": {name: _plain(decoded.get(name)) for name in fields},
    }


def public_form(
    originator_id: UUID, version: int, topic: str, state: bytes, open_statement: StatementOpener | None
) -> bytes:
    """The canonical public form of a stored event (UTF-8 JSON, keys sorted, no spaces). Raises ValueError.

    A statement stored sealed is committed to with the salt its key gives; one stored in the clear (no
    key: a recorder that seals nothing) is committed to with a salt that is never published.
    """
    decoded = _decoded(state)  # parsed once: this runs on the write path of every event a decision is made of
    form = _public_fields(originator_id, version, topic, decoded)
    sealed = decoded.get(_SEALED_STATE_KEY) or {}
    statements: dict[str, str | None] = {}
    for name in PUBLIC_FIELDS[topic][1]:
        stored = decoded.get(name)
        if not isinstance(stored, str):
            statements[name] = None
            continue
        opened = open_statement(name, UUID(sealed[name]), stored) if name in sealed and open_statement else None
        if opened is None and name in sealed:
            raise ValueError(f"the statement {name} cannot be opened to commit to it")
        salt, words = opened if opened is not None else (_unpublished_salt(), stored)
        statements[name] = statement_commitment(salt, words)
    form["statements"] = statements
    return canonical_json(form)


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys and no spaces, UTF-8: the bytes the public form's digest covers."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _unpublished_salt() -> bytes:
    return os.urandom(PRIVATE_SALT_BYTES)


def private_digest(salt: bytes, originator_id: bytes, version: int, topic: str, state: bytes) -> bytes:
    """SHA-256(salt ‖ encoding(event)): commits to the whole stored event without revealing it."""
    return hashlib.sha256(salt + encode_event(originator_id, version, topic, state)).digest()


def event_hash_v2(previous: bytes, public: bytes, digest_of_private: bytes) -> bytes:
    """SHA-256(previous ‖ "mufakat-event-v2" ‖ SHA-256(public form) ‖ private digest)."""
    return hashlib.sha256(previous + EVENT_HASH_V2_TAG + hashlib.sha256(public).digest() + digest_of_private).digest()


def differing_fields(stored_form: bytes, originator_id: UUID, version: int, topic: str, state: bytes) -> list[str]:
    """Names of the public form's parts that the stored state no longer gives (empty: it derives from it).

    Statements are not compared here: their commitments need the words, and so the statements' keys.
    """
    try:
        form = json.loads(stored_form)
        expected = public_fields(originator_id, version, topic, state)
    except (ValueError, TypeError, KeyError):
        return ["public form"]
    if not isinstance(form, dict):
        return ["public form"]
    differing = [key for key in expected if key != "fields" and form.get(key) != expected[key]]
    shown = form.get("fields")
    shown_fields: dict[str, Any] = shown if isinstance(shown, dict) else {}
    differing += [f"fields.{name}" for name, value in expected["fields"].items() if shown_fields.get(name) != value]
    return differing
