"""The public form of a published event: what outsiders may read of it, and nothing that points to a person."""

from __future__ import annotations

import hashlib
import json
import typing
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from projections.registry import entry
from service.adapters.sealed_statements import StatementKeys
from service.audit.canonical import GENESIS, event_hash
from service.audit.chain import chain_links
from service.audit.public_form import (
    PUBLIC_FIELDS,
    differing_fields,
    event_hash_v2,
    private_digest,
    public_form,
    statement_commitment,
    statement_salt,
)

DECIDED = "domain.proposal:Proposal.Decided"
KEY_ID = "6323a3e7-ac2c-5699-9aaa-2e093428738d"
STATEMENT_KEY = bytes(range(32))


def decided_state(outcome: str = "adopted") -> bytes:
    """A decision as the ledger stores it: typed wrappers, an actor, the rationale sealed."""
    return json.dumps(
        {
            "timestamp": {"_type_": "datetime_iso", "_data_": "2026-12-07T12:19:49.898565+00:00"},
            "occurred_at": {"_type_": "datetime_iso", "_data_": "2026-12-07T12:19:49.898379+00:00"},
            "actor": {"_type_": "actor", "_data_": {"id": "fasilitator-7", "role": "facilitator", "name": "Bu Ani"}},
            "outcome": outcome,
            "method": "consensus",
            "rationale": "c2VhbGVk",
            "rules": {"quorum": 0.6666666666666666, "consensus": "consent"},
            "sealed_statements": {"rationale": KEY_ID},
            "class_version": 2,
        },
        separators=(",", ":"),
    ).encode("utf-8")


def opener(field: str, key_id: UUID, sealed: str) -> tuple[bytes, str]:
    assert (field, str(key_id), sealed) == ("rationale", KEY_ID, "c2VhbGVk")
    return statement_salt(STATEMENT_KEY), "Mufakat tercapai"


def test_every_public_field_is_a_field_of_its_event_and_none_names_a_participant() -> None:
    for topic, (fields, statements) in PUBLIC_FIELDS.items():
        event = resolve_topic(topic)
        declared = set(typing.get_type_hints(event))
        assert set(fields) | set(statements) <= declared, topic
        assert not (set(fields) | set(statements)) & {*entry(topic).names, "actor"}, topic


def test_a_decisions_public_form_shows_its_outcome_and_commits_to_its_words_without_them() -> None:
    aggregate = uuid4()

    form = json.loads(public_form(aggregate, 13, DECIDED, decided_state(), opener))

    assert form["aggregate_id"] == str(aggregate) and form["version"] == 13
    assert form["fields"] == {
        "outcome": "adopted",
        "method": "consensus",
        "rules": {"quorum": 0.6666666666666666, "consensus": "consent"},
    }
    assert form["occurred_at"] == "2026-12-07T12:19:49.898379+00:00"
    salt = statement_salt(STATEMENT_KEY)
    assert salt != statement_salt(bytes(32))  # the key decides it: destroyed with the key, gone with the words
    assert form["statements"] == {"rationale": hashlib.sha256(salt + b"Mufakat tercapai").hexdigest()}
    text = json.dumps(form)
    assert "Mufakat tercapai" not in text and "fasilitator-7" not in text and "Bu Ani" not in text


def test_the_public_form_is_canonical_and_changes_with_what_it_says() -> None:
    aggregate = uuid4()

    first = public_form(aggregate, 13, DECIDED, decided_state(), opener)
    again = public_form(aggregate, 13, DECIDED, decided_state(), opener)
    rejected = public_form(aggregate, 13, DECIDED, decided_state("rejected"), opener)

    assert first == again == json.dumps(json.loads(first), sort_keys=True, separators=(",", ":")).encode()
    assert rejected != first


def test_a_sealed_statement_that_cannot_be_opened_is_never_committed_to_blindly() -> None:
    with pytest.raises(ValueError, match="rationale"):
        public_form(uuid4(), 13, DECIDED, decided_state(), lambda field, key_id, sealed: None)


def test_the_version_two_hash_is_the_documented_formula() -> None:
    aggregate, previous, salt = uuid4(), hashlib.sha256(b"before").digest(), bytes(32)
    state = decided_state()
    form = public_form(aggregate, 13, DECIDED, state, opener)

    digest = private_digest(salt, aggregate.bytes, 13, DECIDED, state)

    encoding = (
        (b"\x01" + aggregate.bytes + (13).to_bytes(8, "big") + len(DECIDED).to_bytes(4, "big") + DECIDED.encode())
        + len(state).to_bytes(4, "big")
        + state
    )
    assert digest == hashlib.sha256(salt + encoding).digest()
    expected = hashlib.sha256(previous + b"mufakat-event-v2" + hashlib.sha256(form).digest() + digest).digest()
    assert event_hash_v2(previous, form, digest) == expected
    assert statement_commitment(b"s", "kata") == hashlib.sha256(b"skata").hexdigest()


def test_a_state_changed_after_the_public_form_was_written_is_named_by_its_field() -> None:
    aggregate = uuid4()
    form = public_form(aggregate, 13, DECIDED, decided_state(), opener)

    assert differing_fields(form, aggregate, 13, DECIDED, decided_state()) == []
    assert differing_fields(form, aggregate, 13, DECIDED, decided_state("rejected")) == ["fields.outcome"]
    assert differing_fields(form, aggregate, 14, DECIDED, decided_state()) == ["version"]


def test_a_decision_whose_statement_cannot_be_opened_keeps_the_plain_hash_rather_than_failing_the_write() -> None:
    # Two attempts at one step racing in one process: the key in memory is not the one the words were sealed with.
    stored = StoredEvent(originator_id=uuid4(), originator_version=13, topic=DECIDED, state=decided_state())
    keys = StatementKeys(vault=None)  # type: ignore[arg-type]
    keys.seal(stored.originator_id, 13, "rationale", "Kata lain")
    forms: list[Any] = []

    [link] = chain_links([stored], [29], lambda originator, version: None, GENESIS, forms, keys)

    assert forms == []
    assert link[3] == event_hash(GENESIS, stored.originator_id.bytes, 13, DECIDED, stored.state)


def test_a_decision_sealed_as_the_ledger_seals_it_gets_its_public_form_and_the_version_two_hash() -> None:
    originator = uuid4()
    keys = StatementKeys(vault=None)  # type: ignore[arg-type]
    key_id, sealed = keys.seal(originator, 13, "rationale", "Mufakat tercapai")
    state = json.loads(decided_state())
    state.update(rationale=sealed, sealed_statements={"rationale": str(key_id)})
    stored = StoredEvent(originator, 13, DECIDED, json.dumps(state).encode("utf-8"))
    forms: list[Any] = []

    [link] = chain_links([stored], [29], lambda originator, version: None, GENESIS, forms, keys)

    [(position, form, salt, digest)] = forms
    assert position == 29 and json.loads(form)["fields"]["outcome"] == "adopted"
    assert digest == private_digest(salt, originator.bytes, 13, DECIDED, stored.state)
    assert link[3] == event_hash_v2(GENESIS, form, digest)
