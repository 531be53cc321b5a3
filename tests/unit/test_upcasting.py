"""Stored events keep their meaning: a version 1 `Proposal.Submitted` still reads, upcast to version 2."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)

from domain.actor import Actor
from domain.proposal import Proposal
from service.adapters.transcodings import register_domain_transcodings

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def mapper() -> Mapper[UUID]:
    """The mapper the Mufakat application uses: JSON, the library's and the domain's transcodings."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def stored_sample(name: str) -> StoredEvent:
    sample: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return StoredEvent(
        originator_id=UUID(sample["originator_id"]),
        originator_version=sample["originator_version"],
        topic=sample["topic"],
        state=sample["state"].encode("utf-8"),
    )


def test_the_sample_is_a_version_1_event_without_meeting_id() -> None:
    state = json.loads(stored_sample("proposal_submitted_v1.json").state)
    assert "meeting_id" not in state
    assert "class_version" not in state
    assert Proposal.Submitted.class_version == 2


def test_a_version_1_submission_is_read_as_submitted_at_no_meeting(mapper: Mapper[UUID]) -> None:
    submitted = mapper.to_domain_event(stored_sample("proposal_submitted_v1.json"))
    assert isinstance(submitted, Proposal.Submitted)
    assert submitted.meeting_id is None
    assert submitted.originator_id == UUID("0b5e7c1e-3f0a-4c52-9d11-7a6f2b9c4e01")
    assert submitted.process_id == UUID("5d3a0f6e-8b21-4f7c-a0d4-2c9e1b7f3a10")
    assert submitted.timestamp == datetime(2026, 5, 4, 2, 15, 30, 123456, tzinfo=UTC)
    assert submitted.actor == Actor(id="acct-fasilitator", role="facilitator", name="Bu Sari (fasilitator)")


def test_a_version_1_submission_rebuilds_an_open_proposal(mapper: Mapper[UUID]) -> None:
    submitted = mapper.to_domain_event(stored_sample("proposal_submitted_v1.json"))
    proposal = submitted.mutate(None)  # type: ignore[attr-defined]
    assert isinstance(proposal, Proposal)
    assert proposal.id == UUID("0b5e7c1e-3f0a-4c52-9d11-7a6f2b9c4e01")
    assert proposal.version == 1
    assert proposal.meeting_id is None
    assert proposal.title == "Jalan ke pasar"
    assert proposal.submitted_by == UUID("9e2c4b71-0d5a-4e3f-b8c6-1f7a2d9e5b23")
    assert proposal.status == "open"
    assert proposal.text_version == 1
    # An upcast proposal takes further steps like any other.
    proposal.contribute(uuid4(), "support", "Setuju", submitted.actor)
    assert proposal.version == 2


def test_a_version_2_submission_is_stored_with_its_class_version_and_meeting(mapper: Mapper[UUID]) -> None:
    meeting_id = uuid4()
    proposal = Proposal(
        id=uuid4(),
        process_id=uuid4(),
        title="Posyandu",
        body="Bangun posyandu",
        submitted_by=uuid4(),
        meeting_id=meeting_id,
        actor=Actor(id="acct-fasilitator", role="facilitator", name="Bu Sari (fasilitator)"),
    )
    stored = mapper.to_stored_event(proposal.collect_events()[0])
    state = json.loads(stored.state)
    assert stored.topic == "domain.proposal:Proposal.Submitted"
    assert state["class_version"] == 2
    assert mapper.to_domain_event(stored).meeting_id == meeting_id  # type: ignore[attr-defined]
