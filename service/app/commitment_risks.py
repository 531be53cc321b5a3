"""The use cases of a commitment's risks (risiko): identified with likelihood, impact and mitigation, reviewed at
meetings of the process.

A risk is about the programme, not about a person: outsiders read it (its description, mitigation and reviews'
notes are statements, held to the names rule and sealed like contributions). A review is held at a meeting of the
commitment's process that has opened (open, or closed and recorded afterwards from the notulen), at a moment while
it was open; a monitoring meeting (pemantauan) is the usual place, but any kind is allowed, because villages review
risks wherever the people concerned are gathered.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID, uuid4

from domain.commitment import Commitment
from service.app.commitments import owner_named
from service.app.readable import ensure_expected, in_writable_process, meeting_of_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command


class CommitmentRisks:
    """Identifies the risks of commitments and records their reviews."""

    def __init__(self, uow: UnitOfWork, names: StatementNames) -> None:
        self.uow = uow
        self.names = names

    @command
    def identify(
        self,
        context: CommandContext,
        commitment_id: UUID,
        description: str,
        likelihood: str,
        impact: str,
        mitigation: str,
        owner: str | Mapping[str, UUID] | None = None,
        status: str = "open",
    ) -> Receipt:
        """Records a risk to a commitment: what may happen, how likely, how hard, the mitigation and its owner (a
        role, or `{partner_id}` of the same process)."""
        commitment, process = in_writable_process(self.uow, Commitment, commitment_id, context)
        process.ensure_open()
        ensure_expected(commitment, context)
        owner_name, owner_partner_id = (None, None) if owner is None else owner_named(self.uow, process.id, owner)
        self.names.ensure_unnamed(
            process,
            context.names_are_public,
            description=description,
            mitigation=mitigation,
            owner=owner_name if owner_partner_id is None else None,
        )
        risk_id = uuid4()
        commitment.identify_risk(
            risk_id,
            description,
            likelihood,
            impact,
            mitigation,
            context.actor,
            occurred_at=context.when(self.uow.clock),
            owner=owner_name,
            owner_partner_id=owner_partner_id,
            status=status,
        )
        self.uow.stage(commitment)
        return Receipt("commitment", commitment_id, commitment.version, part_id=risk_id, aggregate=commitment)

    @command
    def review(
        self,
        context: CommandContext,
        commitment_id: UUID,
        risk_id: UUID,
        meeting_id: UUID,
        status: str,
        note: str | None = None,
    ) -> Receipt:
        """Records a review of a commitment's risk held at a meeting of its process: where the risk stands now."""
        commitment, process = in_writable_process(self.uow, Commitment, commitment_id, context)
        process.ensure_open()
        ensure_expected(commitment, context)
        meeting = meeting_of_process(self.uow, meeting_id, process)
        reviewed_at = context.when(self.uow.clock)
        meeting.ensure_during(reviewed_at, "a review of a risk")
        self.names.ensure_unnamed(process, context.names_are_public, note=note)
        commitment.review_risk(risk_id, meeting_id, status, note, context.actor, occurred_at=reviewed_at)
        self.uow.stage(commitment)
        return Receipt("commitment", commitment_id, commitment.version, part_id=risk_id, aggregate=commitment)
