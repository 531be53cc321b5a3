"""The parts of a proposal's deliberation: objections, consensus checks, votes, the decision, corrections.

A consensus check and a vote are two kinds of one round (`domain.round`): here is only what tells them
apart, their words and how their count decides.

Plain dataclasses held inside the Proposal aggregate; their ids are text so
that the aggregate's state stays JSON for snapshots. Every field added after
the first release has a default, so that snapshots stored before it still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from domain.errors import (
    BallotAlreadyCast,
    CheckNotOpen,
    ConsensusNotReached,
    NoCheckOnThisText,
    NoConsensusToReject,
    NoVoteOnThisText,
    VoteNotOpen,
    VoteNotPassed,
    VotePassed,
)
from domain.round import Round, RoundKind
from domain.rules import DecisionRules

OBJECTION_OUTCOMES = ("addressed", "withdrawn", "overruled")
CONTRIBUTION_KINDS = ("support", "concern", "question", "information")
STANCES = ("agree", "abstain", "disagree", "block")
CHOICES = ("yes", "no", "abstain")
OUTCOMES = ("adopted", "rejected", "deferred")
METHODS = ("consensus", "vote", "none")


@dataclass
class Objection:
    """An objection (keberatan), blocking or not, and how it ended."""

    objection_id: str
    raised_by: str
    grounds: str
    blocking: bool
    state: str = "unresolved"
    note: str | None = None
    raised_at: datetime | None = None
    #: The version of the step that resolved it (None while unresolved, or resolved before this was kept).
    note_version: int | None = None

    @property
    def is_unresolved_blocking(self) -> bool:
        """A blocking objection still standing: consensus cannot be reached over it."""
        return self.blocking and self.state == "unresolved"


@dataclass(kw_only=True)
class ConsensusCheck(Round):
    """A consensus check (pengecekan mufakat) at one meeting, with each participant's latest stance."""

    kind: ClassVar[RoundKind] = RoundKind(
        name="consensus check",
        mark="stance",
        marks=STANCES,
        method="consensus",
        carried="reached",
        not_carried="not_reached",
        not_open=CheckNotOpen,
        none_held=NoCheckOnThisText,
        not_carried_refusal=ConsensusNotReached,
        not_carried_detail="the latest consensus check of this proposal did not reach consensus",
        id_name="check_id",
    )

    check_id: str
    stances: dict[str, str] = field(default_factory=dict)

    @property
    def round_id(self) -> str:
        """The id of this check."""
        return self.check_id

    @property
    def marks(self) -> dict[str, str]:
        """Each participant's latest stance."""
        return self.stances

    def count_stances(self) -> dict[str, int]:
        """How many hold each stance now (a changed mind counts once, as its latest stance)."""
        return self.count()

    def _verdict(
        self, counts: dict[str, int], rules: DecisionRules, quorum_met: bool, blocking_objections: int
    ) -> tuple[bool, dict[str, object]]:
        """Consensus is reached when the stances reach it under the process's rule (unanimity or consent), no
        blocking objection stands and the quorum holds; dissent stays on record beside a consensus by consent."""
        reached = rules.consensus_reached(counts) and blocking_objections == 0 and quorum_met
        return reached, {
            "unresolved_blocking_objections": blocking_objections,
            "rule": rules.consensus,
            "dissent": counts["disagree"] if reached else 0,
        }

    def _ensure_bears_rejection(self, rules: DecisionRules) -> None:
        """A rejection by consensus is itself a mufakat: a check that merely failed to reach consensus is none."""
        if not rules.consensus_against(self.count_stances()):
            raise NoConsensusToReject(
                "the stances of the latest consensus check are no consensus to reject this proposal", **self.ids
            )


@dataclass(kw_only=True)
class Vote(Round):
    """A vote (pemungutan suara) at one meeting, one ballot per attending participant."""

    kind: ClassVar[RoundKind] = RoundKind(
        name="vote",
        mark="ballot",
        marks=CHOICES,
        method="vote",
        carried="passed",
        not_carried="failed",
        not_open=VoteNotOpen,
        none_held=NoVoteOnThisText,
        not_carried_refusal=VoteNotPassed,
        not_carried_detail="the latest vote on this proposal did not pass",
        id_name="vote_id",
    )

    vote_id: str
    ballots: dict[str, str] = field(default_factory=dict)

    @property
    def round_id(self) -> str:
        """The id of this vote."""
        return self.vote_id

    @property
    def marks(self) -> dict[str, str]:
        """Each participant's ballot."""
        return self.ballots

    def count_ballots(self) -> dict[str, int]:
        """How many ballots were cast for each choice."""
        return self.count()

    def _ensure_may_mark_again(self, participant_id: UUID) -> None:
        """A ballot cannot be changed."""
        if str(participant_id) in self.ballots:
            raise BallotAlreadyCast(
                "this participant already cast a ballot in this vote",
                vote_id=self.vote_id,
                participant_id=participant_id,
            )

    def _verdict(
        self, counts: dict[str, int], rules: DecisionRules, quorum_met: bool, blocking_objections: int
    ) -> tuple[bool, dict[str, object]]:
        """A vote passes when its quorum holds and its yes ballots meet the threshold of the rules; blocking
        objections do not stand in its way (a vote is how a community decides over them)."""
        return quorum_met and rules.vote_passes(counts["yes"], counts["no"]), {"threshold": rules.vote_threshold}

    def _ensure_bears_rejection(self, rules: DecisionRules) -> None:
        """A vote that passed did not reject the text."""
        if self.result == self.kind.carried:
            raise VotePassed("the latest vote on this proposal passed: it is not rejected by vote", **self.ids)


@dataclass
class Decision:
    """The decision on a proposal, with the rules it was made under; `decided_at` is when, in the room."""

    outcome: str
    method: str
    rationale: str
    rules: dict[str, Any]
    decided_at: datetime


@dataclass
class Annulment:
    """A decision annulled by a later musyawarah, with why, on what legal basis, and when."""

    decision: Decision
    reason: str
    legal_basis: str | None
    meeting_id: str | None
    annulled_at: datetime


@dataclass
class Correction:
    """An erratum: the corrected text of one free-text field of the step recorded at `version`."""

    version: int
    field: str
    text: str
    reason: str
    corrected_at: datetime
