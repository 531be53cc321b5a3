"""A proposal (usulan): its deliberation, consensus checks, vote fallback and decision.

Checks sit in the public command methods; the private @event methods only
change state, because their bodies run again on every replay.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.deliberation import (
    CHOICES,
    CONTRIBUTION_KINDS,
    METHODS,
    OBJECTION_OUTCOMES,
    OUTCOMES,
    STANCES,
    ConsensusCheck,
    Decision,
    Objection,
    Vote,
)
from domain.errors import (
    AdoptionNeedsConsensusOrVote,
    BallotAlreadyCast,
    BlockingObjectionUnresolved,
    CheckNotOpen,
    ConsensusNotReached,
    ObjectionAlreadyResolved,
    PartOfProposalNotFound,
    ProposalAlreadyDecided,
    QuorumNotMet,
    VoteFallbackNotAllowed,
    VoteNotOpen,
    VoteNotPassed,
    ensure_one_of,
)
from domain.rules import DecisionRules


class Proposal(Aggregate):
    """The item a community decides, and every step of how it was decided."""

    class Submitted(Aggregate.Created):
        """Version 2 added `meeting_id` (proposals may be submitted at a meeting)."""

        class_version = 2
        process_id: UUID
        title: str
        body: str
        submitted_by: UUID
        meeting_id: UUID | None
        actor: Actor

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            """Proposals stored before version 2 were not submitted at a meeting."""
            state["meeting_id"] = None

    @event(Submitted)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        title: str,
        body: str,
        submitted_by: UUID,
        meeting_id: UUID | None,
        actor: Actor,
    ) -> None:
        self.process_id = process_id
        self.title = title
        self.body = body
        self.submitted_by = submitted_by
        self.meeting_id = meeting_id
        self.text_version = 1
        self.contribution_count = 0
        self.objections: dict[str, Objection] = {}
        self.checks: dict[str, ConsensusCheck] = {}
        self.votes: dict[str, Vote] = {}
        self.decision: Decision | None = None

    # --- what the state says -------------------------------------------------

    @property
    def status(self) -> str:
        """`open` while deliberation goes on, `decided` once the decision is recorded."""
        return "decided" if self.decision is not None else "open"

    @property
    def unresolved_blocking_objections(self) -> list[Objection]:
        """Blocking objections that were neither addressed, withdrawn nor overruled."""
        return [o for o in self.objections.values() if o.is_unresolved_blocking]

    def objection(self, objection_id: UUID) -> Objection:
        """One objection of this proposal."""
        try:
            return self.objections[str(objection_id)]
        except KeyError:
            raise PartOfProposalNotFound("objection", objection_id) from None

    def check(self, check_id: UUID) -> ConsensusCheck:
        """One consensus check of this proposal."""
        try:
            return self.checks[str(check_id)]
        except KeyError:
            raise PartOfProposalNotFound("consensus check", check_id) from None

    def vote(self, vote_id: UUID) -> Vote:
        """One vote of this proposal."""
        try:
            return self.votes[str(vote_id)]
        except KeyError:
            raise PartOfProposalNotFound("vote", vote_id) from None

    def ensure_undecided(self) -> None:
        """After the decision, the proposal accepts no more deliberation."""
        if self.decision is not None:
            raise ProposalAlreadyDecided(
                f"this proposal was already decided ({self.decision.outcome})", proposal_id=self.id
            )

    # --- deliberation --------------------------------------------------------

    def contribute(self, participant_id: UUID, kind: str, text: str, actor: Actor) -> None:
        """Records support, a concern, a question or information from a participant."""
        ensure_one_of("kind", kind, CONTRIBUTION_KINDS)
        self.ensure_undecided()
        self._contributed(participant_id=participant_id, kind=kind, text=text, actor=actor)

    @event("Contributed")
    def _contributed(self, participant_id: UUID, kind: str, text: str, actor: Actor) -> None:
        self.contribution_count += 1

    def amend(self, body: str, reason: str, proposed_by: UUID, actor: Actor) -> None:
        """Replaces the text with a new version, keeping the reason; the old text stays in history."""
        self.ensure_undecided()
        self._amended(body=body, reason=reason, proposed_by=proposed_by, actor=actor)

    @event("Amended")
    def _amended(self, body: str, reason: str, proposed_by: UUID, actor: Actor) -> None:
        self.body = body
        self.text_version += 1

    def raise_objection(self, objection_id: UUID, raised_by: UUID, grounds: str, blocking: bool, actor: Actor) -> None:
        """Records an objection; a blocking one stands in the way of consensus until resolved."""
        self.ensure_undecided()
        self._objection_raised(
            objection_id=objection_id, raised_by=raised_by, grounds=grounds, blocking=blocking, actor=actor
        )

    @event("ObjectionRaised")
    def _objection_raised(
        self, objection_id: UUID, raised_by: UUID, grounds: str, blocking: bool, actor: Actor
    ) -> None:
        self.objections[str(objection_id)] = Objection(
            objection_id=str(objection_id), raised_by=str(raised_by), grounds=grounds, blocking=blocking
        )

    def resolve_objection(
        self, objection_id: UUID, outcome: str, note: str, rules: DecisionRules, actor: Actor
    ) -> None:
        """Ends an objection: addressed, withdrawn, or overruled where the rules allow a vote fallback."""
        ensure_one_of("outcome", outcome, OBJECTION_OUTCOMES)
        self.ensure_undecided()
        objection = self.objection(objection_id)
        if objection.state != "unresolved":
            raise ObjectionAlreadyResolved(f"this objection was already {objection.state}", objection_id=objection_id)
        if outcome == "overruled" and not rules.vote_fallback:
            raise VoteFallbackNotAllowed(
                "the rules of this process allow no overruling: an objection must be addressed or withdrawn",
                objection_id=objection_id,
            )
        self._objection_resolved(objection_id=objection_id, outcome=outcome, note=note, actor=actor)

    @event("ObjectionResolved")
    def _objection_resolved(self, objection_id: UUID, outcome: str, note: str, actor: Actor) -> None:
        objection = self.objections[str(objection_id)]
        objection.state = outcome
        objection.note = note

    # --- consensus -----------------------------------------------------------

    def open_consensus_check(
        self,
        check_id: UUID,
        meeting_id: UUID,
        invited: int,
        present_of_invited: int,
        rules: DecisionRules,
        actor: Actor,
    ) -> None:
        """Opens a consensus check at an open meeting whose quorum holds."""
        self.ensure_undecided()
        _ensure_quorum(rules, invited, present_of_invited, meeting_id)
        self._check_opened(check_id=check_id, meeting_id=meeting_id, actor=actor)

    @event("ConsensusCheckOpened")
    def _check_opened(self, check_id: UUID, meeting_id: UUID, actor: Actor) -> None:
        self.checks[str(check_id)] = ConsensusCheck(check_id=str(check_id), meeting_id=str(meeting_id))

    def take_stance(self, check_id: UUID, participant_id: UUID, stance: str, reason: str | None, actor: Actor) -> None:
        """Records a participant's stance; a later stance supersedes theirs, both stay in history."""
        ensure_one_of("stance", stance, STANCES)
        self.ensure_undecided()
        check = self.check(check_id)
        if check.status != "open":
            raise CheckNotOpen("this consensus check is closed", check_id=check_id)
        self._stance_taken(check_id=check_id, participant_id=participant_id, stance=stance, reason=reason, actor=actor)

    @event("StanceTaken")
    def _stance_taken(
        self, check_id: UUID, participant_id: UUID, stance: str, reason: str | None, actor: Actor
    ) -> None:
        self.checks[str(check_id)].stances[str(participant_id)] = stance

    def close_consensus_check(
        self, check_id: UUID, invited: int, present_of_invited: int, rules: DecisionRules, actor: Actor
    ) -> None:
        """Closes a check: consensus is reached when nobody blocks, no blocking objection stands,
        at least one agrees, and the quorum holds."""
        self.ensure_undecided()
        check = self.check(check_id)
        if check.status != "open":
            raise CheckNotOpen("this consensus check is already closed", check_id=check_id)
        counts = check.count_stances()
        standing = len(self.unresolved_blocking_objections)
        quorum_met = rules.quorum_holds(invited, present_of_invited)
        reached = counts["block"] == 0 and standing == 0 and counts["agree"] > 0 and quorum_met
        tally: dict[str, object] = {
            **counts,
            "invited": invited,
            "present": present_of_invited,
            "quorum_met": quorum_met,
            "unresolved_blocking_objections": standing,
        }
        self._check_closed(check_id=check_id, result="reached" if reached else "not_reached", tally=tally, actor=actor)

    @event("ConsensusCheckClosed")
    def _check_closed(self, check_id: UUID, result: str, tally: dict[str, object], actor: Actor) -> None:
        check = self.checks[str(check_id)]
        check.status = "closed"
        check.result = result
        check.tally = dict(tally)

    # --- vote fallback -------------------------------------------------------

    def open_vote(
        self,
        vote_id: UUID,
        meeting_id: UUID,
        invited: int,
        present_of_invited: int,
        rules: DecisionRules,
        actor: Actor,
    ) -> None:
        """Opens a vote, only where the rules allow a vote fallback and the quorum holds."""
        self.ensure_undecided()
        if not rules.vote_fallback:
            raise VoteFallbackNotAllowed(
                "the rules of this process allow no vote: decisions are by consensus only",
                proposal_id=self.id,
            )
        _ensure_quorum(rules, invited, present_of_invited, meeting_id)
        self._vote_opened(vote_id=vote_id, meeting_id=meeting_id, actor=actor)

    @event("VoteOpened")
    def _vote_opened(self, vote_id: UUID, meeting_id: UUID, actor: Actor) -> None:
        self.votes[str(vote_id)] = Vote(vote_id=str(vote_id), meeting_id=str(meeting_id))

    def cast_ballot(self, vote_id: UUID, participant_id: UUID, choice: str, actor: Actor) -> None:
        """Records one ballot per participant; a ballot cannot be changed."""
        ensure_one_of("choice", choice, CHOICES)
        self.ensure_undecided()
        vote = self.vote(vote_id)
        if vote.status != "open":
            raise VoteNotOpen("this vote is closed", vote_id=vote_id)
        if str(participant_id) in vote.ballots:
            raise BallotAlreadyCast(
                "this participant already cast a ballot in this vote", vote_id=vote_id, participant_id=participant_id
            )
        self._ballot_cast(vote_id=vote_id, participant_id=participant_id, choice=choice, actor=actor)

    @event("BallotCast")
    def _ballot_cast(self, vote_id: UUID, participant_id: UUID, choice: str, actor: Actor) -> None:
        self.votes[str(vote_id)].ballots[str(participant_id)] = choice

    def close_vote(
        self, vote_id: UUID, invited: int, present_of_invited: int, rules: DecisionRules, actor: Actor
    ) -> None:
        """Closes a vote and tallies it against the threshold of the rules."""
        self.ensure_undecided()
        vote = self.vote(vote_id)
        if vote.status != "open":
            raise VoteNotOpen("this vote is already closed", vote_id=vote_id)
        counts = vote.count_ballots()
        quorum_met = rules.quorum_holds(invited, present_of_invited)
        passed = quorum_met and rules.vote_passes(counts["yes"], counts["no"])
        tally: dict[str, object] = {
            **counts,
            "invited": invited,
            "present": present_of_invited,
            "quorum_met": quorum_met,
            "threshold": rules.vote_threshold,
        }
        self._vote_closed(vote_id=vote_id, result="passed" if passed else "failed", tally=tally, actor=actor)

    @event("VoteClosed")
    def _vote_closed(self, vote_id: UUID, result: str, tally: dict[str, object], actor: Actor) -> None:
        vote = self.votes[str(vote_id)]
        vote.status = "closed"
        vote.result = result
        vote.tally = dict(tally)

    # --- decision ------------------------------------------------------------

    def decide(
        self,
        outcome: str,
        method: str,
        rationale: str,
        rules: DecisionRules,
        decided_at: datetime,
        actor: Actor,
    ) -> None:
        """Records the decision. Adoption needs the latest closed check reached (and no blocking
        objection standing) or, where the rules allow it, the latest closed vote passed."""
        ensure_one_of("outcome", outcome, OUTCOMES)
        ensure_one_of("method", method, METHODS)
        self.ensure_undecided()
        if outcome == "adopted":
            self._ensure_adoption_is_founded(method, rules)
        self._decided(
            outcome=outcome,
            method=method,
            rationale=rationale,
            rules=rules.as_dict(),
            decided_at=decided_at,
            actor=actor,
        )

    def _ensure_adoption_is_founded(self, method: str, rules: DecisionRules) -> None:
        if method == "consensus":
            if self.unresolved_blocking_objections:
                raise BlockingObjectionUnresolved(
                    "a blocking objection is unresolved: it must be addressed, withdrawn or overruled first",
                    objection_id=self.unresolved_blocking_objections[0].objection_id,
                )
            latest = _latest_closed(list(self.checks.values()))
            if latest is None or latest.result != "reached":
                raise ConsensusNotReached(
                    "no closed consensus check of this proposal reached consensus", proposal_id=self.id
                )
        elif method == "vote":
            if not rules.vote_fallback:
                raise VoteFallbackNotAllowed(
                    "the rules of this process allow no vote: decisions are by consensus only",
                    proposal_id=self.id,
                )
            latest_vote = _latest_closed(list(self.votes.values()))
            if latest_vote is None or latest_vote.result != "passed":
                raise VoteNotPassed("no closed vote on this proposal passed", proposal_id=self.id)
        else:
            raise AdoptionNeedsConsensusOrVote(
                "a proposal is adopted by consensus or by vote, never without either", proposal_id=self.id
            )

    @event("Decided")
    def _decided(
        self,
        outcome: str,
        method: str,
        rationale: str,
        rules: dict[str, object],
        decided_at: datetime,
        actor: Actor,
    ) -> None:
        self.decision = Decision(
            outcome=outcome, method=method, rationale=rationale, rules=dict(rules), decided_at=decided_at
        )


def _ensure_quorum(rules: DecisionRules, invited: int, present_of_invited: int, meeting_id: UUID) -> None:
    if not rules.quorum_holds(invited, present_of_invited):
        raise QuorumNotMet(
            f"only {present_of_invited} of {invited} invited attend; the quorum is {rules.quorum:.0%}",
            meeting_id=meeting_id,
        )


def _latest_closed(parts: list[ConsensusCheck] | list[Vote]) -> ConsensusCheck | Vote | None:
    closed = [part for part in parts if part.status == "closed"]
    return closed[-1] if closed else None
