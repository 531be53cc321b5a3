"""Broken rules of the domain, each with a stable machine-readable code.

Every error carries a sentence a facilitator can read and the ids it concerns;
the HTTP layer maps every subclass of `RuleBroken` to 409 with its `code`.
"""

from __future__ import annotations

from typing import Any


class RuleBroken(Exception):
    """A step that the rules of the process do not allow."""

    code = "rule_broken"

    def __init__(self, detail: str, **ids: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.ids = {name: str(value) for name, value in ids.items()}


class ProposalAlreadyDecided(RuleBroken):
    code = "proposal_already_decided"


class NotRegistered(RuleBroken):
    code = "not_registered"


class NotAttending(RuleBroken):
    code = "not_attending"


class BlockingObjectionUnresolved(RuleBroken):
    code = "unresolved_blocking_objection"


class ConsensusNotReached(RuleBroken):
    code = "consensus_not_reached"


class VoteNotPassed(RuleBroken):
    code = "vote_not_passed"


class VoteFallbackNotAllowed(RuleBroken):
    code = "vote_fallback_not_allowed"


class QuorumNotMet(RuleBroken):
    code = "quorum_not_met"


class CheckNotOpen(RuleBroken):
    code = "check_not_open"


class VoteNotOpen(RuleBroken):
    code = "vote_not_open"


class MeetingNotOpen(RuleBroken):
    code = "meeting_not_open"


class MeetingAlreadyOpened(RuleBroken):
    code = "meeting_already_opened"


class ObjectionAlreadyResolved(RuleBroken):
    code = "already_resolved"


class ProcessClosed(RuleBroken):
    code = "process_closed"


class ParticipantForgotten(RuleBroken):
    code = "participant_forgotten"


class BallotAlreadyCast(RuleBroken):
    code = "ballot_already_cast"


class AdoptionNeedsConsensusOrVote(RuleBroken):
    code = "adoption_needs_consensus_or_vote"


class ProposalNotAdopted(RuleBroken):
    code = "proposal_not_adopted"


class CommitmentAlreadyCompleted(RuleBroken):
    code = "commitment_already_completed"


class PartOfProposalNotFound(Exception):
    """An objection, consensus check or vote id that the proposal does not have."""

    code = "not_found"

    def __init__(self, kind: str, part_id: Any) -> None:
        super().__init__(f"{kind} {part_id} is not part of this proposal")
        self.kind = kind
        self.part_id = str(part_id)


class ValueNotAllowed(RuleBroken):
    """A value outside the domain's vocabulary (a stance, choice, outcome, group, ...).

    The HTTP schemas refuse such values first; this guard keeps any other
    caller (CLI, scripts) from storing an event that could never be tallied.
    """

    code = "value_not_allowed"


def ensure_one_of(what: str, value: object, allowed: tuple[object, ...]) -> None:
    """Refuses a value that is not one of `allowed`."""
    if value not in allowed:
        raise ValueNotAllowed(f"{what} must be one of {', '.join(map(str, allowed))}")
