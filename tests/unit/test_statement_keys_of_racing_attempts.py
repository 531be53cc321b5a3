"""Two attempts at one step in one process seal one statement with keys of their own: the stored one keeps its key."""

import base64
import json
from uuid import UUID, uuid4

from eventsourcing.persistence import StoredEvent

from service.adapters.sealed_statements import StatementKeys, words_sealed_with

CONTRIBUTED = "domain.proposal:Proposal.Contributed"


def attempt(keys: StatementKeys, proposal_id: UUID, words: str) -> tuple[UUID, str, StoredEvent]:
    """One attempt at recording a contribution at version 4: its words sealed and its event encoded."""
    key_id, sealed = keys.seal(proposal_id, 4, "text", words)
    state = {"text": sealed, "sealed_statements": {"text": str(key_id)}}
    return key_id, sealed, StoredEvent(proposal_id, 4, CONTRIBUTED, json.dumps(state).encode("utf-8"))


def opened(rows: list[tuple[str, str]], sealed: str) -> list[str]:
    """The words each taken key opens."""
    return [words_sealed_with(base64.b64decode(key), UUID(key_id), sealed) for key_id, key in rows]


def test_the_stored_attempt_takes_the_key_of_its_own_words_though_another_sealed_after_it() -> None:
    keys = StatementKeys(vault=None)  # type: ignore[arg-type]
    proposal_id = uuid4()
    _, stored_words, stored = attempt(keys, proposal_id, "Jalan perlu drainase")
    attempt(keys, proposal_id, "Jembatan dulu")  # the other request, sealed later, loses the race

    assert opened(keys.take([stored]), stored_words) == ["Jalan perlu drainase"]


def test_the_losing_attempt_discarding_its_keys_leaves_the_stored_attempts_key() -> None:
    keys = StatementKeys(vault=None)  # type: ignore[arg-type]
    proposal_id = uuid4()
    _, stored_words, stored = attempt(keys, proposal_id, "Jalan perlu drainase")
    _, _, lost = attempt(keys, proposal_id, "Jembatan dulu")

    keys.discard([lost])

    assert opened(keys.take([stored]), stored_words) == ["Jalan perlu drainase"]


def test_the_key_of_words_not_yet_stored_is_found_only_for_those_words() -> None:
    keys = StatementKeys(vault=None)  # type: ignore[arg-type]
    proposal_id = uuid4()
    key_id, first_words, _ = attempt(keys, proposal_id, "Jalan perlu drainase")
    _, second_words, _ = attempt(keys, proposal_id, "Jembatan dulu")

    first_key = keys.unsaved_key(proposal_id, 4, key_id, first_words)
    second_key = keys.unsaved_key(proposal_id, 4, key_id, second_words)

    assert first_key is not None and second_key is not None
    assert words_sealed_with(first_key, key_id, first_words) == "Jalan perlu drainase"
    assert words_sealed_with(second_key, key_id, second_words) == "Jembatan dulu"


def test_once_a_step_is_stored_no_key_of_another_attempt_at_it_stays_in_memory() -> None:
    keys = StatementKeys(vault=None)  # type: ignore[arg-type]
    proposal_id = uuid4()
    _, _, stored = attempt(keys, proposal_id, "Jalan perlu drainase")
    _, lost_words, _ = attempt(keys, proposal_id, "Jembatan dulu")
    key_id = UUID(json.loads(stored.state)["sealed_statements"]["text"])

    keys.take([stored])

    assert keys.unsaved_key(proposal_id, 4, key_id, lost_words) is None
