"""What was said is stored sealed, under a key per statement written in the same transaction as its event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from domain.proposal import REDACTED_TEXT, Proposal
from service.adapters.sealed_statements import SEALED_STATE_KEY, statement_key_id
from service.adapters.storage import persistence_settings
from service.app.access import Principal
from service.app.application import Mufakat
from service.app.receipts import CommandContext
from service.cli.demo import DemoRecord, record_demo

WORDS = "Pak Darmo Sukirno tidak setuju"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger(request: pytest.FixtureRequest) -> Iterator[Mufakat]:
    """A ledger with the demo recorded, on SQLite and on PostgreSQL."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_database_url")
    else:
        url = request.getfixturevalue("sqlite_database_url")
    opened = Mufakat(env=persistence_settings(url))
    _, secret = opened.tokens.issue("facilitator", "Fasilitator", [])
    setattr(opened, "demo_record", record_demo(opened, secret))
    yield opened
    opened.close()


def _a_contribution(ledger: Mufakat) -> tuple[UUID, int]:
    """A new proposal in the demo's process and a contribution naming someone: (proposal, version)."""
    _, secret = ledger.tokens.issue("admin", "Admin", [])
    principal = ledger.tokens.authenticate(secret)
    assert isinstance(principal, Principal)
    context = CommandContext(principal)
    record: DemoRecord = getattr(ledger, "demo_record")
    speaker = next(iter(record.participants.values()))
    proposal = ledger.proposals.submit(context, record.process_id, "Sumur bor", "Sumur bor di RT 04", speaker, None)
    receipt = ledger.proposals.contribute(context, proposal.id, speaker, "concern", WORDS)
    return proposal.id, receipt.version


def _stored_state(ledger: Mufakat, proposal_id: UUID, version: int) -> dict[str, object]:
    (stored,) = ledger.recorder.select_events(proposal_id, gt=version - 1, lte=version)
    return json.loads(stored.state)  # type: ignore[no-any-return]


def test_the_words_are_stored_sealed_and_read_back_whole(ledger: Mufakat) -> None:
    proposal_id, version = _a_contribution(ledger)

    state = _stored_state(ledger, proposal_id, version)
    read = [e for e in ledger.events.get(proposal_id) if e.originator_version == version]

    assert WORDS not in json.dumps(state)
    assert state[SEALED_STATE_KEY] == {"text": str(statement_key_id(proposal_id, version, "text"))}
    assert read[0].text == WORDS  # type: ignore[attr-defined]
    assert SEALED_STATE_KEY not in vars(read[0])


def test_each_statement_has_its_own_key_stored_beside_the_log_and_every_demo_statement_reads(
    ledger: Mufakat,
) -> None:
    sealed = 0
    for notification in ledger.recorder.select_notifications(0, 10_000):
        event = ledger.mapper.to_domain_event(notification)
        if isinstance(event, Proposal.Contributed | Proposal.ObjectionRaised | Proposal.Decided):
            field = {"Contributed": "text", "ObjectionRaised": "grounds", "Decided": "rationale"}[type(event).__name__]
            key_id = statement_key_id(event.originator_id, event.originator_version, field)
            assert ledger.vault.key(key_id) is not None
            assert getattr(event, field) not in (None, REDACTED_TEXT)
            sealed += 1
    assert sealed >= 20


def test_a_key_is_stored_only_with_its_event_a_refused_insert_leaves_none(ledger: Mufakat) -> None:
    proposal_id, version = _a_contribution(ledger)
    (event,) = [e for e in ledger.events.get(proposal_id) if e.originator_version == version]
    following = object.__new__(type(event))
    object.__setattr__(following, "__dict__", {**vars(event), "originator_version": version + 1})
    # One transaction: a new step (sealed with a fresh key) and a step that clashes with a stored one.
    batch = [ledger.mapper.to_stored_event(following), ledger.mapper.to_stored_event(event)]

    with pytest.raises(IntegrityError):
        ledger.recorder.insert_events(batch)

    assert ledger.vault.key(statement_key_id(proposal_id, version + 1, "text")) is None
    (again,) = [e for e in ledger.events.get(proposal_id) if e.originator_version == version]
    assert again.text == WORDS  # type: ignore[attr-defined]
