"""Use cases of proposals: submission, deliberation, consensus checks and votes, the decision, corrections.

Each is a short get → act → stage: the proposal and its process are read as the
caller may write them, the domain decides, the changed proposal is staged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

from domain.meeting import Meeting
from domain.process import Process
from domain.proposal import Proposal
from service.app.assessments import addressed_findings
from service.app.readable import ensure_expected, in_writable_process, meeting_of_process, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


def open_proposal(uow: UnitOfWork, proposal_id: UUID, context: CommandContext) -> tuple[Proposal, Process]:
    """A proposal to change (a copy) and its open process (shared, read only), at the version expected."""
    proposal, process = in_writable_process(uow, Proposal, proposal_id, context)
    process.ensure_open()
    ensure_expected(proposal, context)
    return proposal, process


class Proposals:
    """Records every step of a proposal, from its submission to its decision and its corrections."""

    def __init__(self, uow: UnitOfWork, names: StatementNames) -> None:
        self.uow = uow
        self.names = names

    @command
    def submit(
        self,
        context: CommandContext,
        process_id: UUID,
        title: str,
        body: str,
        submitted_by: UUID,
        meeting_id: UUID | None,
        addresses: Sequence[UUID] = (),
        planning: Mapping[str, Any] | None = None,
    ) -> Receipt:
        """Submits a proposal by a registered participant, optionally at a meeting of the process, and the findings
        of the process's assessments it addresses."""
        process = writable_process(self.uow, process_id, context)
        ensure_expected(process, context)
        self.names.ensure_unnamed(process, context.names_are_public, title=title, body=body)
        proposal_id = uuid4()
        submitted_at = context.when(self.uow.clock)
        if meeting_id is not None:
            meeting_of_process(self.uow, meeting_id, process).ensure_during(submitted_at, "a submission")
        process.receive_proposal(proposal_id, submitted_by, context.actor, occurred_at=submitted_at)
        proposal = Proposal.submit(
            id=proposal_id,
            process_id=process_id,
            title=title,
            body=body,
            submitted_by=submitted_by,
            meeting_id=meeting_id,
            occurred_at=submitted_at,
            actor=context.actor,
            planning=None if planning is None else dict(planning),
        )
        if addresses:
            addressed = addressed_findings(self.uow, process, addresses)
            proposal.link_findings(addressed, context.actor, occurred_at=submitted_at)
        self.uow.stage(process, proposal)
        return Receipt("proposal", proposal_id, proposal.version, created=True)

    @command
    def contribute(
        self, context: CommandContext, proposal_id: UUID, participant_id: UUID, kind: str, text: str
    ) -> Receipt:
        """Records a contribution (support, concern, question, information) to the deliberation."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        process.ensure_may_act(participant_id)
        self.names.ensure_unnamed(process, context.names_are_public, text=text)
        proposal.contribute(participant_id, kind, text, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def amend(
        self,
        context: CommandContext,
        proposal_id: UUID,
        body: str,
        reason: str,
        proposed_by: UUID,
        planning: Mapping[str, Any] | None = None,
    ) -> Receipt:
        """Records a new version of the proposal's text (and planning fields), with the reason for it."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        process.ensure_may_act(proposed_by)
        self.names.ensure_unnamed(process, context.names_are_public, body=body, reason=reason)
        proposal.amend(
            body,
            reason,
            proposed_by,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            planning=None if planning is None else dict(planning),
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def raise_objection(
        self, context: CommandContext, proposal_id: UUID, raised_by: UUID, grounds: str, blocking: bool
    ) -> Receipt:
        """Records an objection by a registered participant."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        process.ensure_may_act(raised_by)
        self.names.ensure_unnamed(process, context.names_are_public, grounds=grounds)
        objection_id = uuid4()
        proposal.raise_objection(
            objection_id, raised_by, grounds, blocking, context.actor, occurred_at=context.when(self.uow.clock)
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=objection_id, created=True)

    @command
    def resolve_objection(
        self, context: CommandContext, proposal_id: UUID, objection_id: UUID, outcome: str, note: str
    ) -> Receipt:
        """Ends an objection as addressed, withdrawn or overruled."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        self.names.ensure_unnamed(process, context.names_are_public, note=note)
        proposal.resolve_objection(
            objection_id, outcome, note, process.rules, context.actor, occurred_at=context.when(self.uow.clock)
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=objection_id)

    def _round_opening(
        self, proposal_id: UUID, meeting_id: UUID, context: CommandContext
    ) -> tuple[Proposal, Process, Meeting]:
        """What opening a consensus check or a vote needs: the undecided proposal and an open meeting of its process."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        meeting = meeting_of_process(self.uow, meeting_id, process)
        proposal.ensure_undecided()
        meeting.ensure_open()
        return proposal, process, meeting

    @command
    def open_consensus_check(self, context: CommandContext, proposal_id: UUID, meeting_id: UUID) -> Receipt:
        """Opens a consensus check at an open meeting of the process."""
        proposal, process, meeting = self._round_opening(proposal_id, meeting_id, context)
        check_id = uuid4()
        proposal.open_consensus_check(
            check_id,
            meeting_id,
            meeting.invited_count,
            meeting.present_of_invited,
            process.rules,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            meeting_opened_at=meeting.opened_at,
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=check_id, created=True)

    @command
    def take_stance(
        self,
        context: CommandContext,
        proposal_id: UUID,
        check_id: UUID,
        participant_id: UUID,
        stance: str,
        reason: str | None,
    ) -> Receipt:
        """Records the stance of a participant who attends the check's meeting."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        check = proposal.check(check_id)
        proposal.ensure_undecided()
        process.ensure_may_act(participant_id)
        meeting = self.uow.get(Meeting, UUID(check.meeting_id), "meeting", copy=False)
        meeting.ensure_attending(participant_id)
        if check.status == "open":  # a closed check answers check_not_open, whatever the meeting
            meeting.ensure_open()
        self.names.ensure_unnamed(process, context.names_are_public, reason=reason)
        proposal.take_stance(
            check_id, participant_id, stance, reason, context.actor, occurred_at=context.when(self.uow.clock)
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=check_id)

    @command
    def close_consensus_check(self, context: CommandContext, proposal_id: UUID, check_id: UUID) -> Receipt:
        """Closes a consensus check with its result and tally."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        meeting = self.uow.get(Meeting, UUID(proposal.check(check_id).meeting_id), "meeting", copy=False)
        proposal.close_consensus_check(
            check_id,
            meeting.invited_count,
            meeting.present_of_invited,
            process.rules,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            meeting_closed_at=meeting.closed_at,
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=check_id)

    @command
    def open_vote(self, context: CommandContext, proposal_id: UUID, meeting_id: UUID) -> Receipt:
        """Opens a vote (fallback when consensus fails, where the rules allow it)."""
        proposal, process, meeting = self._round_opening(proposal_id, meeting_id, context)
        vote_id = uuid4()
        proposal.open_vote(
            vote_id,
            meeting_id,
            meeting.invited_count,
            meeting.present_of_invited,
            process.rules,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            meeting_opened_at=meeting.opened_at,
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=vote_id, created=True)

    @command
    def cast_ballot(
        self, context: CommandContext, proposal_id: UUID, vote_id: UUID, participant_id: UUID, choice: str
    ) -> Receipt:
        """Records the one ballot of a participant who attends the vote's meeting."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        vote = proposal.vote(vote_id)
        proposal.ensure_undecided()
        process.ensure_may_act(participant_id)
        meeting = self.uow.get(Meeting, UUID(vote.meeting_id), "meeting", copy=False)
        meeting.ensure_attending(participant_id)
        if vote.status == "open":  # a closed vote answers vote_not_open, whatever the meeting
            meeting.ensure_open()
        proposal.cast_ballot(vote_id, participant_id, choice, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=vote_id)

    @command
    def close_vote(self, context: CommandContext, proposal_id: UUID, vote_id: UUID) -> Receipt:
        """Closes a vote with its tally against the threshold."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        meeting = self.uow.get(Meeting, UUID(proposal.vote(vote_id).meeting_id), "meeting", copy=False)
        proposal.close_vote(
            vote_id,
            meeting.invited_count,
            meeting.present_of_invited,
            process.rules,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            meeting_closed_at=meeting.closed_at,
        )
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version, part_id=vote_id)

    @command
    def decide(self, context: CommandContext, proposal_id: UUID, outcome: str, method: str, rationale: str) -> Receipt:
        """Records the decision, keeping a copy of the rules it was made under."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        self.names.ensure_unnamed(process, context.names_are_public, rationale=rationale)
        proposal.decide(outcome, method, rationale, process.rules, context.when(self.uow.clock), context.actor)
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def withdraw(self, context: CommandContext, proposal_id: UUID, reason: str) -> Receipt:
        """Withdraws an undecided proposal; nothing more is recorded on it."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        self.names.ensure_unnamed(process, context.names_are_public, reason=reason)
        proposal.withdraw(reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def annul_decision(
        self, context: CommandContext, proposal_id: UUID, reason: str, legal_basis: str | None, meeting_id: UUID | None
    ) -> Receipt:
        """Annuls a proposal's decision by a later musyawarah; the proposal is open again."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        annulled_at = context.when(self.uow.clock)
        if meeting_id is not None:
            meeting_of_process(self.uow, meeting_id, process).ensure_during(annulled_at, "an annulment")
        self.names.ensure_unnamed(process, context.names_are_public, reason=reason)
        proposal.annul_decision(reason, legal_basis, meeting_id, context.actor, occurred_at=annulled_at)
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)

    @command
    def correct(
        self, context: CommandContext, proposal_id: UUID, version: int, field: str, text: str, reason: str
    ) -> Receipt:
        """Records an erratum of a free-text field of the step recorded at `version`."""
        proposal, process = open_proposal(self.uow, proposal_id, context)
        self.names.ensure_unnamed(process, context.names_are_public, text=text, reason=reason)
        proposal.correct(version, field, text, reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(proposal)
        return Receipt("proposal", proposal_id, proposal.version)
