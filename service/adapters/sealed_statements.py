"""Statements stored sealed, each under a key of its own, so that redacting one destroys its words for good.

What a participant said, the grounds of an objection and its resolution note,
the reason given with a stance, the rationale of a decision (and any erratum's
text) can hold a name typed in the room. The
mapper stores those fields as AES-GCM ciphertext; the key, made fresh for
each statement, is written into the key table in the same transaction as the
event (the chained recorders call `StatementKeys.take`), never into the log.
Redaction deletes that key: the stored event keeps its bytes, so every hash,
root and proof over the log still verifies, while its words can never be
read again (they read as `REDACTED_TEXT`). Events stored before this existed
hold their words in the clear: redacting them hides them in every view but
cannot take them out of the log.
"""

from __future__ import annotations

import base64
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from uuid import NAMESPACE_OID, UUID, uuid5

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent

from domain.assessment import Assessment
from domain.commitment import Commitment
from domain.complaint import Complaint
from domain.dispute import Dispute
from domain.evaluation import Evaluation
from domain.partner import Partner
from domain.proposal import REDACTED_TEXT, Proposal
from service.adapters.personal_data import KEYS_TABLE, PersonalDataVault

#: The fields stored sealed, by event class.
SEALED_FIELDS: dict[type, tuple[str, ...]] = {
    Proposal.Contributed: ("text",),
    Proposal.ObjectionRaised: ("grounds",),
    Proposal.ObjectionResolved: ("note",),
    Proposal.StanceTaken: ("reason",),
    Proposal.Decided: ("rationale",),
    Proposal.Corrected: ("text",),
    # A finding's description may quote a resident ("Bu Ani's well runs dry in August").
    Assessment.FindingRecorded: ("description",),
    Assessment.FindingCorrected: ("text",),
    # A mediation session's summary is what the parties said in the room; an erratum of it holds the same.
    Dispute.SessionHeld: ("summary",),
    Dispute.Corrected: ("text",),
    # A complaint may name whoever the resident saw take the cement; the answer may name them back.
    Complaint.Filed: ("text",),
    Complaint.Responded: ("response",),
    # A score's comment is what the resident said of the work; it may name whoever did it.
    Evaluation.Scored: ("comment",),
    # A risk's description, mitigation and review note are what the room said of the work; they may name someone.
    Commitment.RiskIdentified: ("description", "mitigation"),
    Commitment.RiskReviewed: ("note",),
    # An offer's description may say whose land the market stalls stand on.
    Partner.OfferMade: ("description",),
}
#: Where a stored event names the key of each of its sealed fields (removed again when it is read).
SEALED_STATE_KEY = "sealed_statements"
_NONCE_BYTES = 12


def statement_key_id(originator_id: UUID, version: int, field: str) -> UUID:
    """The id of the key that seals one field of the event an aggregate recorded at `version`."""
    return uuid5(NAMESPACE_OID, f"mufakat-statement:{originator_id}:{version}:{field}")


class StatementKeys:
    """Keys of sealed statements: made when an event is encoded, stored with the event, destroyed by redaction.

    A key lives in memory from the moment its statement is sealed until the recorder writes it in the
    transaction that stores the event (`take`); the vault's key table holds it from then on.

    Two attempts at one step (two requests on one proposal, in one process) seal the same key id with
    keys of their own; only one of them is stored. Each unsaved key is therefore kept with the words it
    sealed, and the stored event takes the key whose ciphertext it carries, so the attempt that lost can
    neither replace nor discard the key of the one that was stored.
    """

    #: Keys kept in memory once read (the most recently read first to stay): replaying a proposal opens
    #: every statement it holds, and a key changes only by being destroyed.
    KEPT_KEYS = 50_000

    def __init__(self, vault: PersonalDataVault) -> None:
        self.vault = vault
        self._lock = threading.Lock()
        #: (aggregate, version) -> the keys sealed for an event not stored yet: (key id, sealed words, key).
        self._unsaved: dict[tuple[str, int], list[tuple[UUID, str, bytes]]] = {}
        self._kept: OrderedDict[UUID, bytes] = OrderedDict()

    def seal(self, originator_id: UUID, version: int, field: str, text: str) -> tuple[UUID, str]:
        """A fresh key for this statement (kept until its event is stored) and the text sealed with it."""
        key_id = statement_key_id(originator_id, version, field)
        key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE_BYTES)
        sealed = base64.b64encode(nonce + AESGCM(key).encrypt(nonce, text.encode("utf-8"), key_id.bytes))
        words = sealed.decode("ascii")
        with self._lock:
            self._unsaved.setdefault((str(originator_id), version), []).append((key_id, words, key))
        return key_id, words

    def open(self, key_id: UUID, sealed: str) -> str:
        """The words, or REDACTED_TEXT once the key was destroyed.

        Only stored keys open words: what is decoded was read from the store, and an unsaved key (of an
        attempt that was never stored) would belong to another ciphertext of the same step.
        """
        key = self._stored_key(key_id)
        if key is None:
            return REDACTED_TEXT
        return words_sealed_with(key, key_id, sealed)

    def unsaved_key(self, originator_id: UUID, version: int, key_id: UUID, sealed: str) -> bytes | None:
        """The key that sealed these words for an event not stored yet (its recorder commits to the words)."""
        with self._lock:
            for unsaved_id, words, key in self._unsaved.get((str(originator_id), version), ()):
                if unsaved_id == key_id and words == sealed:
                    return key
        return None

    def take(self, stored_events: Sequence[StoredEvent]) -> list[tuple[str, str]]:
        """The rows (key id, key) to insert into the key table with these events, in the same transaction.

        Only the keys whose words these very events carry: another attempt at the same step sealed its
        words with keys of its own, and they are dropped with it (that step is stored now; it cannot be).
        """
        rows = []
        with self._lock:
            for stored in stored_events:
                unsaved = self._unsaved.pop((str(stored.originator_id), stored.originator_version), [])
                rows += [
                    (str(key_id), base64.b64encode(key).decode("ascii"))
                    for key_id, _, key in _sealed_in(stored, unsaved)
                ]
        return rows

    def discard(self, stored_events: Sequence[StoredEvent]) -> None:
        """Forgets the unsaved keys of events whose insert failed (a retry seals them again with new keys),
        and only theirs: another attempt at the same step may still be stored with its own."""
        with self._lock:
            for stored in stored_events:
                slot = (str(stored.originator_id), stored.originator_version)
                failed = _sealed_in(stored, self._unsaved.get(slot, []))
                rest = [entry for entry in self._unsaved.get(slot, []) if entry not in failed]
                if rest:
                    self._unsaved[slot] = rest
                else:
                    self._unsaved.pop(slot, None)

    def destroy(self, key_ids: Sequence[UUID]) -> bool:
        """Destroys statements' keys (redaction); True when their bytes are gone from the files too.

        Other processes may keep a destroyed key in memory until it ages out or they restart; every view
        they serve takes the redacted words out by the redaction's own event (histories, the proposal, the
        feed), and nothing they write holds the words.
        """
        with self._lock:
            for key_id in key_ids:
                self._kept.pop(key_id, None)
        return self.vault.forget_keys(key_ids)

    def _stored_key(self, key_id: UUID) -> bytes | None:
        with self._lock:
            key = self._kept.get(key_id)
            if key is not None:
                self._kept.move_to_end(key_id)
                return key
        key = self.vault.key(key_id)
        if key is not None:
            with self._lock:
                self._kept[key_id] = key
                if len(self._kept) > self.KEPT_KEYS:
                    self._kept.popitem(last=False)
        return key


def _sealed_in(stored: StoredEvent, unsaved: list[tuple[UUID, str, bytes]]) -> list[tuple[UUID, str, bytes]]:
    """The unsaved keys whose sealed words this stored event carries.

    Base64 words are written into the event's JSON as they are, and each carries a random nonce, so
    finding them in the state names the one attempt the event was encoded from.
    """
    if not unsaved:
        return []
    state = bytes(stored.state)
    return [entry for entry in unsaved if entry[1].encode("ascii") in state]


def words_sealed_with(key: bytes, key_id: UUID, sealed: str) -> str:
    """The words of a sealed statement, opened with its key (raises when key and text do not belong together)."""
    raw = base64.b64decode(sealed)
    return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], key_id.bytes).decode("utf-8")


#: The SQL that stores a statement's key beside its event (the vault's key table, shared with participants).
INSERT_KEY_SQL = f"INSERT INTO {KEYS_TABLE} (participant_id, key_material) VALUES (?, ?)"


class StatementSealingMapper(Mapper[UUID]):
    """eventsourcing's mapper, storing the fields of SEALED_FIELDS sealed and opening them when read."""

    statement_keys: StatementKeys | None = None

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        fields = SEALED_FIELDS.get(type(domain_event))
        if not fields or self.statement_keys is None:
            return super().to_stored_event(domain_event)
        state: dict[str, Any] = dict(vars(domain_event))
        originator_id, version = state["originator_id"], state["originator_version"]
        sealed: dict[str, str] = {}
        for field in fields:
            words = state.get(field)
            if isinstance(words, str):
                key_id, state[field] = self.statement_keys.seal(originator_id, version, field, words)
                sealed[field] = str(key_id)
        state[SEALED_STATE_KEY] = sealed
        clone = object.__new__(type(domain_event))
        object.__setattr__(clone, "__dict__", state)
        return super().to_stored_event(clone)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        domain_event = super().to_domain_event(stored_event)
        state = vars(domain_event)
        sealed = state.pop(SEALED_STATE_KEY, None)
        if sealed:
            if self.statement_keys is None:
                raise LookupError("sealed statements need the ledger's keys to be read")
            for field, key_id in sealed.items():
                state[field] = self.statement_keys.open(UUID(key_id), state[field])
        return domain_event
