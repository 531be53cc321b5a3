"""The domain's event classes the read models read, by name.

The `@event("Decided")` decorator makes most of them at class creation, where a
type checker cannot see them; naming them here once keeps every module typed.
"""

from __future__ import annotations

from typing import Any

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.process import Process
from domain.proposal import Proposal


def _event(aggregate: type[Any], name: str) -> type[Any]:
    event_class: type[Any] = getattr(aggregate, name)
    return event_class


ProcessOpened = _event(Process, "Opened")
ParticipantEnrolled = _event(Process, "ParticipantEnrolled")
ProcessClosed = _event(Process, "Closed")

MeetingScheduled = _event(Meeting, "Scheduled")
MeetingOpened = _event(Meeting, "Opened")
AttendanceRecorded = _event(Meeting, "AttendanceRecorded")
MeetingClosed = _event(Meeting, "Closed")

ProposalSubmitted = _event(Proposal, "Submitted")
Contributed = _event(Proposal, "Contributed")
Amended = _event(Proposal, "Amended")
ObjectionRaised = _event(Proposal, "ObjectionRaised")
ObjectionResolved = _event(Proposal, "ObjectionResolved")
ConsensusCheckOpened = _event(Proposal, "ConsensusCheckOpened")
StanceTaken = _event(Proposal, "StanceTaken")
ConsensusCheckClosed = _event(Proposal, "ConsensusCheckClosed")
VoteOpened = _event(Proposal, "VoteOpened")
BallotCast = _event(Proposal, "BallotCast")
VoteClosed = _event(Proposal, "VoteClosed")
Decided = _event(Proposal, "Decided")

CommitmentMade = _event(Commitment, "Made")
ProgressReported = _event(Commitment, "ProgressReported")
