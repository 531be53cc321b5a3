"""Use cases of commitments: the follow-up promised on an adopted proposal, and its progress."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from domain.commitment import Commitment
from domain.proposal import Proposal
from service.app.readable import ensure_expected, in_writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


class Commitments:
    """Makes commitments and records their progress."""

    def __init__(self, uow: UnitOfWork, names: StatementNames) -> None:
        self.uow = uow
        self.names = names

    @command
    def make(
        self,
        context: CommandContext,
        proposal_id: UUID,
        owner: str,
        description: str,
        due: date,
        indicators: list[str],
    ) -> Receipt:
        """Records the follow-up promised on an adopted proposal."""
        proposal, process = in_writable_process(self.uow, Proposal, proposal_id, context, copy=False)
        process.ensure_open()
        ensure_expected(proposal, context)
        # Who owns it and how it is measured are published with the decision, like its description.
        self.names.ensure_unnamed(
            process,
            context.names_are_public,
            owner=owner,
            description=description,
            indicators="\n".join(indicators),
        )
        commitment = Commitment.make(
            id=uuid4(),
            proposal_id=proposal_id,
            process_id=proposal.process_id,
            decision_outcome=proposal.decision.outcome if proposal.decision else None,
            owner=owner,
            description=description,
            due=due,
            indicators=indicators,
            actor=context.actor,
            occurred_at=context.when(self.uow.clock),
        )
        self.uow.stage(commitment)
        return Receipt("commitment", commitment.id, commitment.version, created=True)

    @command
    def report_progress(
        self, context: CommandContext, commitment_id: UUID, percent: int, note: str, evidence_url: str | None
    ) -> Receipt:
        """Records a progress report on a commitment (100 percent completes it)."""
        commitment, process = in_writable_process(self.uow, Commitment, commitment_id, context)
        process.ensure_open()
        ensure_expected(commitment, context)
        self.names.ensure_unnamed(process, context.names_are_public, note=note)
        commitment.report_progress(percent, note, evidence_url, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(commitment)
        return Receipt("commitment", commitment_id, commitment.version)
