"""Every aggregate names its events explicitly, in the past tense, and every one of them says when it happened."""

from __future__ import annotations

import dataclasses

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from domain.steps import Start, Step

EVENTS = {
    Process: {
        "Opened",
        "ParticipantEnrolled",
        "ParticipantForgotten",
        "MeetingScheduled",
        "ProposalReceived",
        "Closed",
    },
    Participant: {"Registered", "Forgotten"},
    Meeting: {"Scheduled", "Opened", "AttendanceRecorded", "Closed", "MinutesSealed"},
    Proposal: {
        "Submitted",
        "Contributed",
        "Amended",
        "ObjectionRaised",
        "ObjectionResolved",
        "ConsensusCheckOpened",
        "StanceTaken",
        "ConsensusCheckClosed",
        "VoteOpened",
        "BallotCast",
        "VoteClosed",
        "Decided",
        "Withdrawn",
        "DecisionAnnulled",
        "Corrected",
        "Redacted",
    },
    Commitment: {"Made", "ProgressReported"},
}


def declared_events(aggregate: type[Aggregate]) -> set[str]:
    return {
        name
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, Aggregate.Event)
        and name != "Event"
        and not name.startswith("_")
    } - {"Created", "Snapshot"}


@pytest.mark.parametrize("aggregate", list(EVENTS), ids=lambda a: a.__name__)
def test_every_event_is_declared_by_its_aggregate_and_keeps_its_stored_topic(aggregate: type[Aggregate]) -> None:
    assert declared_events(aggregate) == EVENTS[aggregate]
    module = aggregate.__module__
    for name in EVENTS[aggregate]:
        assert get_topic(getattr(aggregate, name)) == f"{module}:{aggregate.__name__}.{name}"


@pytest.mark.parametrize("aggregate", list(EVENTS), ids=lambda a: a.__name__)
def test_every_event_carries_its_actor_and_when_it_happened(aggregate: type[Aggregate]) -> None:
    for name in EVENTS[aggregate]:
        event_class = getattr(aggregate, name)
        assert issubclass(event_class, (Step, Start)), name
        fields = {field.name for field in dataclasses.fields(event_class)}
        assert {"occurred_at", "actor", "timestamp"} <= fields, name
        assert event_class.class_version >= 2, name
